using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Portal.Domain.Accounts;

namespace Portal.Components.Account;

/// <summary>
/// Staff work only with two-factor authentication on their account, in every environment: the sign-in must carry
/// <see cref="PortalClaimTypes.TwoFactorEnabled"/>. A staff member without it is sent to set up an authenticator app
/// (<see cref="StaffTwoFactorSetupRedirect"/>, and <c>Routes.razor</c> inside a circuit) instead of being denied.
/// </summary>
public sealed class StaffTwoFactorRequirement : AuthorizationHandler<StaffTwoFactorRequirement>, IAuthorizationRequirement
{
    public static readonly StaffTwoFactorRequirement Instance = new();

    /// <summary>Where a staff member sets up their authenticator app.</summary>
    public const string SetupPath = "/Account/Manage/EnableAuthenticator";

    private StaffTwoFactorRequirement()
    {
    }

    /// <summary>A staff member whose sign-in lacks two-factor authentication: they must set it up first.</summary>
    public static bool IsMissingFor(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.IsStaff() && !HasTwoFactor(user);
    }

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, StaffTwoFactorRequirement requirement)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (HasTwoFactor(context.User))
            context.Succeed(requirement);
        return Task.CompletedTask;
    }

    private static bool HasTwoFactor(ClaimsPrincipal user) => user.HasClaim(PortalClaimTypes.TwoFactorEnabled, "true");
}
