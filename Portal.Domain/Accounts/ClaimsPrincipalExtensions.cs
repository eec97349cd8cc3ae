using System.Security.Claims;
using Portal.Domain.Members;

namespace Portal.Domain.Accounts;

public static class ClaimsPrincipalExtensions
{
    /// <summary>The organization a signed-in customer works in now; null for staff and visitors.</summary>
    public static Guid? OrganizationId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(PortalClaimTypes.OrganizationId), out var id) ? id : null;

    /// <summary>The roles the customer holds in <see cref="OrganizationId"/>; none for anyone else.</summary>
    public static MemberRoles MemberRoles(this ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.FindAll(PortalClaimTypes.MemberRole)
            .Select(claim => MemberRolesExtensions.Parse(claim.Value) ?? Members.MemberRoles.None)
            .Aggregate(Members.MemberRoles.None, (all, role) => all | role);
    }

    /// <summary>Whether the customer's roles in their current organization allow what needs one of <paramref name="roles"/>.</summary>
    public static bool MayAct(this ClaimsPrincipal user, MemberRoles roles) =>
        user.OrganizationId() is not null && user.MemberRoles().Allow(roles);

    /// <summary>Whether the sign-in has a staff role (Sales, Support or Admin).</summary>
    public static bool IsStaff(this ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return Roles.Staff.Any(user.IsInRole);
    }
}
