using Microsoft.EntityFrameworkCore;
using Portal.Domain.Data;
using Portal.Domain.Licensing;

namespace Portal.Domain.Usage;

/// <summary>One day of an installation's chart.</summary>
public sealed record UsagePoint(DateOnly Day, int EnabledUsers, int Seats);

/// <summary>
/// Reads installations with their headroom and the standing of every key they named (docs/rules.md#seat-planning), for
/// one organization or, for the staff desk, all of them. A fixed number of queries whatever the count.
/// </summary>
public static class UsageQueries
{
    /// <summary>The organization's installations that are not retired, most recently reported first.</summary>
    public static Task<IReadOnlyList<InstallationView>> ForOrganizationAsync(
        PortalDbContext db, Guid organizationId, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        ForOrganizationAsync(db, organizationId, licensesRevision: null, now, cancellationToken);

    /// <summary>
    /// The organization's installations, for a caller that has just read its <see cref="Organizations.Organization.LicensesRevision"/>
    /// (the dashboard): the seats it holds come from <see cref="LicenseCounts"/>, kept per revision, instead of adding up
    /// every license again. Compiled queries, and one query only without installations (docs/performance.md).
    /// </summary>
    public static async Task<IReadOnlyList<InstallationView>> ForOrganizationAsync(
        PortalDbContext db, Guid organizationId, Guid? licensesRevision, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await ReadConnection.OpenAsync(db, cancellationToken);
        var found = await InstallationsOf.For(db)(db, organizationId).ToListAsync(cancellationToken);
        if (found.Count == 0)
            return [];
        var held = await HeldByCountsAsync(db, organizationId, licensesRevision, cancellationToken);
        return await ViewsAsync(db, found, held, await KeysOfOneAsync(db, found, cancellationToken), now, cancellationToken);
    }

    /// <summary>Every organization's installations that are not retired, for the staff's customer list.</summary>
    public static async Task<IReadOnlyList<InstallationView>> AllAsync(PortalDbContext db, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await ReadConnection.OpenAsync(db, cancellationToken);
        var found = await db.Installations.AsNoTracking().Include(i => i.Keys)
            .Where(i => i.RetiredAt == null)
            .OrderByDescending(i => i.LastReportedAt)
            .ToListAsync(cancellationToken);
        if (found.Count == 0)
            return [];
        var organizationIds = found.Select(i => i.OrganizationId).Distinct().ToList();
        // One JSON parameter (EF.Parameter): one per id would pass SQL Server's 2,100 on the staff's list.
        var held = (await db.Licenses.AsNoTracking()
                .Where(l => EF.Parameter(organizationIds).Contains(l.OrganizationId) && l.Status == LicenseStatus.Active)
                .GroupBy(l => new { l.OrganizationId, l.ProductId, l.Major })
                .Select(g => new { g.Key.OrganizationId, g.Key.ProductId, g.Key.Major, Seats = g.Sum(l => l.Seats) })
                .ToListAsync(cancellationToken))
            .ToDictionary(h => (h.OrganizationId, h.ProductId, h.Major), h => h.Seats);
        var keyIds = KeyIds(found);
        var keys = (await db.Licenses.AsNoTracking().Where(l => EF.Parameter(keyIds).Contains(l.Id))
                .Select(l => new KeyRow(l.Id, l.OrganizationId, l.ProductId, l.Major, l.Seats, l.Status, null))
                .ToListAsync(cancellationToken))
            .Concat(await db.Evaluations.AsNoTracking().Where(e => EF.Parameter(keyIds).Contains(e.Id))
                .Select(e => new KeyRow(e.Id, e.OrganizationId, e.ProductId, e.Major, e.Seats, null, e.ExpiresAt))
                .ToListAsync(cancellationToken))
            .ToDictionary(k => k.Id);
        return await ViewsAsync(db, found, held, keys, now, cancellationToken);
    }

    /// <summary>The daily maxima an installation reported from <paramref name="since"/> on, oldest first, for its chart.</summary>
    public static async Task<IReadOnlyList<UsagePoint>> DaysAsync(
        PortalDbContext db, Guid organizationId, Guid installationId, DateOnly since, CancellationToken cancellationToken = default) =>
        await db.UsageDays.AsNoTracking()
            .Where(d => d.InstallationId == installationId && d.Day >= since
                && db.Installations.Any(i => i.Id == installationId && i.OrganizationId == organizationId))
            .OrderBy(d => d.Day)
            .Select(d => new UsagePoint(d.Day, d.EnabledUsers, d.Seats))
            .ToListAsync(cancellationToken);

    /// <summary>The reports an installation sent, newest first.</summary>
    public static async Task<IReadOnlyList<UsageReport>> ReportsAsync(
        PortalDbContext db, Guid organizationId, Guid installationId, int take, CancellationToken cancellationToken = default) =>
        await db.UsageReports.AsNoTracking()
            .Where(r => r.InstallationId == installationId && r.OrganizationId == organizationId)
            .OrderByDescending(r => r.ReceivedAt)
            .Take(take)
            .ToListAsync(cancellationToken);

    private sealed record KeyRow(Guid Id, Guid OrganizationId, Guid ProductId, int Major, int Seats, LicenseStatus? Status, DateTimeOffset? ExpiresAt);

    /// <summary>
    /// How <paramref name="changed"/>, taking in a report not saved yet, will stand among the organization's other
    /// installations: what its report is recorded with.
    /// </summary>
    internal static async Task<InstallationView> PreviewAsync(PortalDbContext db, Installation changed, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var found = await InstallationsOf.For(db)(db, changed.OrganizationId).ToListAsync(cancellationToken);
        found.RemoveAll(i => i.Id == changed.Id);
        found.Insert(0, changed);
        var held = await HeldByCountsAsync(db, changed.OrganizationId, licensesRevision: null, cancellationToken);
        return (await ViewsAsync(db, found, held, await KeysOfOneAsync(db, found, cancellationToken), now, cancellationToken))
            .Single(i => i.Id == changed.Id);
    }

    // Compiled (CompiledQuery): the dashboard, every customer's first page, reads them.
    private static readonly CompiledQuery<Func<PortalDbContext, Guid, IAsyncEnumerable<Installation>>> InstallationsOf = new(() =>
        EF.CompileAsyncQuery((PortalDbContext db, Guid organizationId) => db.Installations.AsNoTracking().Include(i => i.Keys)
            .Where(i => i.OrganizationId == organizationId && i.RetiredAt == null)
            .OrderByDescending(i => i.LastReportedAt)
            .AsQueryable()));

    // The keys one organization's installations name: a few ids. (The staff's list of every organization sends its ids
    // as one JSON parameter instead, which a compiled query's parameter cannot be asked for.)
    private static readonly CompiledQuery<Func<PortalDbContext, List<Guid>, IAsyncEnumerable<KeyRow>>> LicenseKeys = new(() =>
        EF.CompileAsyncQuery((PortalDbContext db, List<Guid> keyIds) => db.Licenses.AsNoTracking()
            .Where(l => keyIds.Contains(l.Id))
            .Select(l => new KeyRow(l.Id, l.OrganizationId, l.ProductId, l.Major, l.Seats, l.Status, null))));

    private static readonly CompiledQuery<Func<PortalDbContext, List<Guid>, IAsyncEnumerable<KeyRow>>> EvaluationKeys = new(() =>
        EF.CompileAsyncQuery((PortalDbContext db, List<Guid> keyIds) => db.Evaluations.AsNoTracking()
            .Where(e => keyIds.Contains(e.Id))
            .Select(e => new KeyRow(e.Id, e.OrganizationId, e.ProductId, e.Major, e.Seats, null, e.ExpiresAt))));

    private static List<Guid> KeyIds(List<Installation> found) => found.SelectMany(i => i.Keys.Select(k => k.KeyId)).Distinct().ToList();

    private static async Task<Dictionary<Guid, KeyRow>> KeysOfOneAsync(PortalDbContext db, List<Installation> found, CancellationToken cancellationToken)
    {
        var keyIds = KeyIds(found);
        return (await LicenseKeys.For(db)(db, keyIds).ToListAsync(cancellationToken))
            .Concat(await EvaluationKeys.For(db)(db, keyIds).ToListAsync(cancellationToken))
            .ToDictionary(k => k.Id);
    }

    private sealed record ProductRow(Guid Id, string Name, int CurrentMajor);

    private static readonly CompiledQuery<Func<PortalDbContext, IAsyncEnumerable<ProductRow>>> Products = new(() =>
        EF.CompileAsyncQuery((PortalDbContext db) => db.Products.AsNoTracking().Select(p => new ProductRow(p.Id, p.Name, p.CurrentMajor))));

    /// <summary>R2: the organization's active seats per product and major, from its license counts.</summary>
    private static async Task<Dictionary<(Guid OrganizationId, Guid ProductId, int Major), int>> HeldByCountsAsync(
        PortalDbContext db, Guid organizationId, Guid? licensesRevision, CancellationToken cancellationToken) =>
        (await LicenseCounts.OfAsync(db, organizationId, licensesRevision, cancellationToken))
            .Where(c => c.Status == LicenseStatus.Active)
            .GroupBy(c => (organizationId, c.ProductId, c.Major))
            .ToDictionary(g => g.Key, g => g.Sum(c => c.Seats * c.Licenses));

    private static async Task<IReadOnlyList<InstallationView>> ViewsAsync(
        PortalDbContext db, List<Installation> found, Dictionary<(Guid OrganizationId, Guid ProductId, int Major), int> held,
        Dictionary<Guid, KeyRow> keys, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var products = await Products.For(db)(db).ToDictionaryAsync(p => p.Id, cancellationToken: cancellationToken);

        // A key that would count at two installations of one organization counts at neither (a key named where it does
        // not count, e.g. by an installation of another major, takes nothing away); every other key of the organization
        // that counts somewhere is installed, and the rest of its seats are not installed yet.
        var alone = found.ToDictionary(i => i.Id, i => i.Keys.Select(k => View(i, k.KeyId, keys.GetValueOrDefault(k.KeyId), now)).ToList());
        var namedTwice = found.SelectMany(i => alone[i.Id].Where(k => !k.Standing.IsFlagged()).Select(k => (i.OrganizationId, k.KeyId)))
            .GroupBy(k => k).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet();
        var standings = found.ToDictionary(i => i.Id, i => alone[i.Id]
            .Select(k => namedTwice.Contains((i.OrganizationId, k.KeyId)) ? k with { Standing = KeyStanding.InstalledTwice } : k)
            .ToList());
        var installedSeats = found
            .SelectMany(i => standings[i.Id].Where(k => k.Standing == KeyStanding.Counts || k.Standing == KeyStanding.InstalledTwice)
                .Select(k => (i.OrganizationId, i.ProductId, i.Major, k.KeyId, keys[k.KeyId].Seats, keys[k.KeyId].Status)))
            .Where(k => k.Status == LicenseStatus.Active)
            .Distinct()
            .GroupBy(k => (k.OrganizationId, k.ProductId, k.Major))
            .ToDictionary(g => g.Key, g => g.Sum(k => k.Seats));

        return found.Select(i =>
        {
            var product = products[i.ProductId];
            var key = (i.OrganizationId, i.ProductId, i.Major);
            var notInstalled = Math.Max(0, held.GetValueOrDefault(key) - installedSeats.GetValueOrDefault(key));
            var seatsInstalled = standings[i.Id].Where(k => !k.Standing.IsFlagged()).Sum(k => k.Seats ?? 0);
            return new InstallationView(i.Id, i.OrganizationId, i.ReportedId, i.Name, i.ProductId, product.Name, i.Major, i.Minor,
                product.CurrentMajor, i.LastReportedAt, i.LastReceivedAt, i.ReportCount,
                new Headroom(i.EnabledUsers, i.PeakEnabledUsers, seatsInstalled, notInstalled), standings[i.Id]);
        }).ToList();
    }

    private static InstalledKeyView View(Installation installation, Guid keyId, KeyRow? key, DateTimeOffset now) =>
        key is null ? new InstalledKeyView(keyId, KeyStanding.Unknown, null)
        : key.OrganizationId != installation.OrganizationId ? new InstalledKeyView(keyId, KeyStanding.OtherOrganization, null)
        : new InstalledKeyView(keyId, Standing(installation, key, now), key.Seats);

    /// <summary>What one of the organization's own keys is to the installation: the order of the checks is the order of the flags' weight.</summary>
    private static KeyStanding Standing(Installation installation, KeyRow key, DateTimeOffset now) => key switch
    {
        { Status: LicenseStatus.Revoked } => KeyStanding.Revoked,
        { Status: LicenseStatus.Upgraded } => KeyStanding.Upgraded,
        _ when key.ProductId != installation.ProductId || key.Major != installation.Major => KeyStanding.OtherVersion,
        { ExpiresAt: { } expiresAt } => now >= expiresAt ? KeyStanding.EndedEvaluation : KeyStanding.Evaluation,
        _ => KeyStanding.Counts,
    };
}
