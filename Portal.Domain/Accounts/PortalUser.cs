using Microsoft.AspNetCore.Identity;

namespace Portal.Domain.Accounts;

/// <summary>
/// A person who signs in: a member of one or more customer organizations (<see cref="Members.Membership"/>), or staff.
/// </summary>
public sealed class PortalUser : IdentityUser
{
    /// <summary>
    /// The organization the person last chose to work in: the sign-in is scoped to it while they are a member of it
    /// (<see cref="PortalClaimsPrincipalFactory"/>).
    /// </summary>
    public Guid? ChosenOrganizationId { get; private set; }

    public void ChooseOrganization(Guid organizationId) => ChosenOrganizationId = organizationId;
}
