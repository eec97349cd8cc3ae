namespace Portal.Domain.Pricing;

/// <summary>One pack size and how many of it.</summary>
public sealed record CartPack(Guid PackId, int Quantity);

/// <summary>
/// Everything the browser may choose (R12): a product, packs with quantities, and which older-major licenses to
/// upgrade. Prices are never part of a cart.
/// </summary>
public sealed record Cart(Guid ProductId, IReadOnlyList<CartPack> Packs, IReadOnlyList<Guid> UpgradeLicenseIds)
{
    public const int MaxQuantityPerPack = 100;
}
