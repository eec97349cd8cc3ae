using Microsoft.EntityFrameworkCore;
using Portal.Domain.Data;
using Portal.Domain.Discounts;
using Portal.Domain.Evaluations;
using Portal.Domain.Licensing;
using Portal.Domain.Members;
using Portal.Domain.Usage;

namespace Portal.Domain.Organizations;

/// <summary>A customer in the staff directory. <see cref="CurrentSeats"/> counts active seats of each product's current major.</summary>
public sealed record CustomerRow(
    Guid Id,
    string Name,
    OrganizationKind Kind,
    string CountryCode,
    int Members,
    int CurrentSeats,
    int PendingDiscountApplications,
    int PendingExtensionRequests)
{
    /// <summary>Requests waiting for staff: discount applications and evaluation extension requests.</summary>
    public int OpenRequests => PendingDiscountApplications + PendingExtensionRequests;

    /// <summary>How the customer's installations stand; null when none reports or the list was read without usage.</summary>
    public CustomerUsage? Usage { get; init; }
}

public enum CustomerSort
{
    /// <summary>By name, as the directory always lists.</summary>
    Name,

    /// <summary>The customers missing the most seats first, then by name.</summary>
    MostMissingSeats,
}

/// <summary>
/// The customers' installations summed up (<see cref="StaffUsage.ByOrganizationAsync"/>) for the directory to show on
/// its rows, to filter by and to sort by.
/// </summary>
public sealed record CustomerUsageSelection(
    IReadOnlyDictionary<Guid, CustomerUsage> ByOrganization,
    CustomerUsageFilter? Filter = null,
    CustomerSort Sort = CustomerSort.Name);

public sealed record CustomerListPage(IReadOnlyList<CustomerRow> Rows, int TotalCount);

public sealed record CustomerProfile(
    Guid Id,
    string Name,
    OrganizationKind Kind,
    string CountryCode,
    string BillingEmail,
    string? StripeCustomerId,
    DateTimeOffset RegisteredAt);

public sealed record CustomerMember(string UserId, string Email, bool EmailConfirmed, MemberRoles Roles, DateTimeOffset JoinedAt);

public sealed record StaffExtensionRequest(
    Guid Id,
    int DaysRequested,
    string Reason,
    string? RequestedBy,
    DateTimeOffset RequestedAt,
    ExtensionStatus Status,
    int? DaysGranted,
    string? Note,
    string? DecidedByName,
    DateTimeOffset? DecidedAt);

public sealed record StaffEvaluation(
    Guid Id,
    string ProductName,
    int Major,
    DateTimeOffset StartedAt,
    DateTimeOffset ExpiresAt,
    IReadOnlyList<StaffExtensionRequest> Requests);

public sealed record StaffDiscountApplication(
    Guid Id,
    DiscountKind Kind,
    DiscountStatus Status,
    string Evidence,
    int Attachments,
    string? AppliedBy,
    DateTimeOffset AppliedAt,
    int? Percent,
    DateTimeOffset? ValidUntil,
    string? Note,
    string? DecidedByName,
    DateTimeOffset? DecidedAt);

/// <summary>
/// The staff read side of customer organizations: the searchable directory and what one customer's page shows beyond
/// the customer's own queries (<see cref="CustomerOverview"/>, <see cref="LicenseQueries"/>, orders). Staff may see
/// every organization; the pages' policies decide who is staff.
/// </summary>
public static class OrganizationDirectory
{
    public const int MaxPageSize = 100;

    /// <summary>
    /// Organizations by name whose name, billing email or a member's email contains <paramref name="search"/>, or whose id
    /// it is; all of them when it is blank. With <paramref name="usage"/>, each row carries its customer's usage, and
    /// the list keeps only the customers its filter matches and follows its sort. The figures of a row are read for
    /// the page's rows only.
    /// </summary>
    public static async Task<CustomerListPage> SearchAsync(
        PortalDbContext db, string? search, int page, int pageSize, CustomerUsageSelection? usage = null,
        CancellationToken cancellationToken = default)
    {
        page = Math.Max(page, 1);
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        var organizations = Matching(db, search);
        if (usage?.Filter is { } filter)
        {
            // Headroom has one definition (UsageQueries): the database is given the ids it found, as one parameter
            // however many there are.
            var matching = usage.ByOrganization.Values.Where(u => u.Matches(filter)).Select(u => u.OrganizationId).ToList();
            organizations = organizations.Where(o => EF.Parameter(matching).Contains(o.Id));
        }
        var byName = organizations.OrderBy(o => o.Name).ThenBy(o => o.Id).Select(o => o.Id);

        int total;
        List<Guid> ids;
        if (usage?.Sort == CustomerSort.MostMissingSeats)
        {
            // Missing seats are not in the database: every match's id in name order, then a stable sort here keeps
            // the database's name order among customers missing as many seats.
            var all = await byName.ToListAsync(cancellationToken);
            total = all.Count;
            ids = all.OrderByDescending(id => usage.ByOrganization.GetValueOrDefault(id)?.MissingSeats ?? 0)
                .Skip((page - 1) * pageSize).Take(pageSize)
                .ToList();
        }
        else
        {
            total = await organizations.CountAsync(cancellationToken);
            // The page's ids first, so that the figures below are computed for these rows, never for every match.
            ids = await byName.Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        }
        var rows = await db.Organizations.AsNoTracking()
            .Where(o => ids.Contains(o.Id))
            .Select(o => new CustomerRow(
                o.Id, o.Name, o.Kind, o.CountryCode,
                db.Memberships.Count(m => m.OrganizationId == o.Id),
                db.Licenses
                    .Where(l => l.OrganizationId == o.Id && l.Status == LicenseStatus.Active
                        && db.Products.Any(p => p.Id == l.ProductId && p.CurrentMajor == l.Major))
                    .Sum(l => l.Seats),
                db.DiscountApplications.Count(a => a.OrganizationId == o.Id && a.Status == DiscountStatus.Pending),
                db.Evaluations.Where(e => e.OrganizationId == o.Id)
                    .SelectMany(e => e.Requests).Count(r => r.Status == ExtensionStatus.Pending)))
            .ToListAsync(cancellationToken);
        return new CustomerListPage(
            rows.OrderBy(r => ids.IndexOf(r.Id))
                .Select(r => r with { Usage = usage?.ByOrganization.GetValueOrDefault(r.Id) })
                .ToList(),
            total);
    }

