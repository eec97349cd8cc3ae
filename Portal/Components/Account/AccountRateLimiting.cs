using System.Threading.RateLimiting;

namespace Portal.Components.Account;

/// <summary>
/// Slows down password guessing and sign-up spam: form posts to the account pages are limited per client address
/// (<c>Portal:AccountPostsPerMinute</c>, default 20). Lockout after failed passwords protects each account as well.
/// </summary>
public static class AccountRateLimiting
{
    private static readonly string[] LimitedPaths =
    [
        "/Account/Login", "/Account/LoginWith2fa", "/Account/LoginWithRecoveryCode", "/Account/Register",
        "/Account/ForgotPassword", "/Account/ResendEmailConfirmation", "/Account/ResetPassword",
    ];

    public static IServiceCollection AddAccountRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        var permitsPerMinute = configuration.GetValue("Portal:AccountPostsPerMinute", 20);
        return services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = async (context, cancellationToken) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "60";
                await context.HttpContext.Response.WriteAsync(
                    "Too many attempts from your network. Please wait a minute and try again.", cancellationToken);
            };
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                IsLimited(context.Request)
                    ? RateLimitPartition.GetFixedWindowLimiter(
                        context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                        _ => new FixedWindowRateLimiterOptions { PermitLimit = permitsPerMinute, Window = TimeSpan.FromMinutes(1) })
                    : RateLimitPartition.GetNoLimiter(""));
        });
    }

    private static bool IsLimited(HttpRequest request) =>
        HttpMethods.IsPost(request.Method)
        && LimitedPaths.Any(path => request.Path.Equals(path, StringComparison.OrdinalIgnoreCase));
}
