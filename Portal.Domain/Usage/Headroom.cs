namespace Portal.Domain.Usage;

/// <summary>What an installed key is to the installation that named it (docs/rules.md#seat-planning).</summary>
public enum KeyStanding
{
    /// <summary>An active license of the organization for the installation's product and major: its seats count (R2).</summary>
    Counts,

    /// <summary>The organization's running evaluation of the installation's product and major: its seats count until it ends.</summary>
    Evaluation,

    /// <summary>The organization's evaluation, ended.</summary>
    EndedEvaluation,

    /// <summary>A key of another organization: a sales conversation, not a lockout.</summary>
    OtherOrganization,

    /// <summary>Withdrawn after a refund or dispute (R10).</summary>
    Revoked,

    /// <summary>Replaced by an upgrade (R6): it counts nowhere.</summary>
    Upgraded,

    /// <summary>The organization's key for another product or major version.</summary>
    OtherVersion,

    /// <summary>Named by more than one of the organization's installations: one key's seats serve one installation.</summary>
    InstalledTwice,

    /// <summary>No key Portal issued has this id.</summary>
    Unknown,
}

public static class KeyStandings
{
    /// <summary>Whether the key does not belong where it is installed, for the customer and for staff to see.</summary>
    public static bool IsFlagged(this KeyStanding standing) => standing is not (KeyStanding.Counts or KeyStanding.Evaluation);

    /// <summary>Why a flagged key does not belong, in a sentence a customer's IT administrator can act on.</summary>
    public static string Explain(this KeyStanding standing) => standing switch
    {
        KeyStanding.Counts => "Counts for this installation.",
        KeyStanding.Evaluation => "Your evaluation: its seats count until it ends.",
        KeyStanding.EndedEvaluation => "Your evaluation has ended; remove its key.",
        KeyStanding.OtherOrganization => "This key was issued to another organization.",
        KeyStanding.Revoked => "This license was revoked and its key may no longer be used.",
        KeyStanding.Upgraded => "This license was upgraded; install the key of the license that replaced it.",
        KeyStanding.OtherVersion => "This key is for another product or major version, so its seats do not count here.",
        KeyStanding.InstalledTwice => "Another of your installations has this key installed too; a key's seats serve one installation.",
        KeyStanding.Unknown => "Portal did not issue a key with this id.",
        _ => throw new ArgumentOutOfRangeException(nameof(standing), standing, null),
    };
}

public enum HeadroomState
{
    /// <summary>Fewer enabled users than 90 % of the seats.</summary>
    Fits,

    /// <summary>Enabled users at 90 % of the seats or more, and none without a seat.</summary>
    Near,

    /// <summary>More enabled users than seats (R1).</summary>
    Over,
}

/// <summary>
/// An installation's enabled users against its seats (R1, R2): the seats of the keys it has installed, and the seats
/// the organization holds for the same product and major that no installation has installed yet (a purchase not yet
/// installed is not missing). The state follows the users enabled now; the 90-day peak is shown beside it.
/// </summary>
public sealed record Headroom(int EnabledUsers, int PeakEnabledUsers, int SeatsInstalled, int SeatsNotInstalled)
{
    /// <summary>The share of seats in use from which an installation is near its limit.</summary>
    public const int NearPercent = 90;

    public int SeatsAvailable => SeatsInstalled + SeatsNotInstalled;

    /// <summary>Seats to buy so that every enabled user has one.</summary>
    public int MissingSeats => Math.Max(0, EnabledUsers - SeatsAvailable);

    /// <summary>Enabled users who have a seat only once keys the organization holds are installed here.</summary>
    public bool NeedsKeysInstalled => EnabledUsers > SeatsInstalled && MissingSeats == 0;

    /// <summary>
    /// Seats to buy before an installation near its limit gets there: enough for its enabled users and its 90-day peak,
    /// whichever is higher, to use less than <see cref="NearPercent"/> % of its seats.
    /// </summary>
    public int SeatsAhead => Math.Max(1, (int)(Math.Max(EnabledUsers, PeakEnabledUsers) * 100L / NearPercent + 1) - SeatsAvailable);

    public HeadroomState State =>
        MissingSeats > 0 ? HeadroomState.Over
        : EnabledUsers > 0 && EnabledUsers * 100L >= SeatsAvailable * (long)NearPercent ? HeadroomState.Near
        : HeadroomState.Fits;
}

/// <summary>A key an installation named, and what it is to that installation.</summary>
public sealed record InstalledKeyView(Guid KeyId, KeyStanding Standing, int? Seats);

/// <summary>An installation as the customer's pages and the staff desk show it.</summary>
public sealed record InstallationView(
    Guid Id,
    Guid OrganizationId,
    Guid ReportedId,
    string Name,
    Guid ProductId,
    string ProductName,
    int Major,
    int Minor,
    int CurrentMajor,
    DateTimeOffset LastReportedAt,
    DateTimeOffset LastReceivedAt,
    int ReportCount,
    Headroom Headroom,
    IReadOnlyList<InstalledKeyView> Keys)
{
    /// <summary>An installation silent for longer than this has "not reported" on the dashboard and the staff desk.</summary>
    public static readonly TimeSpan ReportingPeriod = TimeSpan.FromDays(90);

    public string Version => $"{Major}.{Minor}";

    /// <summary>R3: seats are sold for the current major only; an older installation needs an upgrade for more.</summary>
    public bool IsCurrentMajor => Major == CurrentMajor;

    public IReadOnlyList<InstalledKeyView> FlaggedKeys => Keys.Where(k => k.Standing.IsFlagged()).ToList();

    public bool IsSilent(DateTimeOffset now) => now - LastReportedAt > ReportingPeriod;
}