    /// <summary>The organization's profile, or null when there is none with that id.</summary>
    public static Task<CustomerProfile?> ProfileAsync(PortalDbContext db, Guid organizationId, CancellationToken cancellationToken = default) =>
        db.Organizations.AsNoTracking()
            .Where(o => o.Id == organizationId)
            .Select(o => new CustomerProfile(o.Id, o.Name, o.Kind, o.CountryCode, o.BillingEmail, o.StripeCustomerId, o.CreatedAt))
            .SingleOrDefaultAsync(cancellationToken);

    /// <summary>The organization's members by email, with their roles.</summary>
    public static Task<List<CustomerMember>> MembersAsync(PortalDbContext db, Guid organizationId, CancellationToken cancellationToken = default) =>
        db.Memberships.AsNoTracking()
            .Where(m => m.OrganizationId == organizationId)
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new { m, u })
            .OrderBy(x => x.u.Email).ThenBy(x => x.u.Id)
            .Select(x => new CustomerMember(x.u.Id, x.u.Email ?? x.u.UserName ?? "", x.u.EmailConfirmed, x.m.Roles, x.m.JoinedAt))
            .ToListAsync(cancellationToken);

    /// <summary>The organization's evaluations, latest first, each with its extension requests (latest first) and who asked.</summary>
    public static async Task<IReadOnlyList<StaffEvaluation>> EvaluationsAsync(
        PortalDbContext db, Guid organizationId, CancellationToken cancellationToken = default)
    {
        var evaluations = await db.Evaluations.AsNoTracking()
            .Where(e => e.OrganizationId == organizationId)
            .Join(db.Products, e => e.ProductId, p => p.Id, (e, p) => new { e.Id, ProductName = p.Name, e.Major, e.StartedAt, e.ExpiresAt })
            .ToListAsync(cancellationToken);
        var requests = await db.Evaluations.AsNoTracking()
            .Where(e => e.OrganizationId == organizationId)
            .SelectMany(e => e.Requests)
            .Select(r => new
            {
                r.EvaluationId,
                Request = new StaffExtensionRequest(
                    r.Id, r.DaysRequested, r.Reason,
                    db.Users.Where(u => u.Id == r.RequestedByUserId).Select(u => u.Email).FirstOrDefault(),
                    r.RequestedAt, r.Status, r.DaysGranted, r.Note, r.DecidedByName, r.DecidedAt),
            })
            .ToListAsync(cancellationToken);
        return evaluations
            .OrderByDescending(e => e.StartedAt)
            .Select(e => new StaffEvaluation(e.Id, e.ProductName, e.Major, e.StartedAt, e.ExpiresAt,
                requests.Where(r => r.EvaluationId == e.Id).Select(r => r.Request).OrderByDescending(r => r.RequestedAt).ToList()))
            .ToList();
    }

    /// <summary>The organization's discount applications, latest first, with who applied.</summary>
    public static async Task<IReadOnlyList<StaffDiscountApplication>> DiscountApplicationsAsync(
        PortalDbContext db, Guid organizationId, CancellationToken cancellationToken = default)
    {
        var applications = await db.DiscountApplications.AsNoTracking()
            .Where(a => a.OrganizationId == organizationId)
            .Select(a => new StaffDiscountApplication(
                a.Id, a.Kind, a.Status, a.Evidence, a.Attachments.Count,
                db.Users.Where(u => u.Id == a.AppliedByUserId).Select(u => u.Email).FirstOrDefault(),
                a.AppliedAt, a.Percent, a.ValidUntil, a.Note, a.DecidedByName, a.DecidedAt))
            .ToListAsync(cancellationToken);
        return applications.OrderByDescending(a => a.AppliedAt).ToList();
    }

    private static IQueryable<Organization> Matching(PortalDbContext db, string? search)
    {
        var organizations = db.Organizations.AsNoTracking();
        var term = search?.Trim();
        if (string.IsNullOrEmpty(term))
            return organizations;
        if (Guid.TryParse(term, out var id))
            return organizations.Where(o => o.Id == id);

        var pattern = LikePattern.Containing(term);
        return organizations.Where(o =>
            EF.Functions.Like(o.Name, pattern, LikePattern.Escape)
            || EF.Functions.Like(o.BillingEmail, pattern, LikePattern.Escape)
            || db.Memberships.Any(m => m.OrganizationId == o.Id
                && db.Users.Any(u => u.Id == m.UserId && EF.Functions.Like(u.Email, pattern, LikePattern.Escape))));
    }
}
