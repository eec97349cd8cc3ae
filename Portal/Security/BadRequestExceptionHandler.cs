using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Diagnostics;

namespace Portal.Security;

/// <summary>
/// A request refused while it is read — a form posted with a missing or stale antiforgery token, a body over its limit —
/// answers with a 4xx status and a short text, outside Development too. Without this the exception handler would answer
/// 500 with the error page, and re-running such a POST against /Error fails on the same token.
/// </summary>
internal sealed class BadRequestExceptionHandler : IExceptionHandler
{
    public const string Message = "The request could not be read. Reload the page and try again.";

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        int status;
        if (httpContext.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: false })
            status = StatusCodes.Status400BadRequest;
        else if (exception is BadHttpRequestException refused)
            status = refused.StatusCode;
        else
            return false;
        httpContext.Response.StatusCode = status;
        httpContext.Response.ContentType = "text/plain; charset=utf-8";
        await httpContext.Response.WriteAsync(Message, cancellationToken);
        return true;
    }
}
