using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Domain;

namespace Portal.Endpoints;

/// <summary>How every download leaves the portal: as an attachment, never cached on the way, never sniffed.</summary>
public static class Downloads
{
    /// <summary>Keys and evidence are secrets of the customer: no caching on the way, and never sniffed into something executable.</summary>
    public static void NoStoreNoSniff(HttpContext context)
    {
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.XContentTypeOptions = "nosniff";
    }

    /// <summary>A file the browser saves (Content-Disposition: attachment) instead of showing.</summary>
    public static FileContentHttpResult Attachment(HttpContext context, byte[] content, string contentType, string fileName)
    {
        NoStoreNoSniff(context);
        return TypedResults.File(content, contentType, fileName);
    }

    /// <summary>
    /// 403 with the domain's reason as text, for a member whose roles do not allow the download (or, for the checkout
    /// posts, the payment): a body of its own, so that the status code pages do not answer it with "page not found".
    /// </summary>
    public static ContentHttpResult Refused(DomainException refused)
    {
        ArgumentNullException.ThrowIfNull(refused);
        return TypedResults.Text(refused.Message, "text/plain; charset=utf-8", statusCode: StatusCodes.Status403Forbidden);
    }
}
