using Portal.Domain.Catalog;
using Portal.Domain.Pricing;

namespace Portal.Tests.Builders;

/// <summary>Carts of a product's packs by their seats, as the buy and upgrade pages fill them.</summary>
public static class Carts
{
    public static Cart Of(Product product, IEnumerable<(int Seats, int Quantity)> packs, IEnumerable<Guid> upgradeLicenseIds) =>
        new(product.Id, [.. packs.Select(p => new CartPack(product.Packs.Single(pack => pack.Seats == p.Seats).Id, p.Quantity))], [.. upgradeLicenseIds]);
}
