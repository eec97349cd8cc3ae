using Portal.Domain.Organizations;

namespace Portal.Domain.Ordering;

/// <summary>A payment provider's event, by its id and type.</summary>
public sealed record PaymentEvent(string Id, string Type);

/// <summary>
/// What a payment provider reported about an order, in the domain's terms. <see cref="ReportedBy"/> is the provider's
/// event that said so: <see cref="PaymentEventService.HandleAsync"/> handles each event once and records it in the same
/// save as the change it made. A report without an event (the checkout return page, an expired session found while
/// resuming checkout) is applied the same way and records nothing.
/// </summary>
public abstract record PaymentReport(PaymentEvent? ReportedBy);

/// <summary>
/// A report that can turn an order into licenses (<see cref="FulfilmentService"/>): a payment, or an invoice issued to
/// an organization trusted with keys on invoice. <see cref="Amount"/> is compared with the order total.
/// </summary>
public abstract record FulfilmentReport(Guid OrderId, Money Amount, string? PaymentIntentId, string? ReceiptUrl, PaymentEvent? ReportedBy)
    : PaymentReport(ReportedBy);

/// <summary>
/// What the provider says was paid for an order at checkout; the amount excludes tax the provider added on top, so that
/// it can be compared with the order total. <see cref="Billing"/> is what the customer entered at checkout, if anything.
/// </summary>
public sealed record PaidCheckout(
    Guid OrderId, string CheckoutSessionId, string? PaymentIntentId, Money AmountPaid, string? ReceiptUrl = null,
    PaymentEvent? ReportedBy = null) : FulfilmentReport(OrderId, AmountPaid, PaymentIntentId, ReceiptUrl, ReportedBy)
{
    public CollectedBillingDetails? Billing { get; init; }
}

/// <summary>The billing address and tax ID a customer gave at checkout; the organization keeps them.</summary>
public sealed record CollectedBillingDetails(PostalAddress Address, TaxId? TaxId);

/// <summary>
/// The provider finalized and sent the order's invoice. For an organization trusted with keys on invoice this fulfils
/// the order (<see cref="Organization.KeysOnInvoice"/>); otherwise the order records the invoice and waits for payment.
/// </summary>
public sealed record InvoiceIssued(Guid OrderId, IssuedInvoice Invoice, Money InvoiceTotal, PaymentEvent? ReportedBy = null)
    : FulfilmentReport(OrderId, InvoiceTotal, null, null, ReportedBy);

/// <summary>The order's invoice was paid, in full; the amount excludes tax the provider added on top.</summary>
public sealed record InvoicePaid(
    Guid OrderId, IssuedInvoice Invoice, Money AmountPaid, string? PaymentIntentId, string? ReceiptUrl = null, PaymentEvent? ReportedBy = null)
    : FulfilmentReport(OrderId, AmountPaid, PaymentIntentId, ReceiptUrl, ReportedBy);

/// <summary>An attempt to pay the order's invoice failed; the invoice stays open.</summary>
public sealed record InvoicePaymentFailed(Guid OrderId, string InvoiceId, PaymentEvent? ReportedBy = null) : PaymentReport(ReportedBy);

/// <summary>The order's invoice is past its due date unpaid.</summary>
public sealed record InvoiceOverdue(Guid OrderId, string InvoiceId, PaymentEvent? ReportedBy = null) : PaymentReport(ReportedBy);

/// <summary>The order's invoice was voided, or (<paramref name="Uncollectible"/>) written off.</summary>
public sealed record InvoiceCancelled(Guid OrderId, string InvoiceId, bool Uncollectible, PaymentEvent? ReportedBy = null) : PaymentReport(ReportedBy);

/// <summary>The order's checkout ended without payment.</summary>
public sealed record CheckoutExpired(Guid OrderId, PaymentEvent? ReportedBy = null) : PaymentReport(ReportedBy);

/// <summary>The delayed payment of a completed checkout (a bank debit, say) failed.</summary>
public sealed record CheckoutPaymentFailed(Guid OrderId, PaymentEvent? ReportedBy = null) : PaymentReport(ReportedBy);

/// <summary>The payment was refunded, in full or in part (R10).</summary>
public sealed record PaymentRefunded(string PaymentIntentId, bool Fully, PaymentEvent? ReportedBy = null) : PaymentReport(ReportedBy);

/// <summary>The payment was disputed with the card issuer (R10).</summary>
public sealed record PaymentDisputed(string PaymentIntentId, string Reason, PaymentEvent? ReportedBy = null) : PaymentReport(ReportedBy);

/// <summary>
/// An event that changes no order, acknowledged and recorded: a type Portal does not use, a checkout still waiting for
/// its delayed payment (both <paramref name="Expected"/>), or an event of a type Portal uses that names no order or payment.
/// </summary>
public sealed record PaymentEventNotUsed(PaymentEvent Event, string Why, bool Expected = true) : PaymentReport(Event);

public enum PaymentReportOutcome
{
    /// <summary>This report changed the order; its event was recorded in the same save.</summary>
    Applied,

    /// <summary>Nothing to change: the order already was as reported, or the event concerns no order.</summary>
    Unchanged,

    /// <summary>The event was handled before: a duplicate delivery, an expected race.</summary>
    AlreadyHandled,

    /// <summary>An event of a kind Portal uses named no order or payment it can act on; recorded so it is not retried.</summary>
    Ignored,

    /// <summary>Money arrived that was not turned into licenses (a wrong amount, an upgrade no longer possible): staff look.</summary>
    NeedsReview,

    /// <summary>A payment for an order that cannot take one (unknown, expired, failed or refunded): staff may need to refund it.</summary>
    NotPayable,

    /// <summary>
    /// The report names a payment no order records yet: a refund or dispute overtook the payment's own event. Nothing is
    /// recorded, so the provider's next delivery of it is handled.
    /// </summary>
    PaymentNotYetRecorded,
}

/// <summary>What handling a report did, with a sentence for the log.</summary>
public sealed record PaymentReportResult(PaymentReportOutcome Outcome, Guid? OrderId, string Summary)
{
    /// <summary>Whether the report changed the order, so that its event was recorded in the same save.</summary>
    public bool SavedWithItsChange => Outcome is PaymentReportOutcome.Applied or PaymentReportOutcome.NeedsReview;

    /// <summary>Whether the provider should deliver the event again later.</summary>
    public bool DeliverAgain => Outcome == PaymentReportOutcome.PaymentNotYetRecorded;

    /// <summary>Whether a person should know: money that did not become licenses, or an event that came too early.</summary>
    public bool NeedsAttention => Outcome is PaymentReportOutcome.Ignored or PaymentReportOutcome.NeedsReview
        or PaymentReportOutcome.NotPayable or PaymentReportOutcome.PaymentNotYetRecorded;
}
