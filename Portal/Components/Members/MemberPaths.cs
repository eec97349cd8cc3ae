namespace Portal.Components.Members;

/// <summary>The members page, and the way back to it (or elsewhere) through a refreshed sign-in.</summary>
public static class MemberPaths
{
    public const string Members = "/organization/members";

    /// <summary>
    /// The address that re-issues the sign-in from the database, then opens <paramref name="returnPath"/> (a local path):
    /// the sign-in carries the current organization and the member's roles there, so it must follow when a person leaves
    /// or changes their own roles.
    /// </summary>
    public static string RefreshedSignIn(string returnPath) => Account.OrganizationSwitchEndpoints.RefreshSignIn(returnPath);
}
