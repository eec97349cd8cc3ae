using Microsoft.EntityFrameworkCore;
using Portal.Domain.Catalog;
using Portal.Domain.Data;
using Portal.Domain.Discounts;
using Portal.Domain.Evaluations;
using Portal.Domain.Pricing;

namespace Portal.Domain.Licensing;

/// <summary>
/// The seats an organization holds for one product's major version (R2): what its installations may use. For an older
/// major, what upgrading all of them lists at today (R6, before any discount; null when the catalog cannot price it).
/// </summary>
public sealed record SeatHolding(string ProductName, int Major, bool IsCurrentMajor, int Seats, int Licenses, Money? UpgradeListPrice = null);

public sealed record EvaluationSummary(string ProductName, int Major, DateTimeOffset ExpiresAt, int DaysLeft, bool ExtensionPending);

/// <summary>
/// What a customer sees first: seats per major, how many older licenses can be upgraded, support, evaluations, open
/// requests and the discount in force.
/// </summary>
public sealed record CustomerOverview(
    IReadOnlyList<SeatHolding> Seats,
    int UpgradableLicenses,
    DateOnly? SupportEndsOn,
    IReadOnlyList<EvaluationSummary> Evaluations,
    int PendingDiscountApplications,
    string? UsableDiscount)
{
    public int PendingExtensionRequests => Evaluations.Count(e => e.ExtensionPending);

    public static Task<CustomerOverview> LoadAsync(PortalDbContext db, Guid organizationId, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        LoadAsync(db, organizationId, licensesRevision: null, now, cancellationToken);

    /// <summary>
    /// The overview, for a caller that has just read the organization's <see cref="Organizations.Organization.LicensesRevision"/>
    /// (one query fewer; see <see cref="LicenseCounts"/>).
    /// </summary>
    public static async Task<CustomerOverview> LoadAsync(
        PortalDbContext db, Guid organizationId, Guid? licensesRevision, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await ReadConnection.OpenAsync(db, cancellationToken);
        var active = (await LicenseCounts.OfAsync(db, organizationId, licensesRevision, cancellationToken))
            .Where(c => c.Status == LicenseStatus.Active)
            .ToList();
        var products = await Catalog.For(db)(db).ToDictionaryAsync(p => p.Id, cancellationToken: cancellationToken);
        var evaluations = await EvaluationsOf.For(db)(db, organizationId).ToListAsync(cancellationToken);
        var discounts = await OpenDiscountsOf.For(db)(db, organizationId).ToListAsync(cancellationToken);

        return new CustomerOverview(
            active.GroupBy(g => (g.ProductId, g.Major))
                .Select(major => Holding(products[major.Key.ProductId], major.Key.Major, major.ToList()))
                .OrderBy(s => s.ProductName).ThenByDescending(s => s.Major).ToList(),
            active.Where(g => g.Major < products[g.ProductId].CurrentMajor).Sum(g => g.Licenses),
            await LicensingService.SupportEndsOnAsync(db, organizationId, cancellationToken),
            evaluations.Select(e => new EvaluationSummary(products[e.ProductId].Name, e.Major, e.ExpiresAt,
                    Evaluation.DaysLeft(e.ExpiresAt, now), e.Pending))
                .OrderByDescending(e => e.ExpiresAt).ToList(),
            discounts.Count(a => a.Status == DiscountStatus.Pending),
            DiscountService.BestUsable(discounts, now) is { } discount ? DiscountService.Explain(discount) : null);
    }

    private sealed record EvaluationRow(Guid ProductId, int Major, DateTimeOffset ExpiresAt, bool Pending);

    // Compiled (CompiledQuery): the dashboard, every customer's first page, reads them all (CustomerDashboard).
    private static readonly CompiledQuery<Func<PortalDbContext, IAsyncEnumerable<Product>>> Catalog = new(() =>
        EF.CompileAsyncQuery((PortalDbContext db) => db.Products.AsNoTracking().Include(p => p.Packs)));

    private static readonly CompiledQuery<Func<PortalDbContext, Guid, IAsyncEnumerable<EvaluationRow>>> EvaluationsOf = new(() =>
        EF.CompileAsyncQuery((PortalDbContext db, Guid organizationId) => db.Evaluations.AsNoTracking()
            .Where(e => e.OrganizationId == organizationId)
            .Select(e => new EvaluationRow(e.ProductId, e.Major, e.ExpiresAt, e.Requests.Any(r => r.Status == ExtensionStatus.Pending)))));

    // Pending and approved applications in one read: the count of the one and R7's best of the other.
    private static readonly CompiledQuery<Func<PortalDbContext, Guid, IAsyncEnumerable<DiscountApplication>>> OpenDiscountsOf = new(() =>
        EF.CompileAsyncQuery((PortalDbContext db, Guid organizationId) => db.DiscountApplications.AsNoTracking()
            .Where(a => a.OrganizationId == organizationId && (a.Status == DiscountStatus.Pending || a.Status == DiscountStatus.Approved))));

    /// <summary>R2: the seats of one major add up. R6: an older major lists what upgrading all of it costs (null when a size has no price).</summary>
    private static SeatHolding Holding(Product product, int major, IReadOnlyList<LicenseCount> sizes)
    {
        var holding = new SeatHolding(product.Name, major, major == product.CurrentMajor, sizes.Sum(s => s.Seats * s.Licenses), sizes.Sum(s => s.Licenses));
        if (holding.IsCurrentMajor)
            return holding;
        var prices = sizes.Select(s => PricingService.FindUpgradeListPrice(product, s.Seats) * s.Licenses).ToList();
        return prices.Any(p => p is null) ? holding : holding with { UpgradeListPrice = new Money(prices.Sum(p => p!.Value), product.Currency) };
    }
}
