namespace Portal.Domain.Usage;

/// <summary>
/// One server running the product for an organization, known from the usage reports it sends (docs/rules.md#seat-planning).
/// It keeps what its latest report said: version, enabled users, the 90-day peak and the keys installed. Its id in
/// the reports is its own; an installation belongs to one organization.
/// </summary>
public sealed class Installation
{
    public const int NameMaxLength = 100;
    private readonly List<InstalledKey> _keys = [];

    private Installation(Guid id, Guid organizationId, Guid reportedId, DateTimeOffset firstReceivedAt)
    {
        Id = id;
        OrganizationId = organizationId;
        ReportedId = reportedId;
        FirstReceivedAt = firstReceivedAt;
        Name = "";
    }

    public Guid Id { get; private set; }
    public Guid OrganizationId { get; private set; }

    /// <summary>The installation's own id, as it writes it in every report.</summary>
    public Guid ReportedId { get; private set; }

    /// <summary>What the installation calls itself (its server's name), or a short form of its id.</summary>
    public string Name { get; private set; }

    public Guid ProductId { get; private set; }
    public int Major { get; private set; }
    public int Minor { get; private set; }
    public DateTimeOffset FirstReceivedAt { get; private set; }
    public DateTimeOffset LastReceivedAt { get; private set; }

    /// <summary>When the installation wrote its latest report: the moment its figures are from.</summary>
    public DateTimeOffset LastReportedAt { get; private set; }

    public int EnabledUsers { get; private set; }
    public int PeakEnabledUsers { get; private set; }
    public int ReportCount { get; private set; }

    /// <summary>Set when a member takes a decommissioned installation off the headroom; its next report brings it back.</summary>
    public DateTimeOffset? RetiredAt { get; private set; }

    /// <summary>The ids of the keys its latest report named.</summary>
    public IReadOnlyList<InstalledKey> Keys => _keys;

    /// <summary>Concurrency token: two reports of one installation arriving together cannot both apply.</summary>
    public Guid Version { get; private set; }

    public string VersionText => $"{Major}.{Minor}";

    internal static Installation First(Guid organizationId, UsageReportData report, Guid productId, DateTimeOffset receivedAt)
    {
        var installation = new Installation(Guid.CreateVersion7(receivedAt), organizationId, report.InstallationId, receivedAt);
        installation.Apply(report, productId, receivedAt);
        return installation;
    }

    /// <summary>
    /// Takes in a newer report. Reports apply in the order they were written: one not newer than the latest is refused,
    /// so sending a file twice changes nothing.
    /// </summary>
    internal void Apply(UsageReportData report, Guid productId, DateTimeOffset receivedAt)
    {
        if (report.InstallationId != ReportedId)
            throw new DomainException("This report is from another installation.");
        if (ReportCount > 0 && report.GeneratedAt <= LastReportedAt)
        {
            throw new UsageReportConflictException(report.GeneratedAt == LastReportedAt
                ? $"This report from {Name} was received before; nothing changed."
                : $"This report from {Name} was written before the latest one Portal has ({LastReportedAt:yyyy-MM-dd HH:mm} UTC), so it is not used.");
        }
        ProductId = productId;
        Major = report.Major;
        Minor = report.Minor;
        Name = string.IsNullOrWhiteSpace(report.InstallationName)
            ? (Name.Length > 0 ? Name : DefaultName(report.InstallationId))
            : report.InstallationName.Trim();
        EnabledUsers = report.EnabledUsers;
        PeakEnabledUsers = report.PeakEnabledUsers;
        LastReportedAt = report.GeneratedAt;
        LastReceivedAt = receivedAt;
        ReportCount++;
        RetiredAt = null;
        _keys.Clear();
        _keys.AddRange(report.LicenseIds.Select(keyId => new InstalledKey(Id, keyId)));
        Version = Guid.NewGuid();
    }

