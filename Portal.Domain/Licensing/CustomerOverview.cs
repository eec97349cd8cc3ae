using Microsoft.EntityFrameworkCore;
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

/// <summary>What a customer sees first: seats per major, upgrades on offer, support, evaluations, open requests and the discount in force.</summary>
public sealed record CustomerOverview(
    IReadOnlyList<SeatHolding> Seats,
    IReadOnlyList<UpgradeOffer> Upgrades,
    DateOnly? SupportEndsOn,
    IReadOnlyList<EvaluationSummary> Evaluations,
    int PendingDiscountApplications,
    string? UsableDiscount)
{
    public int PendingExtensionRequests => Evaluations.Count(e => e.ExtensionPending);

    public static async Task<CustomerOverview> LoadAsync(PortalDbContext db, Guid organizationId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var seats = await db.Licenses.AsNoTracking()
            .Where(l => l.OrganizationId == organizationId && l.Status == LicenseStatus.Active)
            .GroupBy(l => new { l.ProductId, l.Major })
            .Select(g => new { g.Key.ProductId, g.Key.Major, Seats = g.Sum(l => l.Seats), Licenses = g.Count() })
            .ToListAsync(cancellationToken);
        var products = await db.Products.AsNoTracking()
            .Select(p => new { p.Id, p.Name, p.CurrentMajor })
            .ToDictionaryAsync(p => p.Id, cancellationToken);
        var evaluations = await db.Evaluations.AsNoTracking()
            .Where(e => e.OrganizationId == organizationId)
            .Select(e => new { e.ProductId, e.Major, e.ExpiresAt, Pending = e.Requests.Any(r => r.Status == ExtensionStatus.Pending) })
            .ToListAsync(cancellationToken);

        var upgrades = await UpgradeOffers.ForOrganizationAsync(db, organizationId, cancellationToken);

        return new CustomerOverview(
            seats.Select(s => new SeatHolding(products[s.ProductId].Name, s.Major, s.Major == products[s.ProductId].CurrentMajor, s.Seats, s.Licenses,
                    UpgradeCost(upgrades.Where(u => u.ProductId == s.ProductId && u.FromMajor == s.Major).ToList())))
                .OrderBy(s => s.ProductName).ThenByDescending(s => s.Major).ToList(),
            upgrades,
            await LicensingService.SupportEndsOnAsync(db, organizationId, cancellationToken),
            evaluations.Select(e => new EvaluationSummary(products[e.ProductId].Name, e.Major, e.ExpiresAt,
                    Evaluation.DaysLeft(e.ExpiresAt, now), e.Pending))
                .OrderByDescending(e => e.ExpiresAt).ToList(),
            await db.DiscountApplications.CountAsync(a => a.OrganizationId == organizationId && a.Status == DiscountStatus.Pending, cancellationToken),
            await DiscountService.BestUsableAsync(db, organizationId, now, cancellationToken) is { } discount ? DiscountService.Explain(discount) : null);
    }

    private static Money? UpgradeCost(IReadOnlyList<UpgradeOffer> offers) =>
        offers.Count == 0 || offers.Any(o => o.UpgradeListPrice is null)
            ? null
            : new Money(offers.Sum(o => o.UpgradeListPrice!.Value.Minor), offers[0].UpgradeListPrice!.Value.Currency);
}
