using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Portal.Components.Account;

/// <summary>
/// A request for a staff page or endpoint from a staff member who has the role but not yet two-factor authentication
/// is sent to set up an authenticator app, rather than told "access denied". Every other outcome is the default.
/// </summary>
internal sealed class StaffTwoFactorSetupRedirect : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        var failed = authorizeResult.AuthorizationFailure?.FailedRequirements.ToList() ?? [];
        if (authorizeResult.Forbidden && failed.Count > 0 && failed.All(requirement => requirement is StaffTwoFactorRequirement))
        {
            context.Response.Redirect(context.Request.PathBase + StaffTwoFactorRequirement.SetupPath);
            return Task.CompletedTask;
        }
        return _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
