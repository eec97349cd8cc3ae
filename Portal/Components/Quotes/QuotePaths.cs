namespace Portal.Components.Quotes;

/// <summary>The customer's addresses of quotes, in one place for the pages, the menu and the PDF endpoint.</summary>
public static class QuotePaths
{
    public const string List = "/quotes";

    public static string Quote(Guid quoteId) => $"/quotes/{quoteId}";

    /// <summary><c>GET</c>: the quote as a PDF.</summary>
    public static string Pdf(Guid quoteId) => $"/quotes/{quoteId}/pdf";
}
