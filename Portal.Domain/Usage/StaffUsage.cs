using Microsoft.EntityFrameworkCore;
using Portal.Domain.Data;

namespace Portal.Domain.Usage;

/// <summary>Which customers the staff's customer list shows by how their installations stand.</summary>
public enum CustomerUsageFilter
{
    /// <summary>Customers with an installation over its seats.</summary>
    Over,

    /// <summary>Customers whose worst installation is near the limit (and none is over).</summary>
    Near,

    /// <summary>Customers with an installation that has not reported for longer than <see cref="InstallationView.ReportingPeriod"/>.</summary>
    Silent,
}

/// <summary>
/// A customer's installations summed up for the staff's customer list: the worst state among them, the seats they miss
/// added up, and how many have not reported for longer than <see cref="InstallationView.ReportingPeriod"/>.
/// </summary>
public sealed record CustomerUsage(Guid OrganizationId, int Installations, HeadroomState WorstState, int MissingSeats, int SilentInstallations)
{
    public bool Matches(CustomerUsageFilter filter) => filter switch
    {
        CustomerUsageFilter.Over => WorstState == HeadroomState.Over,
        CustomerUsageFilter.Near => WorstState == HeadroomState.Near,
        CustomerUsageFilter.Silent => SilentInstallations > 0,
        _ => throw new ArgumentOutOfRangeException(nameof(filter), filter, null),
    };
}

/// <summary>The organization a key was issued to, for staff: a key installed at another organization is a sales conversation.</summary>
public sealed record KeyHolder(Guid OrganizationId, string OrganizationName);

/// <summary>An installation on a customer's staff page: its headroom and keys, who holds the keys of other organizations it named, and its latest reports.</summary>
public sealed record StaffInstallation(InstallationView Installation, IReadOnlyDictionary<Guid, KeyHolder> OtherHolders, IReadOnlyList<UsageReport> RecentReports);

/// <summary>One of the customer's licenses named by an installation of another organization.</summary>
public sealed record KeyElsewhere(
    Guid LicenseId,
    string ProductName,
    int Major,
    int Seats,
    Guid InstallationId,
    string InstallationName,
    Guid OrganizationId,
    string OrganizationName);

/// <summary>What a customer's staff page shows of installations: its own, and its keys installed at other organizations.</summary>
public sealed record CustomerInstallationsView(IReadOnlyList<StaffInstallation> Installations, IReadOnlyList<KeyElsewhere> KeysElsewhere);

/// <summary>
/// What sales and support read of installations (docs/rules.md#seat-planning). Headroom and key standings come from
/// <see cref="UsageQueries"/> only, so staff and customers see the same figures; this adds what only staff may see:
/// which organization holds a key that is installed elsewhere.
/// </summary>
public static class StaffUsage
{
    /// <summary>The reports shown per installation on a customer's page.</summary>
    public const int RecentReports = 5;

    /// <summary>
    /// Every customer with an installation that is not retired, summed up: the states the customer list filters and
    /// sorts by. It reads every installation (<see cref="UsageQueries.AllAsync"/>): a fixed number of queries.
    /// </summary>
    public static async Task<IReadOnlyDictionary<Guid, CustomerUsage>> ByOrganizationAsync(
        PortalDbContext db, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var installations = await UsageQueries.AllAsync(db, now, cancellationToken);
        return installations
            .GroupBy(i => i.OrganizationId)
            .ToDictionary(g => g.Key, g => new CustomerUsage(
                g.Key,
                g.Count(),
                // HeadroomState runs from Fits to Over: the greatest is the worst.
                g.Max(i => i.Headroom.State),
                g.Sum(i => i.Headroom.MissingSeats),
                g.Count(i => i.IsSilent(now))));
    }

    /// <summary>
    /// The organization's installations with their latest reports and the holders of other organizations' keys they
    /// named, and the organization's licenses installed at other organizations.
    /// </summary>
    public static async Task<CustomerInstallationsView> ForCustomerAsync(
        PortalDbContext db, Guid organizationId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await ReadConnection.OpenAsync(db, cancellationToken);
        var installations = await UsageQueries.ForOrganizationAsync(db, organizationId, now, cancellationToken);
        var holders = await HoldersAsync(db, installations
            .SelectMany(i => i.Keys).Where(k => k.Standing == KeyStanding.OtherOrganization).Select(k => k.KeyId)
            .Distinct().ToList(), cancellationToken);

        var shown = new List<StaffInstallation>(installations.Count);
        foreach (var installation in installations)
        {
            var reports = await UsageQueries.ReportsAsync(db, organizationId, installation.Id, RecentReports, cancellationToken);
            var theirs = installation.Keys
                .Where(k => k.Standing == KeyStanding.OtherOrganization)
                .ToDictionary(k => k.KeyId, k => holders[k.KeyId]);
            shown.Add(new StaffInstallation(installation, theirs, reports));
        }
        return new CustomerInstallationsView(shown, await KeysElsewhereAsync(db, organizationId, cancellationToken));
    }

    /// <summary>The organization's licenses that installations of other organizations name, by organization and installation.</summary>
    public static async Task<IReadOnlyList<KeyElsewhere>> KeysElsewhereAsync(
        PortalDbContext db, Guid organizationId, CancellationToken cancellationToken = default) =>
        await (
                from key in db.InstalledKeys
                join license in db.Licenses on key.KeyId equals license.Id
                join installation in db.Installations on key.InstallationId equals installation.Id
                join product in db.Products on license.ProductId equals product.Id
                join organization in db.Organizations on installation.OrganizationId equals organization.Id
                where license.OrganizationId == organizationId && installation.OrganizationId != organizationId
                    && installation.RetiredAt == null
                orderby organization.Name, installation.Name, license.Id
                select new KeyElsewhere(license.Id, product.Name, license.Major, license.Seats,
                    installation.Id, installation.Name, organization.Id, organization.Name))
            .AsNoTracking()
            .ToListAsync(cancellationToken);

    /// <summary>The organizations the keys (licenses or evaluations) were issued to.</summary>
    private static async Task<IReadOnlyDictionary<Guid, KeyHolder>> HoldersAsync(
        PortalDbContext db, List<Guid> keyIds, CancellationToken cancellationToken)
    {
        if (keyIds.Count == 0)
            return new Dictionary<Guid, KeyHolder>();
        var licenses = await db.Licenses.AsNoTracking()
            .Where(l => keyIds.Contains(l.Id))
            .Join(db.Organizations, l => l.OrganizationId, o => o.Id, (l, o) => new { KeyId = l.Id, Holder = new KeyHolder(o.Id, o.Name) })
            .ToListAsync(cancellationToken);
        var evaluations = await db.Evaluations.AsNoTracking()
            .Where(e => keyIds.Contains(e.Id))
            .Join(db.Organizations, e => e.OrganizationId, o => o.Id, (e, o) => new { KeyId = e.Id, Holder = new KeyHolder(o.Id, o.Name) })
            .ToListAsync(cancellationToken);
        return licenses.Concat(evaluations).ToDictionary(k => k.KeyId, k => k.Holder);
    }
}
