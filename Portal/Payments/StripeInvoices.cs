using Portal.Domain;
using Portal.Domain.Ordering;
using Stripe;

namespace Portal.Payments;

/// <summary>
/// Reads what Portal needs from a Stripe invoice, the same way for issuing it and for its webhook events. Since API
/// version 2025-03-31 an invoice names no payment intent or charge of its own: its payments are in <c>payments</c>.
/// </summary>
public static class StripeInvoices
{
    /// <summary>The name of the invoice's custom field that carries the customer's purchase-order number.</summary>
    public const string PurchaseOrderField = "PO number";

    /// <summary>The name of the invoice's custom field that carries the number of the quote the order came from.</summary>
    public const string QuoteField = "Quote";

    /// <summary>
    /// The order the invoice is for, from <c>metadata.order_id</c>; null for an invoice Portal did not issue (the receipt
    /// invoices Checkout creates for card payments, say).
    /// </summary>
    public static Guid? OrderId(Invoice invoice) =>
        invoice.Metadata is { } metadata && metadata.TryGetValue(StripeSessions.OrderIdKey, out var value) && Guid.TryParse(value, out var id)
            ? id
            : null;

    /// <summary>The invoice as the order records it; an invoice without a due date is due when issued.</summary>
    public static IssuedInvoice ToIssued(Invoice invoice) =>
        new(invoice.Id, invoice.Number, DueAt(invoice), invoice.HostedInvoiceUrl, invoice.InvoicePdf);

    /// <summary>The invoice total before tax Stripe added on top, to compare with the order total.</summary>
    public static Money Total(Invoice invoice) =>
        new(invoice.TotalExcludingTax ?? invoice.Total, (invoice.Currency ?? "").ToUpperInvariant());

    /// <summary>What was paid of the invoice, less tax Stripe added on top.</summary>
    public static Money AmountPaid(Invoice invoice)
    {
        var tax = invoice.Total - (invoice.TotalExcludingTax ?? invoice.Total);
        return new Money(invoice.AmountPaid - tax, (invoice.Currency ?? "").ToUpperInvariant());
    }

    /// <summary>
    /// The payment intent that paid the invoice, when the invoice carries its payments (a refund or dispute names it);
    /// null for an invoice paid outside Stripe or without its payments.
    /// </summary>
    public static string? PaymentIntentId(Invoice invoice) =>
        invoice.Payments?.Data?
            .Where(p => p.Status == StripeValues.InvoicePayment.Paid && p.Payment?.Type == StripeValues.InvoicePayment.PaymentIntentType)
            .Select(p => p.Payment.PaymentIntentId)
            .FirstOrDefault(id => !string.IsNullOrEmpty(id));

    /// <summary>The invoice paid: its order, the invoice, what was paid and with what, reported by <paramref name="reportedBy"/>.</summary>
    public static InvoicePaid ToPaid(Invoice invoice, Guid orderId, PaymentEvent? reportedBy) =>
        new(orderId, ToIssued(invoice), AmountPaid(invoice), PaymentIntentId(invoice), invoice.HostedInvoiceUrl, reportedBy);

    private static DateTimeOffset DueAt(Invoice invoice) =>
        new(DateTime.SpecifyKind(invoice.DueDate ?? invoice.Created, DateTimeKind.Utc));
}
