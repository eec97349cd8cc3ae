using Portal.Components.Licensing;
using Portal.Domain.Ordering;
using Portal.Domain.Quotes;

namespace Portal.Components.Staff.Quotes;

/// <summary>How the quote desk words its views, invoices and quotes, the same on every page that shows them.</summary>
public static class QuoteDeskText
{
    public static string ViewTitle(QuoteQueue view) => view switch
    {
        QuoteQueue.AwaitingPayment => "Awaiting payment",
        QuoteQueue.OverdueInvoices => "Overdue invoices",
        _ => "Open quotes",
    };

    /// <summary>Where an order's invoice stands; an order paid at checkout has none.</summary>
    public static string Invoice(InvoiceStatus? status) => status switch
    {
        null => "Not issued yet",
        InvoiceStatus.Open => "Open",
        InvoiceStatus.PaymentFailed => "A payment failed; still open",
        InvoiceStatus.Paid => "Paid",
        InvoiceStatus.Void => "Voided",
        InvoiceStatus.Uncollectible => "Marked uncollectible",
        _ => status.ToString()!,
    };

    /// <summary>E.g. "12 days overdue" or "due today"; whole days after the due date.</summary>
    public static string Overdue(DateTimeOffset dueAt, DateTimeOffset now)
    {
        var days = (int)Math.Floor((now - dueAt).TotalDays);
        return days < 1 ? $"due {LicenseText.Date(dueAt)}" : $"{"day".ToQuantity(days)} overdue";
    }
}
