using Portal.Domain.Discounts;

namespace Portal.Domain.Pricing;

public enum QuoteLineKind
{
    NewSeats,
    Upgrade,
}

/// <summary>
/// One priced line. <see cref="UnitPrice"/> = <see cref="UnitListPrice"/> − <see cref="UnitDiscount"/>;
/// <see cref="Total"/> = <see cref="UnitPrice"/> × <see cref="Quantity"/>. All amounts in minor units.
/// </summary>
public sealed record QuoteLine(
    QuoteLineKind Kind,
    string Description,
    Guid? PackId,
    Guid? UpgradedLicenseId,
    int Seats,
    int Quantity,
    long UnitListPrice,
    long UnitDiscount,
    long UnitPrice,
    long Total);

/// <summary>The discount a quote applies and why.</summary>
public sealed record AppliedDiscount(Guid ApplicationId, DiscountKind Kind, int Percent, string Reason);

/// <summary>
/// A priced cart. <see cref="Subtotal"/> is the list value, <see cref="DiscountTotal"/> what the discount takes off,
/// <see cref="Total"/> what the customer pays; Total = Subtotal − DiscountTotal = the sum of the line totals.
/// </summary>
public sealed record Quote(
    Guid OrganizationId,
    Guid ProductId,
    string ProductName,
    int Major,
    string Currency,
    IReadOnlyList<QuoteLine> Lines,
    long Subtotal,
    AppliedDiscount? Discount,
    long DiscountTotal,
    long Total)
{
    public int NewSeats => Lines.Where(l => l.Kind == QuoteLineKind.NewSeats).Sum(l => l.Seats * l.Quantity);
}
