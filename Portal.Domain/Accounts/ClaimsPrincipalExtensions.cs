using System.Security.Claims;

namespace Portal.Domain.Accounts;

public static class ClaimsPrincipalExtensions
{
    /// <summary>The organization of a signed-in customer; null for staff and visitors.</summary>
    public static Guid? OrganizationId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(PortalClaimTypes.OrganizationId), out var id) ? id : null;

    /// <summary>Whether the sign-in has a staff role (Sales, Support or Admin).</summary>
    public static bool IsStaff(this ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return Roles.Staff.Any(user.IsInRole);
    }
}
