using System.Diagnostics.CodeAnalysis;
using Microsoft.EntityFrameworkCore;
using Portal.Domain.Data;
using Portal.Domain.Keys;

namespace Portal.Domain.Licensing;

/// <summary>What the licenses grid can be sorted by.</summary>
public enum LicenseSortField
{
    IssuedAt,
    Seats,
    Major,
    Status,
}

/// <summary>One page of an organization's licenses: filters (null means any), sort, 1-based page.</summary>
public sealed record LicenseListQuery(
    LicenseStatus? Status = null,
    int? Major = null,
    LicenseSortField SortBy = LicenseSortField.IssuedAt,
    bool Descending = true,
    int Page = 1,
    int PageSize = 10);

/// <summary>A row of the licenses grid. <see cref="ReplacedByMajor"/> is set for an upgraded license.</summary>
public sealed record LicenseRow(
    Guid Id,
    string ProductName,
    int Major,
    int Seats,
    LicenseSource Source,
    LicenseStatus Status,
    DateTimeOffset IssuedAt,
    DateTimeOffset? StatusChangedAt,
    string? RevocationReason,
    Guid? ReplacedById,
    int? ReplacedByMajor);

public sealed record LicenseListPage(IReadOnlyList<LicenseRow> Rows, int TotalCount);

/// <summary>The majors an organization holds licenses for (newest first) and how many of its licenses are active.</summary>
public sealed record LicenseListSummary(IReadOnlyList<int> Majors, int ActiveCount);

/// <summary>Another license of the same organization that this one is linked to by an upgrade.</summary>
public sealed record LicenseLink(Guid Id, int Major, int Seats);

/// <summary>
/// Everything a customer may know about one of their licenses, with what its license file needs. <see cref="Key"/> is
/// the license's <see cref="License.AvailableKey"/>: none for a revoked license.
/// </summary>
public sealed record LicenseDetail(
    Guid Id,
    string ProductCode,
    string ProductName,
    string Licensee,
    int Major,
    int Seats,
    LicenseSource Source,
    LicenseStatus Status,
    DateTimeOffset IssuedAt,
    DateTimeOffset? StatusChangedAt,
    string? RevocationReason,
    Guid? OrderId,
    LicenseLink? UpgradedFrom,
    LicenseLink? ReplacedBy,
    DateOnly? SupportEndsOn,
    string? Key,
    int CurrentMajor)
{
    /// <summary>R6: an active license for an older major can be upgraded to the current one.</summary>
    public bool Upgradable => Status == LicenseStatus.Active && Major < CurrentMajor;

    /// <summary>The key may be shown and downloaded (a revoked license's key is withdrawn, R10).</summary>
    [MemberNotNullWhen(true, nameof(Key))]
    public bool KeyAvailable => Key is not null;

    /// <summary>The claims for the readable header of its license file (the key itself is what was signed at issue).</summary>
    public LicenseKeyClaims Claims => new(Id, ProductCode, ProductName, Licensee, Major, Seats, LicenseKind.Perpetual,
        IssuedAt, SupportEndsOn, ExpiresAt: null);

    public string LicenseFileName => LicenseFile.FileName(Claims);

    public string LicenseFileText =>
        LicenseFile.Format(Claims, Key ?? throw new InvalidOperationException($"License {Id} has no key to give out."));
}

/// <summary>
/// The read side of licenses for the customer pages and downloads. Every query is scoped to one organization: a license
/// of another organization is simply not found. The grid costs O(page): filter, sort and paging run in the database.
/// </summary>
public static class LicenseQueries
{
    public const int MaxPageSize = 100;

    public static async Task<LicenseListPage> ListAsync(
        PortalDbContext db, Guid organizationId, LicenseListQuery query, CancellationToken cancellationToken = default)
    {
        var page = Math.Max(query.Page, 1);
        var pageSize = Math.Clamp(query.PageSize, 1, MaxPageSize);

        var licenses = db.Licenses.AsNoTracking().Where(l => l.OrganizationId == organizationId);
        if (query.Status is { } status)
            licenses = licenses.Where(l => l.Status == status);
        if (query.Major is { } major)
            licenses = licenses.Where(l => l.Major == major);

        var total = await licenses.CountAsync(cancellationToken);
        var rows = await Sort(licenses, query.SortBy, query.Descending)
            .Skip((page - 1) * pageSize).Take(pageSize)
            .Join(db.Products, l => l.ProductId, p => p.Id, (l, p) => new LicenseRow(
                l.Id, p.Name, l.Major, l.Seats, l.Source, l.Status, l.IssuedAt, l.StatusChangedAt, l.RevocationReason,
                l.ReplacedById,
                db.Licenses.Where(r => r.Id == l.ReplacedById && r.OrganizationId == organizationId).Select(r => (int?)r.Major).FirstOrDefault()))
            .ToListAsync(cancellationToken);
        return new LicenseListPage(rows, total);
    }

