using Microsoft.AspNetCore.Identity;
using Portal.Domain.Organizations;

namespace Portal.Domain.Accounts;

/// <summary>A person who signs in: a member of one customer organization, or staff (no organization).</summary>
public sealed class PortalUser : IdentityUser
{
    public Guid? OrganizationId { get; private set; }
    public Organization? Organization { get; private set; }

    public void JoinOrganization(Organization organization)
    {
        if (OrganizationId is not null && OrganizationId != organization.Id)
            throw new DomainException("This account already belongs to another organization.");
        Organization = organization;
        OrganizationId = organization.Id;
    }
}