    /// <summary>A member takes a decommissioned installation off the headroom and the seat planning.</summary>
    internal void Retire(DateTimeOffset now)
    {
        if (RetiredAt is not null)
            throw new DomainException($"{Name} is already retired.");
        RetiredAt = now;
        Version = Guid.NewGuid();
    }

    /// <summary>Installation 3f2c9a1b, until it names itself.</summary>
    public static string DefaultName(Guid reportedId) => $"Installation {reportedId.ToString("N")[..8]}";
}

/// <summary>A key an installation's latest report named, by the id in the key (its <c>sub</c>).</summary>
public sealed class InstalledKey
{
    internal InstalledKey(Guid installationId, Guid keyId)
    {
        InstallationId = installationId;
        KeyId = keyId;
    }

    public Guid InstallationId { get; private set; }
    public Guid KeyId { get; private set; }
}

/// <summary>The most users enabled at an installation on one day, with the seats it had installed when it reported the day.</summary>
public sealed class UsageDay
{
    internal UsageDay(Guid installationId, DateOnly day, int enabledUsers, int seats)
    {
        InstallationId = installationId;
        Day = day;
        EnabledUsers = enabledUsers;
        Seats = seats;
    }

    public Guid InstallationId { get; private set; }
    public DateOnly Day { get; private set; }
    public int EnabledUsers { get; private set; }
    public int Seats { get; private set; }

    /// <summary>A later report speaks for the day again: its figure replaces the earlier one.</summary>
    internal void Update(int enabledUsers, int seats)
    {
        EnabledUsers = enabledUsers;
        Seats = seats;
    }
}

public enum UsageSource
{
    /// <summary>A member uploaded the file on the installations page.</summary>
    Upload,

    /// <summary>The installation posted it to <c>POST /api/usage</c> with its token.</summary>
    Api,
}

/// <summary>One report as received: what it said, in counts, and what Portal made of it. Never a user name.</summary>
public sealed class UsageReport
{
    internal UsageReport(Installation installation, UsageReportData data, DateTimeOffset receivedAt, UsageSource source,
        string receivedBy, int seatsInstalled, int flaggedKeys)
    {
        Id = Guid.CreateVersion7(receivedAt);
        InstallationId = installation.Id;
        OrganizationId = installation.OrganizationId;
        ReceivedAt = receivedAt;
        GeneratedAt = data.GeneratedAt;
        SchemaVersion = data.SchemaVersion;
        ProductId = installation.ProductId;
        Major = data.Major;
        Minor = data.Minor;
        EnabledUsers = data.EnabledUsers;
        PeakEnabledUsers = data.PeakEnabledUsers;
        DaysReported = data.DailyMaximum.Count;
        KeysNamed = data.LicenseIds.Count;
        SeatsInstalled = seatsInstalled;
        FlaggedKeys = flaggedKeys;
        Source = source;
        ReceivedBy = receivedBy;
    }

    // For EF Core, which cannot pass an installation to a constructor.
    private UsageReport()
    {
        ReceivedBy = "";
    }

    public Guid Id { get; private set; }
    public Guid InstallationId { get; private set; }
    public Guid OrganizationId { get; private set; }
    public DateTimeOffset ReceivedAt { get; private set; }
    public DateTimeOffset GeneratedAt { get; private set; }
    public int SchemaVersion { get; private set; }
    public Guid ProductId { get; private set; }
    public int Major { get; private set; }
    public int Minor { get; private set; }
    public int EnabledUsers { get; private set; }
    public int PeakEnabledUsers { get; private set; }
    public int DaysReported { get; private set; }
    public int KeysNamed { get; private set; }

    /// <summary>Seats of the keys named that count for the installation, when it was received.</summary>
    public int SeatsInstalled { get; private set; }

    /// <summary>Keys named that do not belong where they are installed (<see cref="KeyStanding"/>), when it was received.</summary>
    public int FlaggedKeys { get; private set; }

    public UsageSource Source { get; private set; }

    /// <summary>The member who uploaded it, or the name of the token it was posted with.</summary>
    public string ReceivedBy { get; private set; }

    public string VersionText => $"{Major}.{Minor}";
}
