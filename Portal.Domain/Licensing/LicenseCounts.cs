using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Portal.Domain.Data;

namespace Portal.Domain.Licensing;

/// <summary>How many of an organization's licenses have one status, product, major and size.</summary>
public sealed record LicenseCount(LicenseStatus Status, Guid ProductId, int Major, int Seats, int Licenses);

/// <summary>
/// An organization's licenses counted per status, product, major and size, for the pages that show them (the dashboard,
/// the license list, a customer's seats for staff). Counting reads the organization's whole part of the license index,
/// a few milliseconds for 10,000 licenses on SQLite, so the counts are kept in this process for the organization's
/// <see cref="Organizations.Organization.LicensesRevision"/> and counted again only when that has changed: every save
/// that touches a license changes it in the same transaction, so kept counts are never stale, also with several
/// instances on one database (docs/decisions/0009-license-counts-by-revision.md). R2's seat capacity, which decides
/// what may be bought and issued, always counts in the database.
/// </summary>
public static class LicenseCounts
{
    /// <summary>Beyond this many organizations the kept counts are dropped and counted again as pages ask for them.</summary>
    internal const int MaxOrganizations = 10_000;

    private static readonly ConcurrentDictionary<(string Database, Guid OrganizationId), Counted> Kept = new();

    /// <summary>The organization's license counts (none when it does not exist).</summary>
    public static Task<IReadOnlyList<LicenseCount>> OfAsync(PortalDbContext db, Guid organizationId, CancellationToken cancellationToken = default) =>
        OfAsync(db, organizationId, revision: null, cancellationToken);

    /// <summary>
    /// The organization's license counts at a revision the caller has just read from the database (or null to read it
    /// here). The revision must be read before the counts: a change saved in between then makes the kept counts newer
    /// than their revision, never older, and the next reader finds a new revision and counts again.
    /// </summary>
    public static async Task<IReadOnlyList<LicenseCount>> OfAsync(
        PortalDbContext db, Guid organizationId, Guid? revision, CancellationToken cancellationToken = default)
    {
        await using var connection = await ReadConnection.OpenAsync(db, cancellationToken);
        revision ??= await db.Organizations.Where(o => o.Id == organizationId).Select(o => (Guid?)o.LicensesRevision)
            .SingleOrDefaultAsync(cancellationToken);
        if (revision is null)
            return [];
        var key = (db.Database.GetConnectionString() ?? "", organizationId);
        if (Kept.TryGetValue(key, out var kept) && kept.Revision == revision)
            return kept.Counts;

        // Grouped in the order of the license index (organization, status, product, major, seats): one pass, no sort.
        var counts = await db.Licenses.AsNoTracking()
            .Where(l => l.OrganizationId == organizationId)
            .GroupBy(l => new { l.Status, l.ProductId, l.Major, l.Seats })
            .Select(g => new LicenseCount(g.Key.Status, g.Key.ProductId, g.Key.Major, g.Key.Seats, g.Count()))
            .ToListAsync(cancellationToken);
        if (Kept.Count >= MaxOrganizations)
            Kept.Clear();
        Kept[key] = new Counted(revision.Value, counts);
        return counts;
    }

    private sealed record Counted(Guid Revision, IReadOnlyList<LicenseCount> Counts);
}
