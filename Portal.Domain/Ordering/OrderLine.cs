using Portal.Domain.Pricing;

namespace Portal.Domain.Ordering;

/// <summary>One frozen priced line: new seats of one pack size, or the upgrade of one license.</summary>
public sealed class OrderLine
{
    internal OrderLine(Guid orderId, PricedLine line)
    {
        Id = Guid.CreateVersion7();
        OrderId = orderId;
        Kind = line.Kind;
        Description = line.Description;
        PackId = line.PackId;
        UpgradedLicenseId = line.UpgradedLicenseId;
        Seats = line.Seats;
        Quantity = line.Quantity;
        UnitListPrice = line.UnitListPrice;
        UnitDiscount = line.UnitDiscount;
        UnitPrice = line.UnitPrice;
        Total = line.Total;
    }

    private OrderLine()
    {
        Description = "";
    }

    public Guid Id { get; private set; }
    public Guid OrderId { get; private set; }
    public LineKind Kind { get; private set; }
    public string Description { get; private set; }
    public Guid? PackId { get; private set; }
    public Guid? UpgradedLicenseId { get; private set; }
    public int Seats { get; private set; }
    public int Quantity { get; private set; }
    public Money UnitListPrice { get; private set; }
    public Money UnitDiscount { get; private set; }
    public Money UnitPrice { get; private set; }
    public Money Total { get; private set; }

    /// <summary>
    /// The one order of an order's lines wherever they are listed (the order's pages, the order list, Stripe's line
    /// items), since lines have no position of their own: new seats first, larger packs first, then upgrades. It runs
    /// in the database and in memory alike; the kind is stored as text, so it is ranked rather than compared.
    /// </summary>
    public static IOrderedQueryable<OrderLine> InDisplayOrder(IQueryable<OrderLine> lines) =>
        lines.OrderBy(l => l.Kind == LineKind.Upgrade ? 1 : 0).ThenByDescending(l => l.Seats).ThenBy(l => l.Description);

    /// <inheritdoc cref="InDisplayOrder(IQueryable{OrderLine})"/>
    public static IEnumerable<OrderLine> InDisplayOrder(IEnumerable<OrderLine> lines) => InDisplayOrder(lines.AsQueryable());
}
