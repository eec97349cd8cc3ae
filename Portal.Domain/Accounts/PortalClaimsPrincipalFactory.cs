using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Portal.Domain.Accounts;

/// <summary>
/// Puts the member's organization into the sign-in so that every page can scope data to it, and whether the account has
/// two-factor authentication on (the staff policies require it).
/// </summary>
public sealed class PortalClaimsPrincipalFactory(
    UserManager<PortalUser> users,
    RoleManager<IdentityRole> roles,
    IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<PortalUser, IdentityRole>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(PortalUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        if (user.OrganizationId is { } organizationId)
            identity.AddClaim(new Claim(PortalClaimTypes.OrganizationId, organizationId.ToString()));
        if (user.TwoFactorEnabled)
            identity.AddClaim(new Claim(PortalClaimTypes.TwoFactorEnabled, "true"));
        return identity;
    }
}
