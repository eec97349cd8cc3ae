namespace Portal.Components.Quotes;

/// <summary>The quotes' addresses, in one place for pages, links, endpoints and tests.</summary>
public static class QuotePaths
{
    /// <summary>The organization's quotes.</summary>
    public const string List = "/quotes";

    public static string Quote(Guid quoteId) => $"{List}/{quoteId}";

    /// <summary>The quote's PDF, for members of its organization.</summary>
    public static string Pdf(Guid quoteId) => $"{Quote(quoteId)}/pdf";

    /// <summary>The quote's PDF for staff, whatever the organization.</summary>
    public static string StaffPdf(Guid quoteId) => $"/staff/quotes/{quoteId}/pdf";
}
