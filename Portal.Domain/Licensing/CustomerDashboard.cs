using Microsoft.EntityFrameworkCore;
using Portal.Domain.Data;
using Portal.Domain.History;
using Portal.Domain.Organizations;
using Portal.Domain.Usage;

namespace Portal.Domain.Licensing;

/// <summary>
/// Everything the customer's dashboard shows, read in one go: the organization, its <see cref="CustomerOverview"/>, its
/// members, its latest history and its installations' headroom. A fixed number of queries whatever the organization
/// holds (docs/performance.md): one more for installations when it has none, five when it has some.
/// Plain data, so that the page can hand what it read while prerendering to its circuit instead of reading it again.
/// </summary>
public sealed record CustomerDashboard(
    DashboardOrganization Organization,
    CustomerOverview Overview,
    IReadOnlyList<string> Members,
    IReadOnlyList<HistoryEntry> RecentHistory,
    IReadOnlyList<InstallationView> Installations)
{
    /// <summary>How many of the latest events the dashboard lists (the history page has them all).</summary>
    public const int RecentEvents = 5;

    /// <summary>The dashboard of one organization, or null when it does not exist.</summary>
    public static async Task<CustomerDashboard?> LoadAsync(
        PortalDbContext db, Guid organizationId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await ReadConnection.OpenAsync(db, cancellationToken);
        var found = await OrganizationOf.For(db)(db, organizationId, cancellationToken);
        if (found is null)
            return null;
        var overview = await CustomerOverview.LoadAsync(db, organizationId, found.LicensesRevision, now, cancellationToken);
        var members = await MembersOf.For(db)(db, organizationId).ToListAsync(cancellationToken);
        var recent = await HistoryQueries.RecentAsync(db, organizationId, RecentEvents, cancellationToken);
        var installations = await UsageQueries.ForOrganizationAsync(db, organizationId, found.LicensesRevision, now, cancellationToken);
        return new CustomerDashboard(found.Organization, overview, members, recent, installations);
    }

    private sealed record OrganizationRow(DashboardOrganization Organization, Guid LicensesRevision);

    // Compiled (CompiledQuery), as every query the dashboard makes: building and looking up a LINQ query cost more than running it.
    private static readonly CompiledQuery<Func<PortalDbContext, Guid, CancellationToken, Task<OrganizationRow?>>> OrganizationOf = new(() =>
        EF.CompileAsyncQuery((PortalDbContext db, Guid organizationId, CancellationToken _) => db.Organizations
            .Where(o => o.Id == organizationId)
            .Select(o => new OrganizationRow(new DashboardOrganization(o.Name, o.Kind, o.CountryCode, o.BillingEmail), o.LicensesRevision))
            .SingleOrDefault()));

    private static readonly CompiledQuery<Func<PortalDbContext, Guid, IAsyncEnumerable<string>>> MembersOf = new(() =>
        EF.CompileAsyncQuery((PortalDbContext db, Guid organizationId) => db.Memberships.AsNoTracking()
            .Where(m => m.OrganizationId == organizationId)
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => u)
            .OrderBy(u => u.Email)
            .Select(u => u.Email ?? u.UserName ?? "")));
}

/// <summary>The organization as its dashboard shows it.</summary>
public sealed record DashboardOrganization(string Name, OrganizationKind Kind, string CountryCode, string BillingEmail);
