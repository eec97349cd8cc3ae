using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Portal.Domain.Accounts;

namespace Portal.Components.Account;

/// <summary>
/// Checks the sign-in of an open interactive circuit against the account every
/// <see cref="IdentityHosting.SecurityRevalidationIntervalSetting"/> (the cookie's security-stamp check uses the same
/// interval). A sign-in that no longer stands signs the circuit out: its pages show the sign-in page.
/// </summary>
internal sealed class IdentityRevalidatingAuthenticationStateProvider(
        ILoggerFactory loggerFactory,
        IServiceScopeFactory scopeFactory,
        IOptions<IdentityOptions> identityOptions,
        IOptions<SecurityStampValidatorOptions> stampOptions)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => stampOptions.Value.ValidationInterval;

    protected override async Task<bool> ValidateAuthenticationStateAsync(
        AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        // A new scope, so that the user manager reads the account as it is now.
        await using var scope = scopeFactory.CreateAsyncScope();
        var userManager = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        return await SignInStandsAsync(userManager, identityOptions.Value.ClaimsIdentity, authenticationState.User);
    }

    /// <summary>
    /// The sign-in still stands: the account exists, is not disabled, has the security stamp the sign-in was made with
    /// (any change of password, two-factor set-up or staff account changes it) and exactly the roles the sign-in carries.
    /// A temporary lockout after wrong passwords does not end sessions: anyone can cause one by guessing.
    /// </summary>
    internal static async Task<bool> SignInStandsAsync(UserManager<PortalUser> users, ClaimsIdentityOptions claimTypes, ClaimsPrincipal principal)
    {
        var user = await users.GetUserAsync(principal);
        if (user is null || StaffAccounts.IsDisabled(user))
            return false;
        if (users.SupportsUserSecurityStamp
            && principal.FindFirstValue(claimTypes.SecurityStampClaimType) != await users.GetSecurityStampAsync(user))
            return false;
        var roles = await users.GetRolesAsync(user);
        return roles.ToHashSet(StringComparer.Ordinal).SetEquals(principal.FindAll(claimTypes.RoleClaimType).Select(claim => claim.Value));
    }
}
