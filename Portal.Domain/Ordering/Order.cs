using Portal.Domain.Pricing;

namespace Portal.Domain.Ordering;

public enum OrderStatus
{
    /// <summary>Placed; the customer is at (or on the way to) Stripe Checkout.</summary>
    Pending,

    /// <summary>Paid and its licenses issued.</summary>
    Fulfilled,

    /// <summary>The checkout session expired unpaid.</summary>
    Expired,

    /// <summary>A delayed payment (e.g. bank debit) failed.</summary>
    Failed,

    /// <summary>Refunded in Stripe; its licenses are revoked (R10).</summary>
    Refunded,

    /// <summary>Stripe reported a payment that does not match the order; nothing was issued and staff must look.</summary>
    NeedsReview,
}

/// <summary>A cart priced and frozen (R12): what the customer pays is exactly these lines, whatever prices do later.</summary>
public sealed class Order
{
    /// <summary>Stripe's smallest charge is about half a unit of most currencies.</summary>
    public const long MinimumTotal = 50;

    private readonly List<OrderLine> _lines = [];

    private Order(Guid id, Guid organizationId, Guid productId, string placedByUserId, string placedByEmail,
        Money subtotal, Money discountTotal, Money total, Guid? discountApplicationId, string? discountDescription, DateTimeOffset placedAt)
    {
        Id = id;
        OrganizationId = organizationId;
        ProductId = productId;
        PlacedByUserId = placedByUserId;
        PlacedByEmail = placedByEmail;
        Subtotal = subtotal;
        DiscountTotal = discountTotal;
        Total = total;
        DiscountApplicationId = discountApplicationId;
        DiscountDescription = discountDescription;
        PlacedAt = placedAt;
        Status = OrderStatus.Pending;
        Version = Guid.NewGuid();
    }

    // For EF Core, which sets the amounts itself: it cannot pass complex properties to a constructor.
    private Order()
    {
        PlacedByUserId = "";
        PlacedByEmail = "";
    }

    public Guid Id { get; private set; }
    public Guid OrganizationId { get; private set; }
    public Guid ProductId { get; private set; }
    public string PlacedByUserId { get; private set; }
    public string PlacedByEmail { get; private set; }

    /// <summary>The list value of the lines. The order's amounts, and its lines', are all in one currency.</summary>
    public Money Subtotal { get; private set; }

    /// <summary>What the discount takes off <see cref="Subtotal"/>.</summary>
    public Money DiscountTotal { get; private set; }

    /// <summary>What the customer pays: <see cref="Subtotal"/> less <see cref="DiscountTotal"/>.</summary>
    public Money Total { get; private set; }

    public Guid? DiscountApplicationId { get; private set; }
    public string? DiscountDescription { get; private set; }
    public DateTimeOffset PlacedAt { get; private set; }
    public OrderStatus Status { get; private set; }
    public DateTimeOffset? StatusChangedAt { get; private set; }

    /// <summary>Why the order needs review, was refunded or disputed — shown to staff and in history.</summary>
    public string? StatusReason { get; private set; }

    public string? CheckoutSessionId { get; private set; }
    public string? PaymentIntentId { get; private set; }
    public string? ReceiptUrl { get; private set; }

    /// <summary>A dispute was opened in Stripe; staff see the order flagged.</summary>
    public bool Disputed { get; private set; }

    public IReadOnlyList<OrderLine> Lines => _lines;

    /// <summary>Concurrency token: fulfilment and payment events change an order exactly once.</summary>
    public Guid Version { get; private set; }

    internal static Order FromPricedCart(PricedCart priced, string placedByUserId, string placedByEmail, DateTimeOffset now)
    {
        if (priced.Total.Minor < MinimumTotal)
            throw new DomainException($"An order must come to at least {new Money(MinimumTotal, priced.Currency)}.");
        // Each amount is stored with its own currency; the order keeps them one.
        Money[] amounts = [priced.Subtotal, priced.DiscountTotal, priced.Total,
            .. priced.Lines.SelectMany(l => new[] { l.UnitListPrice, l.UnitDiscount, l.UnitPrice, l.Total })];
        if (amounts.Any(amount => amount.Currency != priced.Currency))
            throw new DomainException($"Every amount of an order is in its currency, {priced.Currency}.");
        var order = new Order(Guid.CreateVersion7(now), priced.OrganizationId, priced.ProductId, placedByUserId, placedByEmail,
            priced.Subtotal, priced.DiscountTotal, priced.Total, priced.Discount?.ApplicationId, priced.Discount?.Reason, now);
        order._lines.AddRange(priced.Lines.Select(line => new OrderLine(order.Id, line)));
        return order;
    }

    internal void AttachCheckoutSession(string sessionId)
    {
        EnsureStatus(OrderStatus.Pending, "start a payment for");
        CheckoutSessionId = sessionId;
        Touch();
    }

    /// <summary>Stripe confirmed a payment; true when it matches the order to the cent and currency.</summary>
    internal bool Matches(Money paid) => paid == Total;

    internal void MarkFulfilled(string? paymentIntentId, string? receiptUrl, DateTimeOffset now)
    {
        EnsureStatus(OrderStatus.Pending, "fulfil");
        PaymentIntentId = paymentIntentId ?? PaymentIntentId;
        ReceiptUrl = receiptUrl ?? ReceiptUrl;
        Change(OrderStatus.Fulfilled, reason: null, now);
    }

    internal void MarkNeedsReview(string reason, string? paymentIntentId, DateTimeOffset now)
    {
        EnsureStatus(OrderStatus.Pending, "review");
        PaymentIntentId = paymentIntentId ?? PaymentIntentId;
        Change(OrderStatus.NeedsReview, reason, now);
    }

    internal void MarkExpired(DateTimeOffset now)
    {
        EnsureStatus(OrderStatus.Pending, "expire");
        Change(OrderStatus.Expired, "The checkout session expired before payment.", now);
    }

    internal void MarkPaymentFailed(DateTimeOffset now)
    {
        EnsureStatus(OrderStatus.Pending, "fail");
        Change(OrderStatus.Failed, "The payment failed.", now);
    }

    internal void MarkRefunded(string reason, DateTimeOffset now)
    {
        if (Status == OrderStatus.Refunded)
            throw new DomainException("This order is already refunded.");
        Change(OrderStatus.Refunded, reason, now);
    }

    internal void FlagDispute(string reason, DateTimeOffset now)
    {
        Disputed = true;
        StatusReason = reason;
        StatusChangedAt = now;
        Touch();
    }

    private void EnsureStatus(OrderStatus expected, string action)
    {
        if (Status != expected)
            throw new DomainException($"Cannot {action} an order that is {Status}.");
    }

    private void Change(OrderStatus status, string? reason, DateTimeOffset now)
    {
        Status = status;
        StatusReason = reason;
        StatusChangedAt = now;
        Touch();
    }

    private void Touch() => Version = Guid.NewGuid();
}
