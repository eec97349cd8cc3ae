using Microsoft.EntityFrameworkCore;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.History;
using Portal.Domain.Members;

namespace Portal.Domain.Usage;

/// <summary>A report taken in, and how its installation stands now.</summary>
public sealed record UsageReceipt(InstallationView Installation, bool IsNewInstallation);

/// <summary>
/// A report that cannot apply to its installation as it stands: received before, older than the latest, or arriving at
/// the same moment as another of the same installation. The API answers 409 (the others are 400).
/// </summary>
public sealed class UsageReportConflictException(string message) : DomainException(message);

/// <summary>A token just created: its secret is in this value only and is never shown again.</summary>
public sealed record CreatedInstallationToken(InstallationToken Token, string Secret);

/// <summary>
/// Usage reports and installation tokens (docs/rules.md#seat-planning, docs/usage-report.md). A Technical member
/// uploads a report or creates a token with which an installation posts its own. Each report is checked against the
/// format and against the catalog and the clock, then stored for its installation in one transaction, or refused with
/// the reasons and nothing stored. Keys that do not belong are flagged, never refused.
/// </summary>
public sealed class UsageService(IDbContextFactory<PortalDbContext> dbFactory, AuditLog audit, TimeProvider clock)
{
    /// <summary>How far ahead of Portal's clock a report may be dated: servers' clocks drift.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>The oldest report Portal takes in: older figures say nothing about today's headroom.</summary>
    public static readonly TimeSpan MaxReportAge = TimeSpan.FromDays(365);

    /// <summary>The days before the report's own that its daily maxima may cover.</summary>
    public const int DailyMaximumDays = 90;

    /// <summary>A Technical member uploads a report file on the installations page.</summary>
    public async Task<UsageReceipt> UploadAsync(Guid organizationId, byte[] file, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Require(organizationId, "upload usage reports", MemberRoles.Technical);
        var report = UsageReportFormat.Read(file);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await ReceiveAsync(db, organizationId, report, UsageSource.Upload, actor, token: null, cancellationToken);
    }

    /// <summary>
    /// An installation posts its report with its token. The token is checked before the report is read: a request
    /// without a valid token learns nothing and stores nothing (<see cref="UsageTokenRefusedException"/>).
    /// </summary>
    public Task<UsageReceipt> PostAsync(string? secret, byte[] body, CancellationToken cancellationToken = default) =>
        PostAsync(secret, _ => Task.FromResult(body), cancellationToken);

    /// <summary>
    /// As <see cref="PostAsync(string?, byte[], CancellationToken)"/>, reading the report only once the token is accepted:
    /// a request without a valid token is refused before its body is read.
    /// </summary>
    public async Task<UsageReceipt> PostAsync(string? secret, Func<CancellationToken, Task<byte[]>> readReport, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(readReport);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var token = await FindTokenAsync(db, secret, cancellationToken);
        var report = UsageReportFormat.Read(await readReport(cancellationToken));
        var actor = new Actor(null, $"Installation token “{token.Name}”", new HashSet<string>());
        return await ReceiveAsync(db, token.OrganizationId, report, UsageSource.Api, actor, token, cancellationToken);
    }

    /// <summary>The token a secret belongs to, if it is one and is not revoked.</summary>
    private static async Task<InstallationToken> FindTokenAsync(PortalDbContext db, string? secret, CancellationToken cancellationToken)
    {
        var hash = InstallationToken.HashOfPresented(secret)
            ?? throw new UsageTokenRefusedException("Send the installation token as: Authorization: Bearer kmu_…");
        var token = await db.InstallationTokens.SingleOrDefaultAsync(t => t.Hash == hash, cancellationToken)
            ?? throw new UsageTokenRefusedException("This installation token is not valid.");
        return token.IsRevoked ? throw new UsageTokenRefusedException("This installation token was revoked.") : token;
    }

