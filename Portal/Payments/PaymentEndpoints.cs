using Portal.Components.Account;
using Portal.Domain;
using Portal.Endpoints;

namespace Portal.Payments;

/// <summary>
/// The payment endpoints: the Stripe webhook, starting a checkout, and the payments of the Development test checkout and
/// test invoice.
/// </summary>
public static class PaymentEndpoints
{
    public static WebApplication MapPayments(this WebApplication app)
    {
        // Stripe signs its requests; there is no cookie or antiforgery token, and the body must stay raw.
        app.MapPost(CheckoutPaths.Webhook, (HttpRequest request, StripeWebhook webhook, CancellationToken cancellationToken) =>
                webhook.HandleAsync(request, cancellationToken))
            .AllowAnonymous()
            .DisableAntiforgery()
            .WithName("StripeWebhook");

        // A form post (binding the form makes the antiforgery token required): the browser names only the order.
        var checkout = app.MapGroup("/checkout").RequireAuthorization(Policies.Customer);
        checkout.MapPost("/{orderId:guid}", async (Guid orderId, IFormCollection form, HttpContext context, StripeCheckout stripe, CancellationToken cancellationToken) =>
            {
                CheckoutStart start;
                try
                {
                    start = await stripe.StartAsync(orderId, context.User, PortalBaseUri(context.Request), cancellationToken);
                }
                catch (DomainException refused)
                {
                    return Downloads.Refused(refused);
                }
                return start.Status == CheckoutStartStatus.NotFound || start.RedirectUrl is null
                    ? Results.NotFound()
                    : SeeOther(start.RedirectUrl);
            })
            .WithName("StartCheckout");

        checkout.MapPost("/test/{orderId:guid}/pay", async (Guid orderId, IFormCollection form, HttpContext context, TestCheckout test, CancellationToken cancellationToken) =>
            {
                try
                {
                    return await test.PayAsync(context.User, orderId, cancellationToken) is null
                        ? Results.NotFound()
                        : SeeOther(CheckoutPaths.ReturnForOrder(orderId));
                }
                catch (DomainException refused)
                {
                    return Downloads.Refused(refused);
                }
            })
            .WithName("PayTestCheckout");

        checkout.MapPost("/test-invoice/{orderId:guid}/pay", async (Guid orderId, IFormCollection form, HttpContext context, InvoicePayments invoices, CancellationToken cancellationToken) =>
            {
                try
                {
                    return await invoices.PayTestInvoiceAsync(context.User, orderId, cancellationToken) is null
                        ? Results.NotFound()
                        : SeeOther(CheckoutPaths.OrderDetail(orderId));
                }
                catch (DomainException refused)
                {
                    return Downloads.Refused(refused);
                }
            })
            .WithName("PayTestInvoice");
        return app;
    }

    private static Uri PortalBaseUri(HttpRequest request) => new($"{request.Scheme}://{request.Host}{request.PathBase}/");

    /// <summary>303: the browser follows a form post with a GET.</summary>
    private static IResult SeeOther(string url) => new SeeOtherResult(url);

    private sealed class SeeOtherResult(string url) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status303SeeOther;
            httpContext.Response.Headers.Location = url;
            return Task.CompletedTask;
        }
    }
}
