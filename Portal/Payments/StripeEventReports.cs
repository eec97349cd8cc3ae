using Portal.Domain.Ordering;
using Stripe;
using Stripe.Checkout;

namespace Portal.Payments;

/// <summary>
/// Translates a verified Stripe event into the domain's <see cref="PaymentReport"/> naming that event (docs/architecture.md,
/// "How a purchase flows"): a paid checkout (a completed checkout with a delayed payment waits for
/// <c>async_payment_succeeded</c>), a failed or expired checkout, a refund or a dispute; an invoice Portal issued that was
/// finalized, paid, not paid, overdue, voided or written off. Any other event, or one that names no order or payment, is
/// reported as not used. Nothing here decides what happens to an order.
/// </summary>
public static class StripeEventReports
{
    /// <summary>The event types to enable on the Stripe webhook endpoint.</summary>
    public static readonly IReadOnlyList<string> HandledTypes =
    [
        EventTypes.CheckoutSessionCompleted,
        EventTypes.CheckoutSessionAsyncPaymentSucceeded,
        EventTypes.CheckoutSessionAsyncPaymentFailed,
        EventTypes.CheckoutSessionExpired,
        EventTypes.ChargeRefunded,
        EventTypes.ChargeDisputeCreated,
        EventTypes.InvoiceFinalized,
        EventTypes.InvoicePaid,
        EventTypes.InvoicePaymentFailed,
        EventTypes.InvoiceOverdue,
        EventTypes.InvoiceVoided,
        EventTypes.InvoiceMarkedUncollectible,
    ];

    public static PaymentReport From(Event stripeEvent)
    {
        var reportedBy = new PaymentEvent(stripeEvent.Id, stripeEvent.Type);
        return stripeEvent.Type switch
        {
            EventTypes.CheckoutSessionCompleted or EventTypes.CheckoutSessionAsyncPaymentSucceeded => OfSession(stripeEvent, reportedBy,
                (session, orderId) => StripeSessions.IsPaid(session)
                    ? StripeSessions.ToPaidCheckout(session, orderId) with { ReportedBy = reportedBy }
                    : new PaymentEventNotUsed(reportedBy,
                        $"checkout {session.Id} of order {orderId} is complete but {session.PaymentStatus}; waiting for the delayed payment")),
            EventTypes.CheckoutSessionAsyncPaymentFailed => OfSession(stripeEvent, reportedBy, (_, orderId) => new CheckoutPaymentFailed(orderId, reportedBy)),
            EventTypes.CheckoutSessionExpired => OfSession(stripeEvent, reportedBy, (_, orderId) => new CheckoutExpired(orderId, reportedBy)),
            EventTypes.ChargeRefunded => stripeEvent.Data.Object is Charge { PaymentIntentId: { Length: > 0 } paymentIntentId } charge
                ? new PaymentRefunded(paymentIntentId, Fully: charge.AmountRefunded >= charge.Amount, reportedBy)
                : NamesNoPayment(reportedBy),
            EventTypes.ChargeDisputeCreated => stripeEvent.Data.Object is Dispute dispute
                                               && (dispute.PaymentIntentId ?? dispute.Charge?.PaymentIntentId) is { Length: > 0 } disputedIntentId
                ? new PaymentDisputed(disputedIntentId, string.IsNullOrWhiteSpace(dispute.Reason) ? "no reason given" : dispute.Reason.Replace('_', ' '), reportedBy)
                : NamesNoPayment(reportedBy),
            EventTypes.InvoiceFinalized => OfInvoice(stripeEvent, reportedBy,
                (invoice, orderId) => new InvoiceIssued(orderId, StripeInvoices.ToIssued(invoice), StripeInvoices.Total(invoice), reportedBy)),
            EventTypes.InvoicePaid => OfInvoice(stripeEvent, reportedBy, (invoice, orderId) => StripeInvoices.ToPaid(invoice, orderId, reportedBy)),
            EventTypes.InvoicePaymentFailed => OfInvoice(stripeEvent, reportedBy, (invoice, orderId) => new InvoicePaymentFailed(orderId, invoice.Id, reportedBy)),
            EventTypes.InvoiceOverdue => OfInvoice(stripeEvent, reportedBy, (invoice, orderId) => new InvoiceOverdue(orderId, invoice.Id, reportedBy)),
            EventTypes.InvoiceVoided => OfInvoice(stripeEvent, reportedBy,
                (invoice, orderId) => new InvoiceCancelled(orderId, invoice.Id, Uncollectible: false, reportedBy)),
            EventTypes.InvoiceMarkedUncollectible => OfInvoice(stripeEvent, reportedBy,
                (invoice, orderId) => new InvoiceCancelled(orderId, invoice.Id, Uncollectible: true, reportedBy)),
            _ => new PaymentEventNotUsed(reportedBy, "acknowledged; Portal does not use it"),
        };
    }

    private static PaymentReport NamesNoPayment(PaymentEvent reportedBy) => new PaymentEventNotUsed(reportedBy, "names no payment intent; ignored", Expected: false);

    /// <summary>The report about the event's checkout session and the order it pays for; not used when either is missing.</summary>
    private static PaymentReport OfSession(Event stripeEvent, PaymentEvent reportedBy, Func<Session, Guid, PaymentReport> report)
    {
        if (stripeEvent.Data.Object is not Session session)
            return new PaymentEventNotUsed(reportedBy, "carries no checkout session; ignored", Expected: false);
        return StripeSessions.OrderId(session) is { } orderId
            ? report(session, orderId)
            : new PaymentEventNotUsed(reportedBy, $"checkout {session.Id} has no Portal order id; ignored", Expected: false);
    }

    /// <summary>
    /// The report about the event's invoice and the order it bills. An invoice without Portal's order id is not one
    /// Portal issued (Checkout's receipt invoices are invoices too): acknowledged quietly, as an event Portal does not use.
    /// </summary>
    private static PaymentReport OfInvoice(Event stripeEvent, PaymentEvent reportedBy, Func<Invoice, Guid, PaymentReport> report)
    {
        if (stripeEvent.Data.Object is not Invoice invoice)
            return new PaymentEventNotUsed(reportedBy, "carries no invoice; ignored", Expected: false);
        return StripeInvoices.OrderId(invoice) is { } orderId
            ? report(invoice, orderId)
            : new PaymentEventNotUsed(reportedBy, $"invoice {invoice.Id} is not one Portal issued (no order id); acknowledged");
    }
}
