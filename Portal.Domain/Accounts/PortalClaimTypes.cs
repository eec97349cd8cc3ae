namespace Portal.Domain.Accounts;

public static class PortalClaimTypes
{
    /// <summary>The id of the organization a customer belongs to; absent for staff.</summary>
    public const string OrganizationId = "portal:org";

    /// <summary>
    /// Present (value <c>true</c>) when the account has two-factor authentication on, so that every sign-in with a
    /// password also needs a code. The staff policies require it.
    /// </summary>
    public const string TwoFactorEnabled = "portal:2fa";
}
