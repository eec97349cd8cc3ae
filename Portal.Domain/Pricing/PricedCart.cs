using Portal.Domain.Discounts;

namespace Portal.Domain.Pricing;

public enum LineKind
{
    NewSeats,
    Upgrade,
}

/// <summary>
/// One priced line. <see cref="UnitPrice"/> = <see cref="UnitListPrice"/> − <see cref="UnitDiscount"/>;
/// <see cref="Total"/> = <see cref="UnitPrice"/> × <see cref="Quantity"/>. All amounts in the priced cart's currency.
/// </summary>
public sealed record PricedLine(
    LineKind Kind,
    string Description,
    Guid? PackId,
    Guid? UpgradedLicenseId,
    int Seats,
    int Quantity,
    Money UnitListPrice,
    Money UnitDiscount,
    Money UnitPrice,
    Money Total);

/// <summary>The discount a priced cart applies and why.</summary>
public sealed record AppliedDiscount(Guid ApplicationId, DiscountKind Kind, int Percent, string Reason);

/// <summary>
/// A priced cart. <see cref="Subtotal"/> is the list value, <see cref="DiscountTotal"/> what the discount takes off,
/// <see cref="Total"/> what the customer pays; Total = Subtotal − DiscountTotal = the sum of the line totals. Every
/// amount is in <see cref="Currency"/>, the product's.
/// </summary>
public sealed record PricedCart(
    Guid OrganizationId,
    Guid ProductId,
    string ProductName,
    int Major,
    string Currency,
    IReadOnlyList<PricedLine> Lines,
    Money Subtotal,
    AppliedDiscount? Discount,
    Money DiscountTotal,
    Money Total)
{
    public int NewSeats => Lines.Where(l => l.Kind == LineKind.NewSeats).Sum(l => l.Seats * l.Quantity);
}
