namespace Portal.Domain.Accounts;

public static class PortalClaimTypes
{
    /// <summary>The id of the organization a customer belongs to; absent for staff.</summary>
    public const string OrganizationId = "portal:org";
}
