using Portal.Domain.Discounts;

namespace Portal.Domain.Pricing;

public enum QuoteLineKind
{
    NewSeats,
    Upgrade,
}

/// <summary>
/// One priced line. <see cref="UnitPrice"/> = <see cref="UnitListPrice"/> − <see cref="UnitDiscount"/>;
/// <see cref="Total"/> = <see cref="UnitPrice"/> × <see cref="Quantity"/>. All amounts in the quote's currency.
/// </summary>
public sealed record QuoteLine(
    QuoteLineKind Kind,
    string Description,
    Guid? PackId,
    Guid? UpgradedLicenseId,
    int Seats,
    int Quantity,
    Money UnitListPrice,
    Money UnitDiscount,
    Money UnitPrice,
    Money Total);

/// <summary>The discount a quote applies and why.</summary>
public sealed record AppliedDiscount(Guid ApplicationId, DiscountKind Kind, int Percent, string Reason);

/// <summary>
/// A priced cart. <see cref="Subtotal"/> is the list value, <see cref="DiscountTotal"/> what the discount takes off,
/// <see cref="Total"/> what the customer pays; Total = Subtotal − DiscountTotal = the sum of the line totals. Every
/// amount is in <see cref="Currency"/>, the product's.
/// </summary>
public sealed record Quote(
    Guid OrganizationId,
    Guid ProductId,
    string ProductName,
    int Major,
    string Currency,
    IReadOnlyList<QuoteLine> Lines,
    Money Subtotal,
    AppliedDiscount? Discount,
    Money DiscountTotal,
    Money Total)
{
    public int NewSeats => Lines.Where(l => l.Kind == QuoteLineKind.NewSeats).Sum(l => l.Seats * l.Quantity);
}
