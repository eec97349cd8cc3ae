using Portal.Domain.Quotes;

namespace Portal.Components.Staff;

/// <summary>The staff area's addresses, in one place for pages, links and tests.</summary>
public static class StaffPaths
{
    public const string Discounts = "/staff/discounts";
    public const string Extensions = "/staff/extensions";
    public const string Orders = "/staff/orders";
    public const string Quotes = "/staff/quotes";

    public static string DiscountCase(Guid applicationId) => $"{Discounts}/{applicationId}";

    public static string DiscountAttachment(Guid applicationId, Guid attachmentId) => $"{Discounts}/{applicationId}/attachments/{attachmentId}";

    public static string ExtensionCase(Guid requestId) => $"{Extensions}/{requestId}";

    public static string QuoteCase(Guid quoteId) => $"{Quotes}/{quoteId}";

    /// <summary>One view of the quote desk; the open quotes are its first.</summary>
    public static string QuoteView(QuoteQueue view) => view == QuoteQueue.OpenQuotes ? Quotes : $"{Quotes}?view={QuoteViewName(view)}";

    /// <summary>The view's name in the address, e.g. <c>overdue</c>.</summary>
    public static string QuoteViewName(QuoteQueue view) => view switch
    {
        QuoteQueue.AwaitingPayment => "awaiting-payment",
        QuoteQueue.OverdueInvoices => "overdue",
        _ => "open",
    };
}
