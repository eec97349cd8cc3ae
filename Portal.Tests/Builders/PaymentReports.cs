using Portal.Domain;
using Portal.Domain.Ordering;
using Portal.Domain.Quotes;

namespace Portal.Tests.Builders;

/// <summary>
/// What Stripe's webhook reports about an order, as the domain receives it (<see cref="PaymentEventService.HandleAsync"/>).
/// Each order has a checkout session and a payment of its own, so reports about several orders never mix.
/// </summary>
public static class PaymentReports
{
    public static string CheckoutSessionOf(Order order) => $"cs_test_{order.Id:N}";

    public static string PaymentIntentOf(Order order) => $"pi_test_{order.Id:N}";

    /// <summary>
    /// The order's checkout paid: its total in its currency unless <paramref name="amount"/> or <paramref name="currency"/>
    /// say otherwise; reported by the event <paramref name="eventId"/>, or by none (as the checkout return page reports).
    /// </summary>
    public static PaidCheckout Paid(Order order, long? amount = null, string? currency = null, string? eventId = null, string? receiptUrl = null) =>
        new(order.Id, CheckoutSessionOf(order), PaymentIntentOf(order),
            new Money(amount ?? order.Total.Minor, currency?.ToUpperInvariant() ?? order.Total.Currency),
            receiptUrl, eventId is null ? null : new PaymentEvent(eventId, "checkout.session.completed"));

    /// <summary>The order's payment refunded, in full unless <paramref name="fully"/> is false.</summary>
    public static PaymentRefunded Refunded(Order order, bool fully = true, string? eventId = null) =>
        new(PaymentIntentOf(order), fully, eventId is null ? null : new PaymentEvent(eventId, "charge.refunded"));

    /// <summary>The order's payment disputed with the card issuer.</summary>
    public static PaymentDisputed Disputed(Order order, string reason) => new(PaymentIntentOf(order), reason);

    /// <summary>The id of the invoice Stripe issues for the order (each invoice order has one of its own).</summary>
    public static string InvoiceOf(Order order) => $"in_test_{order.Id:N}";

    /// <summary>The order's invoice as Stripe issues it: numbered, due when the default payment terms end, with its pages.</summary>
    public static IssuedInvoice IssuedInvoiceOf(Order order, string? invoiceId = null)
    {
        var id = invoiceId ?? InvoiceOf(order);
        return new IssuedInvoice(id, $"KM-{order.Id.ToString("N")[..8].ToUpperInvariant()}",
            order.PlacedAt.AddDays(QuoteTerms.DefaultInvoiceDaysUntilDue), $"https://invoice.stripe.test/i/{id}", $"https://pay.stripe.test/invoice/{id}/pdf");
    }

    /// <summary>The order's invoice finalized and sent (<c>invoice.finalized</c>), for the order's total unless <paramref name="amount"/> says otherwise.</summary>
    public static InvoiceIssued InvoiceIssued(Order order, string? eventId = null, long? amount = null, string? invoiceId = null) =>
        new(order.Id, IssuedInvoiceOf(order, invoiceId), new Money(amount ?? order.Total.Minor, order.Total.Currency), Event(eventId, "invoice.finalized"));

    /// <summary>
    /// The order's invoice paid in full (<c>invoice.paid</c>): its total in its currency unless <paramref name="amount"/>
    /// or <paramref name="currency"/> say otherwise; another invoice than the order's when <paramref name="invoiceId"/> is given.
    /// </summary>
    public static InvoicePaid InvoicePaid(Order order, string? eventId = null, long? amount = null, string? currency = null, string? invoiceId = null) =>
        new(order.Id, IssuedInvoiceOf(order, invoiceId), new Money(amount ?? order.Total.Minor, currency?.ToUpperInvariant() ?? order.Total.Currency),
            PaymentIntentOf(order), ReportedBy: Event(eventId, "invoice.paid"));

    /// <summary>An attempt to pay the order's invoice failed (<c>invoice.payment_failed</c>).</summary>
    public static InvoicePaymentFailed InvoicePaymentFailed(Order order, string? eventId = null) =>
        new(order.Id, InvoiceOf(order), Event(eventId, "invoice.payment_failed"));

    /// <summary>The order's invoice is past due (<c>invoice.overdue</c>).</summary>
    public static InvoiceOverdue InvoiceOverdue(Order order, string? eventId = null) =>
        new(order.Id, InvoiceOf(order), Event(eventId, "invoice.overdue"));

    /// <summary>The order's invoice voided (<c>invoice.voided</c>) or, when <paramref name="uncollectible"/>, written off (<c>invoice.marked_uncollectible</c>).</summary>
    public static InvoiceCancelled InvoiceCancelled(Order order, bool uncollectible = false, string? eventId = null, string? invoiceId = null) =>
        new(order.Id, invoiceId ?? InvoiceOf(order), uncollectible, Event(eventId, uncollectible ? "invoice.marked_uncollectible" : "invoice.voided"));

    private static PaymentEvent? Event(string? id, string type) => id is null ? null : new PaymentEvent(id, type);
}