    /// <summary>
    /// What the license list shows above its grid: the majors the organization holds licenses for, newest first (for the
    /// filter), and how many of its licenses are active (<see cref="LicenseCounts"/>).
    /// </summary>
    public static async Task<LicenseListSummary> SummaryAsync(PortalDbContext db, Guid organizationId, CancellationToken cancellationToken = default)
    {
        var counts = await LicenseCounts.OfAsync(db, organizationId, cancellationToken);
        return new LicenseListSummary(
            counts.Select(c => c.Major).Distinct().OrderDescending().ToList(),
            counts.Where(c => c.Status == LicenseStatus.Active).Sum(c => c.Licenses));
    }

    /// <summary>One license of the organization, or null when it has none with that id (whoever else may hold it).</summary>
    public static async Task<LicenseDetail?> DetailAsync(
        PortalDbContext db, Guid organizationId, Guid licenseId, CancellationToken cancellationToken = default)
    {
        var found = await (
                from l in db.Licenses.AsNoTracking()
                where l.Id == licenseId && l.OrganizationId == organizationId
                join p in db.Products on l.ProductId equals p.Id
                join o in db.Organizations on l.OrganizationId equals o.Id
                select new
                {
                    License = l,
                    ProductCode = p.Code,
                    ProductName = p.Name,
                    p.CurrentMajor,
                    Licensee = o.Name,
                    UpgradedFrom = db.Licenses
                        .Where(f => f.Id == l.UpgradedFromId && f.OrganizationId == organizationId)
                        .Select(f => new LicenseLink(f.Id, f.Major, f.Seats)).FirstOrDefault(),
                    ReplacedBy = db.Licenses
                        .Where(r => r.Id == l.ReplacedById && r.OrganizationId == organizationId)
                        .Select(r => new LicenseLink(r.Id, r.Major, r.Seats)).FirstOrDefault(),
                })
            .SingleOrDefaultAsync(cancellationToken);
        if (found is null)
            return null;

        var license = found.License;
        var supportEndsOn = await LicensingService.SupportEndsOnAsync(db, organizationId, cancellationToken);
        return new LicenseDetail(license.Id, found.ProductCode, found.ProductName, found.Licensee, license.Major, license.Seats,
            license.Source, license.Status, license.IssuedAt, license.StatusChangedAt, license.RevocationReason, license.OrderId,
            found.UpgradedFrom, found.ReplacedBy, supportEndsOn, license.AvailableKey, found.CurrentMajor);
    }

    /// <summary>Every active license of the organization with its key, by product and newest major first.</summary>
    public static async Task<IReadOnlyList<LicenseDetail>> ActiveWithKeysAsync(
        PortalDbContext db, Guid organizationId, CancellationToken cancellationToken = default)
    {
        var licensee = await db.Organizations.AsNoTracking()
            .Where(o => o.Id == organizationId).Select(o => o.Name).SingleOrDefaultAsync(cancellationToken);
        if (licensee is null)
            return [];
        var supportEndsOn = await LicensingService.SupportEndsOnAsync(db, organizationId, cancellationToken);
        var active = await db.Licenses.AsNoTracking()
            .Where(l => l.OrganizationId == organizationId && l.Status == LicenseStatus.Active)
            .Join(db.Products, l => l.ProductId, p => p.Id, (l, p) => new { License = l, p.Code, p.Name, p.CurrentMajor })
            .OrderBy(x => x.Name).ThenByDescending(x => x.License.Major).ThenBy(x => x.License.IssuedAt).ThenBy(x => x.License.Id)
            .ToListAsync(cancellationToken);
        return active
            .Where(x => x.License.AvailableKey is not null)
            .Select(x => new LicenseDetail(x.License.Id, x.Code, x.Name, licensee, x.License.Major, x.License.Seats, x.License.Source,
                x.License.Status, x.License.IssuedAt, x.License.StatusChangedAt, x.License.RevocationReason, x.License.OrderId,
                UpgradedFrom: null, ReplacedBy: null, supportEndsOn, x.License.AvailableKey, x.CurrentMajor))
            .ToList();
    }

    private static IQueryable<License> Sort(IQueryable<License> licenses, LicenseSortField sortBy, bool descending)
    {
        var sorted = sortBy switch
        {
            LicenseSortField.Seats => descending ? licenses.OrderByDescending(l => l.Seats) : licenses.OrderBy(l => l.Seats),
            LicenseSortField.Major => descending ? licenses.OrderByDescending(l => l.Major) : licenses.OrderBy(l => l.Major),
            // Status is stored as text; sort in the order of the lifecycle (Active, Upgraded, Revoked), not alphabetically.
            LicenseSortField.Status => descending
                ? licenses.OrderByDescending(l => l.Status == LicenseStatus.Active ? 0 : l.Status == LicenseStatus.Upgraded ? 1 : 2)
                : licenses.OrderBy(l => l.Status == LicenseStatus.Active ? 0 : l.Status == LicenseStatus.Upgraded ? 1 : 2),
            _ => descending ? licenses.OrderByDescending(l => l.IssuedAt) : licenses.OrderBy(l => l.IssuedAt),
        };
        // A stable order, so that paging never repeats or skips a row.
        return sorted.ThenByDescending(l => l.IssuedAt).ThenBy(l => l.Id);
    }
}
