using Portal.Domain;
using Portal.Domain.Ordering;
using Stripe;

namespace Portal.Payments;

/// <summary>Reads what Portal needs from a Stripe invoice, the same way for issuing it and for its webhook events.</summary>
public static class StripeInvoices
{
    /// <summary>The name of the invoice's custom field that carries the customer's purchase-order number.</summary>
    public const string PurchaseOrderField = "PO number";

    /// <summary>The order the invoice is for, from <c>metadata.order_id</c>.</summary>
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

    private static DateTimeOffset DueAt(Invoice invoice) =>
        new(DateTime.SpecifyKind(invoice.DueDate ?? invoice.Created, DateTimeKind.Utc));
}
