using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Portal.Domain.Data;
using Portal.Domain.Members;

namespace Portal.Domain.Accounts;

/// <summary>
/// Puts the organization the member works in now and their roles there into the sign-in, so that every page and
/// service scopes to it (<see cref="MembershipQueries.CurrentAsync"/>), and whether the account has two-factor
/// authentication on (the staff policies require it). Identity calls it at sign-in, when the sign-in is refreshed, and
/// every security revalidation interval, so membership changes reach the cookie within that interval.
/// </summary>
public sealed class PortalClaimsPrincipalFactory(
    UserManager<PortalUser> users,
    RoleManager<IdentityRole> roles,
    IOptions<IdentityOptions> options,
    PortalDbContext db)
    : UserClaimsPrincipalFactory<PortalUser, IdentityRole>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(PortalUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaims(await MemberClaimsAsync(db, user));
        if (user.TwoFactorEnabled)
            identity.AddClaim(new Claim(PortalClaimTypes.TwoFactorEnabled, "true"));
        return identity;
    }

    /// <summary>The organization and member-role claims the person's sign-in should carry now.</summary>
    public static async Task<IReadOnlyList<Claim>> MemberClaimsAsync(PortalDbContext db, PortalUser user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (await MembershipQueries.CurrentAsync(db, user.Id, user.ChosenOrganizationId, cancellationToken) is not { } current)
            return [];
        return
        [
            new Claim(PortalClaimTypes.OrganizationId, current.OrganizationId.ToString()),
            .. current.Roles.Split().Select(role => new Claim(PortalClaimTypes.MemberRole, role.ToString())),
        ];
    }
}
