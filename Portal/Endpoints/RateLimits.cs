using System.Threading.RateLimiting;
using Portal.Components.Members;
using Portal.Components.Usage;
using Portal.Payments;

namespace Portal.Endpoints;

/// <summary>
/// Per client address and minute, answered with 429 and <c>Retry-After</c> when exceeded. Account form posts (sign-in,
/// two-factor codes, registration, password reset, confirmation emails, accepting an invitation) share
/// <c>Portal:AccountPostsPerMinute</c> (default 20), which slows down password guessing, sign-up spam and trying
/// invitation links; lockout after failed passwords protects each account as well. Stripe's webhook deliveries have their own, generous budget, <c>Portal:WebhookPostsPerMinute</c>
/// (default 600): Stripe sends bursts from a few addresses, and a refused delivery is only retried later. Installations
/// posting usage reports (<c>POST /api/usage</c>) have <c>Portal:UsagePostsPerMinute</c> (default 10): an installation
/// reports a few times a day at most, and the budget slows down guessing installation tokens.
/// </summary>
public static class RateLimits
{
    public const string AccountPostsSetting = "Portal:AccountPostsPerMinute";
    public const string WebhookPostsSetting = "Portal:WebhookPostsPerMinute";
    public const string UsagePostsSetting = "Portal:UsagePostsPerMinute";

    private static readonly string[] AccountPaths =
    [
        "/Account/Login", "/Account/LoginWith2fa", "/Account/LoginWithRecoveryCode", "/Account/Register",
        "/Account/ForgotPassword", "/Account/ResendEmailConfirmation", "/Account/ResetPassword",
    ];

    public static WebApplicationBuilder AddPortalRateLimits(this WebApplicationBuilder builder)
    {
        var accountPostsPerMinute = PositiveSetting(builder.Configuration, AccountPostsSetting, 20);
        var webhookPostsPerMinute = PositiveSetting(builder.Configuration, WebhookPostsSetting, 600);
        var usagePostsPerMinute = PositiveSetting(builder.Configuration, UsagePostsSetting, 10);
        builder.Services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = async (context, cancellationToken) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "60";
                var request = context.HttpContext.Request;
                await context.HttpContext.Response.WriteAsync(
                    IsWebhook(request) ? "Too many webhook deliveries from this address; deliver again in a minute."
                    : IsUsagePost(request) ? "Too many usage reports from this address; post again in a minute."
                    : "Too many attempts from your network. Please wait a minute and try again.",
                    cancellationToken);
            };
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                var client = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
                if (IsAccountPost(context.Request))
                    return PerMinute("account " + client, accountPostsPerMinute);
                if (IsWebhook(context.Request))
                    return PerMinute("webhook " + client, webhookPostsPerMinute);
                if (IsUsagePost(context.Request))
                    return PerMinute("usage " + client, usagePostsPerMinute);
                return RateLimitPartition.GetNoLimiter("");
            });
        });
        return builder;
    }

    private static RateLimitPartition<string> PerMinute(string key, int permits) =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromMinutes(1) });

    private static int PositiveSetting(IConfiguration configuration, string key, int defaultValue)
    {
        var value = configuration.GetValue(key, defaultValue);
        return value > 0 ? value : throw new InvalidOperationException($"{key} must be at least 1 (requests per client address and minute); it is {value}.");
    }

    private static bool IsAccountPost(HttpRequest request) =>
        HttpMethods.IsPost(request.Method)
        && (AccountPaths.Any(path => request.Path.Equals(path, StringComparison.OrdinalIgnoreCase))
            || request.Path.StartsWithSegments(InvitationLinks.Path, StringComparison.OrdinalIgnoreCase));

    private static bool IsWebhook(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) && request.Path.Equals(CheckoutPaths.Webhook, StringComparison.OrdinalIgnoreCase);

    private static bool IsUsagePost(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) && request.Path.Equals(UsagePaths.Api, StringComparison.OrdinalIgnoreCase);
}