    private async Task<UsageReceipt> ReceiveAsync(
        PortalDbContext db, Guid organizationId, UsageReportData report, UsageSource source, Actor actor,
        InstallationToken? token, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var product = await db.Products.AsNoTracking().SingleOrDefaultAsync(p => p.Code == report.ProductCode, cancellationToken)
            ?? throw new DomainException($"Portal does not know the product “{report.ProductCode}”. Is this a report of OfficeStatus?");
        CheckAgainstCatalogAndClock(report, product.Name, product.CurrentMajor, product.CurrentMinor, now);

        var installation = await db.Installations.Include(i => i.Keys)
            .SingleOrDefaultAsync(i => i.ReportedId == report.InstallationId, cancellationToken);
        if (installation is not null && installation.OrganizationId != organizationId && token is null)
        {
            throw new DomainException(
                "This installation reports to another organization in Portal. If the server now belongs to yours, ask Key Metric support to move it.");
        }

        var isNew = installation is null;
        if (installation is null)
        {
            installation = Installation.First(organizationId, report, product.Id, now);
            db.Installations.Add(installation);
            token?.Use(installation, now);
        }
        else
        {
            // The token first: a report its token may not send learns nothing from the installation's state.
            token?.Use(installation, now);
            installation.Apply(report, product.Id, now);
        }

        var standing = await UsageQueries.PreviewAsync(db, installation, now, cancellationToken);
        var flagged = standing.FlaggedKeys.Count;
        await RecordDaysAsync(db, installation.Id, report.DailyMaximum, standing.Headroom.SeatsInstalled, cancellationToken);
        db.UsageReports.Add(new UsageReport(installation, report, now, source, actor.Name, standing.Headroom.SeatsInstalled, flagged));
        audit.Record(db, actor, "usage.reported", nameof(Installation), installation.Id, organizationId, Summary(standing, flagged));

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another report of the same installation was saved first (its version, or its id for a new one).
            throw new UsageReportConflictException($"Another report from {installation.Name} arrived at the same moment. Send this one again.");
        }
        return new UsageReceipt(standing, isNew);
    }

    private static void CheckAgainstCatalogAndClock(UsageReportData report, string productName, int currentMajor, int currentMinor, DateTimeOffset now)
    {
        if (report.Major < 1 || report.Major > currentMajor || (report.Major == currentMajor && report.Minor > currentMinor))
            throw new DomainException($"{productName} {report.Version} has not been released; the current version is {currentMajor}.{currentMinor}.");
        if (report.GeneratedAt > now + ClockSkew)
            throw new DomainException($"The report is dated {report.GeneratedAt:yyyy-MM-dd HH:mm} UTC, in the future. Check the server's clock and write it again.");
        if (report.GeneratedAt < now - MaxReportAge)
            throw new DomainException($"The report was written on {report.GeneratedAt:yyyy-MM-dd}, more than a year ago. Write a new one.");

        var reportDay = DateOnly.FromDateTime(report.GeneratedAt.UtcDateTime);
        var firstDay = reportDay.AddDays(-DailyMaximumDays);
        if (report.DailyMaximum.FirstOrDefault(d => d.Date > reportDay || d.Date < firstDay) is { } outside)
            throw new DomainException($"The daily maximum for {outside.Date:yyyy-MM-dd} is outside the {DailyMaximumDays} days before the report ({firstDay:yyyy-MM-dd} to {reportDay:yyyy-MM-dd}).");
        if (report.DailyMaximum.GroupBy(d => d.Date).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new DomainException($"The daily maximum for {twice.Key:yyyy-MM-dd} is given twice.");
    }

    // A later report speaks for a day again; its figures replace the earlier ones.
    private static async Task RecordDaysAsync(
        PortalDbContext db, Guid installationId, IReadOnlyList<DailyMaximum> days, int seats, CancellationToken cancellationToken)
    {
        if (days.Count == 0)
            return;
        var first = days.Min(d => d.Date);
        var known = await db.UsageDays.Where(d => d.InstallationId == installationId && d.Day >= first)
            .ToDictionaryAsync(d => d.Day, cancellationToken);
        foreach (var day in days)
        {
            if (known.TryGetValue(day.Date, out var existing))
                existing.Update(day.EnabledUsers, seats);
            else
                db.UsageDays.Add(new UsageDay(installationId, day.Date, day.EnabledUsers, seats));
        }
    }

    /// <summary>One history entry per report, summarised: never one per day of data.</summary>
    private static string Summary(InstallationView installation, int flagged)
    {
        var headroom = installation.Headroom;
        var state = headroom.State switch
        {
            HeadroomState.Over => $"over by {"seat".ToQuantity(headroom.MissingSeats)}",
            HeadroomState.Near => "near the limit",
            _ => "fits",
        };
        var keys = flagged == 0 ? "" : $"; {"key".ToQuantity(flagged)} {(flagged == 1 ? "does" : "do")} not belong";
        return $"Usage report from {installation.Name} ({installation.ProductName} {installation.Version}): " +
               $"{"enabled user".ToQuantity(headroom.EnabledUsers)}, at most {headroom.PeakEnabledUsers} in 90 days, " +
               $"{headroom.SeatsAvailable} seats — {state}{keys}.";
    }

    /// <summary>A token for one installation; its secret is returned once and only its hash is kept.</summary>
    public async Task<CreatedInstallationToken> CreateTokenAsync(Guid organizationId, string name, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Require(organizationId, "create installation tokens", MemberRoles.Technical);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var active = await db.InstallationTokens.CountAsync(t => t.OrganizationId == organizationId && t.RevokedAt == null, cancellationToken);
        if (active >= InstallationToken.MaxActivePerOrganization)
            throw new DomainException($"Your organization has {active} tokens; revoke the ones no installation uses before creating another.");
        var (token, secret) = InstallationToken.Create(organizationId, name, clock.GetUtcNow(), actor.Name);
        db.InstallationTokens.Add(token);
        audit.Record(db, actor, "usage-token.created", nameof(InstallationToken), token.Id, organizationId,
            $"Installation token “{token.Name}” ({token.Display}) created.");
        await db.SaveChangesAsync(cancellationToken);
        return new CreatedInstallationToken(token, secret);
    }

    /// <summary>Revokes a token: the installation using it can no longer post reports.</summary>
    public async Task RevokeTokenAsync(Guid organizationId, Guid tokenId, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Require(organizationId, "revoke installation tokens", MemberRoles.Technical);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var token = await db.InstallationTokens.SingleOrDefaultAsync(t => t.Id == tokenId && t.OrganizationId == organizationId, cancellationToken)
            ?? throw new DomainException("That installation token does not exist.");
        token.Revoke(clock.GetUtcNow(), actor.Name);
        audit.Record(db, actor, "usage-token.revoked", nameof(InstallationToken), token.Id, organizationId,
            $"Installation token “{token.Name}” ({token.Display}) revoked.");
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The organization's tokens, newest first; revoked ones stay listed with when and by whom.</summary>
    public async Task<IReadOnlyList<InstallationToken>> TokensAsync(Guid organizationId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.InstallationTokens.AsNoTracking()
            .Where(t => t.OrganizationId == organizationId)
            .OrderByDescending(t => t.CreatedAt)
            .ToListAsync(cancellationToken);
    }

    /// <summary>Takes a decommissioned installation off the headroom; a report from it later brings it back.</summary>
    public async Task RetireAsync(Guid organizationId, Guid installationId, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Require(organizationId, "retire installations", MemberRoles.Technical);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var installation = await db.Installations.SingleOrDefaultAsync(i => i.Id == installationId && i.OrganizationId == organizationId, cancellationToken)
            ?? throw new DomainException("That installation does not exist.");
        installation.Retire(clock.GetUtcNow());
        audit.Record(db, actor, "usage.retired", nameof(Installation), installation.Id, organizationId,
            $"{installation.Name} retired: it no longer counts in the headroom until it reports again.");
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new DomainException($"{installation.Name} sent a report at the same moment. Reload and retire it again if it is decommissioned.");
        }
    }
}
