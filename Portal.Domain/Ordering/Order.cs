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

    /// <summary>Its invoice was voided or written off: nothing is owed, and licenses issued on the invoice are revoked (R10).</summary>
    Cancelled,
}

/// <summary>How an order is paid.</summary>
public enum PaymentMethod
{
    /// <summary>By card (or another method) on Stripe Checkout, at once.</summary>
    Checkout,

    /// <summary>By an invoice the organization pays by bank transfer or card within its payment terms.</summary>
    Invoice,
}

/// <summary>Where an order's invoice stands, as the payment provider reported it.</summary>
public enum InvoiceStatus
{
    /// <summary>Finalized and sent to the customer; not paid yet.</summary>
    Open,

    /// <summary>An attempt to pay it failed; it is still open.</summary>
    PaymentFailed,

    Paid,

    /// <summary>Withdrawn: nothing is owed.</summary>
    Void,

    /// <summary>Written off as not going to be paid.</summary>
    Uncollectible,
}

/// <summary>An invoice as the payment provider issued it.</summary>
public sealed record IssuedInvoice(string InvoiceId, string? Number, DateTimeOffset DueAt, string? HostedUrl, string? PdfUrl);

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

    public PaymentMethod PaymentMethod { get; private set; }

    /// <summary>The quote the order was placed from; null for an order placed straight from the cart.</summary>
    public Guid? QuoteId { get; private set; }

    /// <summary>The customer's purchase-order number, printed on the invoice.</summary>
    public string? PurchaseOrderNumber { get; private set; }

    public string? InvoiceId { get; private set; }
    public string? InvoiceNumber { get; private set; }
    public InvoiceStatus? InvoiceStatus { get; private set; }
    public DateTimeOffset? InvoiceDueAt { get; private set; }

    /// <summary>The provider's page where the customer sees and pays the invoice.</summary>
    public string? InvoiceUrl { get; private set; }

    public string? InvoicePdfUrl { get; private set; }

    /// <summary>The provider reported the invoice overdue; it stays so until paid or voided.</summary>
    public bool InvoiceOverdue { get; private set; }

    /// <summary>Whether an unpaid invoice is past its due date, reported or not.</summary>
    public bool IsInvoiceOverdue(DateTimeOffset now) =>
        InvoiceStatus is Ordering.InvoiceStatus.Open or Ordering.InvoiceStatus.PaymentFailed
        && (InvoiceOverdue || InvoiceDueAt < now);

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

    /// <summary>An order placed from an accepted quote at the quote's prices, to be paid as the customer chose.</summary>
    internal static Order FromAcceptedQuote(Quotes.Quote quote, PaymentMethod method, string placedByUserId, string placedByEmail, DateTimeOffset now)
    {
        var order = FromPricedCart(quote.ToPricedCart(), placedByUserId, placedByEmail, now);
        order.QuoteId = quote.Id;
        order.PurchaseOrderNumber = quote.PurchaseOrderNumber;
        order.DiscountDescription = quote.DiscountDescription;
        order.PaymentMethod = method;
        return order;
    }

    internal void AttachCheckoutSession(string sessionId)
    {
        EnsureStatus(OrderStatus.Pending, "start a payment for");
        if (PaymentMethod != PaymentMethod.Checkout)
            throw new DomainException("This order is paid by invoice, not at checkout.");
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

    /// <summary>
    /// Records the invoice issued for the order; true when that changed anything (the same invoice reported twice
    /// changes nothing). An order has one invoice: another one is refused.
    /// </summary>
    internal bool RecordInvoice(IssuedInvoice invoice)
    {
        if (PaymentMethod != PaymentMethod.Invoice)
            throw new DomainException("This order is paid at checkout, not by invoice.");
        if (InvoiceId is not null && InvoiceId != invoice.InvoiceId)
            throw new DomainException($"This order already has invoice {InvoiceNumber ?? InvoiceId}.");
        var changed = InvoiceId is null || InvoiceNumber != (invoice.Number ?? InvoiceNumber) || InvoiceDueAt != invoice.DueAt
                      || InvoiceUrl != (invoice.HostedUrl ?? InvoiceUrl) || InvoicePdfUrl != (invoice.PdfUrl ?? InvoicePdfUrl);
        InvoiceId = invoice.InvoiceId;
        InvoiceNumber = invoice.Number ?? InvoiceNumber;
        InvoiceDueAt = invoice.DueAt;
        InvoiceUrl = invoice.HostedUrl ?? InvoiceUrl;
        InvoicePdfUrl = invoice.PdfUrl ?? InvoicePdfUrl;
        InvoiceStatus ??= Ordering.InvoiceStatus.Open;
        if (changed)
            Touch();
        return changed;
    }

    /// <summary>Whether the invoice the provider names is this order's (an order without one yet takes any).</summary>
    internal bool IsPaidBy(string invoiceId) => PaymentMethod == PaymentMethod.Invoice && (InvoiceId is null || InvoiceId == invoiceId);

    internal bool MarkInvoicePaid()
    {
        if (InvoiceStatus == Ordering.InvoiceStatus.Paid)
            return false;
        InvoiceStatus = Ordering.InvoiceStatus.Paid;
        InvoiceOverdue = false;
        Touch();
        return true;
    }

    internal bool MarkInvoicePaymentFailed()
    {
        if (InvoiceStatus is not (Ordering.InvoiceStatus.Open or null))
            return false;
        InvoiceStatus = Ordering.InvoiceStatus.PaymentFailed;
        Touch();
        return true;
    }

    internal bool MarkInvoiceOverdue()
    {
        if (InvoiceOverdue || InvoiceStatus is not (Ordering.InvoiceStatus.Open or Ordering.InvoiceStatus.PaymentFailed or null))
            return false;
        InvoiceOverdue = true;
        Touch();
        return true;
    }

    /// <summary>
    /// The invoice was voided or written off: the order is cancelled, whether it was waiting for the payment or had been
    /// fulfilled on the invoice (its licenses are then revoked by the caller, R10). False when already so.
    /// </summary>
    internal bool CancelForInvoice(bool uncollectible, DateTimeOffset now)
    {
        if (Status == OrderStatus.Cancelled)
            return false;
        if (Status is not (OrderStatus.Pending or OrderStatus.Fulfilled))
            throw new DomainException($"Cannot cancel an order that is {Status}.");
        InvoiceStatus = uncollectible ? Ordering.InvoiceStatus.Uncollectible : Ordering.InvoiceStatus.Void;
        InvoiceOverdue = false;
        Change(OrderStatus.Cancelled, uncollectible ? "The invoice was marked uncollectible." : "The invoice was voided.", now);
        return true;
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
