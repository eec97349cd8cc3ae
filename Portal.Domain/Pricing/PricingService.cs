using Microsoft.EntityFrameworkCore;
using Portal.Domain.Catalog;
using Portal.Domain.Data;
using Portal.Domain.Discounts;

namespace Portal.Domain.Pricing;

/// <summary>
/// Prices a cart for an organization, the same way for the page and the order (R3, R6, R7, R12).
/// Rounding rule (the only one): a percentage of an amount is rounded half away from zero to the minor unit, per unit —
/// the upgrade price of a license and the discount on one unit. Line totals are then exact multiples.
/// </summary>
public sealed class PricingService(TimeProvider clock)
{
    public async Task<PricedCart> PriceAsync(PortalDbContext db, Guid organizationId, Cart cart, CancellationToken cancellationToken = default)
    {
        var product = await db.Products.AsNoTracking().Include(p => p.Packs)
            .SingleOrDefaultAsync(p => p.Id == cart.ProductId, cancellationToken)
            ?? throw new DomainException("That product is not for sale.");
        if (cart.Packs.Count == 0 && cart.UpgradeLicenseIds.Count == 0)
            throw new DomainException("Choose at least one seat pack or a license to upgrade.");

        var discount = await DiscountService.BestUsableAsync(db, organizationId, clock.GetUtcNow(), cancellationToken);
        var percent = discount?.Percent ?? 0;
        var lines = new List<PricedLine>();
        lines.AddRange(NewSeatLines(product, cart.Packs, percent));
        lines.AddRange(await UpgradeLinesAsync(db, organizationId, product, cart.UpgradeLicenseIds, percent, cancellationToken));

        var subtotal = lines.Sum(l => l.UnitListPrice.Minor * l.Quantity);
        var total = lines.Sum(l => l.Total.Minor);
        var applied = discount is null
            ? null
            : new AppliedDiscount(discount.Id, discount.Kind, percent, DiscountService.Explain(discount));
        return new PricedCart(organizationId, product.Id, product.Name, product.CurrentMajor, product.Currency, lines,
            new Money(subtotal, product.Currency), applied, new Money(subtotal - total, product.Currency), new Money(total, product.Currency));
    }

    /// <summary>
    /// The cheapest packs of the product for <paramref name="seatsNeeded"/> users (<see cref="PackPlanner"/>), at the
    /// prices the organization pays: the discount in force comes off each pack first, so the plan is cheapest as charged.
    /// </summary>
    public async Task<PackPlan> PlanAsync(PortalDbContext db, Guid organizationId, Guid productId, int seatsNeeded, CancellationToken cancellationToken = default)
    {
        var product = await db.Products.AsNoTracking().Include(p => p.Packs)
            .SingleOrDefaultAsync(p => p.Id == productId, cancellationToken)
            ?? throw new DomainException("That product is not for sale.");
        var discount = await DiscountService.BestUsableAsync(db, organizationId, clock.GetUtcNow(), cancellationToken);
        var percent = discount?.Percent ?? 0;
        return PackPlanner.Cheapest(
            product.Packs.Select(p => new PlannablePack(p.Id, p.Seats, p.ListPrice.Minor - PercentOf(p.ListPrice.Minor, percent))).ToList(),
            seatsNeeded);
    }

    /// <summary>R6: the upgrade costs UpgradePercent of the current list price of the same seats.</summary>
    public static long UpgradeListPrice(Product product, int seats) =>
        FindUpgradeListPrice(product, seats)
        ?? throw new DomainException($"{product.Name} has no pack for {seats} users to price an upgrade with.");

    /// <summary><see cref="UpgradeListPrice"/>, or null when the catalog cannot price that many seats.</summary>
    public static long? FindUpgradeListPrice(Product product, int seats) =>
        FindCurrentListPriceOfSeats(product, seats) is { } listPrice ? PercentOf(listPrice, product.UpgradePercent) : null;

    /// <summary>
    /// The current price of a number of seats: the pack of exactly that size, otherwise that many times the
    /// one-user pack (licenses normally come from packs; complimentary ones may not); null without either.
    /// </summary>
    public static long? FindCurrentListPriceOfSeats(Product product, int seats)
    {
        var exact = product.Packs.FirstOrDefault(p => p.Seats == seats);
        if (exact is not null)
            return exact.ListPrice.Minor;
        return product.Packs.FirstOrDefault(p => p.Seats == 1) is { } single ? single.ListPrice.Minor * seats : null;
    }

    /// <summary>The rounding rule: half away from zero, to the minor unit.</summary>
    public static long PercentOf(long amount, int percent) =>
        (long)Math.Round(amount * (decimal)percent / 100m, MidpointRounding.AwayFromZero);

    private static IEnumerable<PricedLine> NewSeatLines(Product product, IReadOnlyList<CartPack> packs, int discountPercent)
    {
        if (packs.Select(p => p.PackId).Distinct().Count() != packs.Count)
            throw new DomainException("Each pack size can appear once; change its quantity instead.");
        foreach (var item in packs)
        {
            // R3: only packs of the product exist, and they are always for its current major.
            var pack = product.Packs.FirstOrDefault(p => p.Id == item.PackId)
                ?? throw new DomainException($"That seat pack is not sold for {product.Name} {product.CurrentMajor}.");
            if (item.Quantity is < 1 or > Cart.MaxQuantityPerPack)
                throw new DomainException($"Choose between 1 and {Cart.MaxQuantityPerPack} of the {pack.Seats}-user pack.");
            yield return Line(LineKind.NewSeats, $"{product.Name} {product.CurrentMajor} – {pack.Seats}-user pack",
                pack.Id, null, pack.Seats, item.Quantity, pack.ListPrice.Minor, product.Currency, discountPercent);
        }
    }

    private static async Task<IEnumerable<PricedLine>> UpgradeLinesAsync(
        PortalDbContext db, Guid organizationId, Product product, IReadOnlyList<Guid> licenseIds, int discountPercent,
        CancellationToken cancellationToken)
    {
        if (licenseIds.Count == 0)
            return [];
        if (licenseIds.Distinct().Count() != licenseIds.Count)
            throw new DomainException("Each license can be upgraded once.");
        var licenses = await db.Licenses.AsNoTracking()
            .Where(l => licenseIds.Contains(l.Id) && l.OrganizationId == organizationId)
            .ToListAsync(cancellationToken);
        if (licenses.Count != licenseIds.Count)
            throw new DomainException("One of the licenses to upgrade does not belong to your organization.");

        return licenses.OrderBy(l => l.IssuedAt).Select(license =>
        {
            license.EnsureUpgradable(product);
            return Line(LineKind.Upgrade,
                $"Upgrade {product.Name} {license.Major} → {product.CurrentMajor}, {"user".ToQuantity(license.Seats)}",
                null, license.Id, license.Seats, 1, UpgradeListPrice(product, license.Seats), product.Currency, discountPercent);
        }).ToList();
    }

    private static PricedLine Line(LineKind kind, string description, Guid? packId, Guid? licenseId, int seats, int quantity,
        long unitListPrice, string currency, int discountPercent)
    {
        var unitDiscount = PercentOf(unitListPrice, discountPercent);
        var unitPrice = unitListPrice - unitDiscount;
        var text = discountPercent > 0 ? $"{description} ({discountPercent} % discount)" : description;
        Money Amount(long minor) => new(minor, currency);
        return new PricedLine(kind, text, packId, licenseId, seats, quantity,
            Amount(unitListPrice), Amount(unitDiscount), Amount(unitPrice), Amount(unitPrice * quantity));
    }
}
