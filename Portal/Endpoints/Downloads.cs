using Microsoft.AspNetCore.Http.HttpResults;

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
}
