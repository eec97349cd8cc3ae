namespace Portal.Domain.Accounts;

public static class PortalClaimTypes
{
    /// <summary>The id of the organization a customer works in now; absent for staff and for a person who is no member.</summary>
    public const string OrganizationId = "portal:org";

    /// <summary>One claim per role the customer holds in that organization (<see cref="Members.MemberRoles"/>).</summary>
    public const string MemberRole = "portal:member-role";

    /// <summary>
    /// Present (value <c>true</c>) when the account has two-factor authentication on, so that every sign-in with a
    /// password also needs a code. The staff policies require it.
    /// </summary>
    public const string TwoFactorEnabled = "portal:2fa";
}
