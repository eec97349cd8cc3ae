using Microsoft.EntityFrameworkCore;
using Portal.Domain.Data;
using Portal.Domain.Licensing;

namespace Portal.Domain.Pricing;

/// <summary>
/// An active license for an older major that the organization may upgrade (R6), with what its upgrade lists at today
/// (before any discount); null when the catalog has no price for its number of seats.
/// </summary>
public sealed record UpgradeOffer(
    Guid LicenseId,
    Guid ProductId,
    string ProductName,
    int FromMajor,
    int ToMajor,
    int Seats,
    DateTimeOffset IssuedAt,
    Money? UpgradeListPrice);

public static class UpgradeOffers
{
    /// <summary>The organization's upgradable licenses, oldest first; the database returns only those.</summary>
    public static async Task<IReadOnlyList<UpgradeOffer>> ForOrganizationAsync(
        PortalDbContext db, Guid organizationId, CancellationToken cancellationToken = default)
    {
        var licenses = await (
                from license in db.Licenses.AsNoTracking()
                join product in db.Products on license.ProductId equals product.Id
                where license.OrganizationId == organizationId && license.Status == LicenseStatus.Active
                      && license.Major < product.CurrentMajor
                orderby license.IssuedAt
                select new { license.Id, license.ProductId, license.Major, license.Seats, license.IssuedAt })
            .ToListAsync(cancellationToken);
        if (licenses.Count == 0)
            return [];

        var productIds = licenses.Select(l => l.ProductId).Distinct().ToList();
        var products = await db.Products.AsNoTracking().Include(p => p.Packs)
            .Where(p => productIds.Contains(p.Id))
            .ToDictionaryAsync(p => p.Id, cancellationToken);
        return licenses.Select(l =>
        {
            var product = products[l.ProductId];
            return new UpgradeOffer(l.Id, product.Id, product.Name, l.Major, product.CurrentMajor, l.Seats, l.IssuedAt,
                PricingService.FindUpgradeListPrice(product, l.Seats) is { } price ? new Money(price, product.Currency) : null);
        }).ToList();
    }
}
