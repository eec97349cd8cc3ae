using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Portal.Domain.Accounts;
using Portal.Domain.Data;

namespace Portal.Components.Account;

/// <summary>What the check of an open circuit's sign-in found.</summary>
internal enum SignInCheck
{
    /// <summary>The sign-in stands and carries the organization and member roles the person has now.</summary>
    Current,

    /// <summary>
    /// The sign-in stands, but the person's organization or member roles changed since it was made (a switch in another
    /// tab, a removal, other roles): the page reloads through <see cref="OrganizationSwitchEndpoints.RefreshPath"/>.
    /// </summary>
    Outdated,

    /// <summary>The sign-in no longer stands (<see cref="IdentityRevalidatingAuthenticationStateProvider.CheckAsync"/>): signed out.</summary>
    Ended,
}

/// <summary>
/// Checks the sign-in of an open interactive circuit against the account every
/// <see cref="IdentityHosting.SecurityRevalidationIntervalSetting"/> (the cookie's security-stamp check uses the same
/// interval). A sign-in that no longer stands signs the circuit out: its pages show the sign-in page. One whose
/// organization or member roles changed tells the page (<see cref="SignInChanges"/>), which reloads with a sign-in
/// made anew.
/// </summary>
internal sealed class IdentityRevalidatingAuthenticationStateProvider(
        ILoggerFactory loggerFactory,
        IServiceScopeFactory scopeFactory,
        IOptions<IdentityOptions> identityOptions,
        IOptions<SecurityStampValidatorOptions> stampOptions,
        SignInChanges signInChanges)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => stampOptions.Value.ValidationInterval;

    protected override async Task<bool> ValidateAuthenticationStateAsync(
        AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        // A new scope, so that the user manager reads the account as it is now.
        await using var scope = scopeFactory.CreateAsyncScope();
        var userManager = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var check = await CheckAsync(userManager, db, identityOptions.Value.ClaimsIdentity, authenticationState.User, cancellationToken);
        if (check == SignInCheck.Outdated)
            signInChanges.ReportOutdated();
        return check != SignInCheck.Ended;
    }

    /// <summary>
    /// Whether the sign-in still stands and, if so, whether it still carries the organization and member roles that
    /// <see cref="PortalClaimsPrincipalFactory.MemberClaimsAsync"/> gives the person now. It stands while the account
    /// exists, is not disabled, has the security stamp the sign-in was made with (any change of password, two-factor
    /// set-up or staff account changes it) and exactly the roles the sign-in carries. A temporary lockout after wrong
    /// passwords does not end sessions: anyone can cause one by guessing. Membership changes leave the security stamp
    /// alone (a consultant removed from one organization stays signed in to the others): they make the sign-in outdated.
    /// </summary>
    internal static async Task<SignInCheck> CheckAsync(
        UserManager<PortalUser> users, PortalDbContext db, ClaimsIdentityOptions claimTypes, ClaimsPrincipal principal, CancellationToken cancellationToken = default)
    {
        if (await StandingAccountAsync(users, claimTypes, principal) is not { } user)
            return SignInCheck.Ended;
        var roles = await users.GetRolesAsync(user);
        if (!roles.ToHashSet(StringComparer.Ordinal).SetEquals(principal.FindAll(claimTypes.RoleClaimType).Select(claim => claim.Value)))
            return SignInCheck.Ended;
        var now = await PortalClaimsPrincipalFactory.MemberClaimsAsync(db, user, cancellationToken);
        return MemberClaims(principal.Claims).SetEquals(MemberClaims(now)) ? SignInCheck.Current : SignInCheck.Outdated;
    }

    /// <summary>
    /// The account of the sign-in while the sign-in stands for it, whatever roles it carries: the account exists, is not
    /// disabled and has the security stamp the sign-in was made with. Null otherwise.
    /// </summary>
    internal static async Task<PortalUser?> StandingAccountAsync(UserManager<PortalUser> users, ClaimsIdentityOptions claimTypes, ClaimsPrincipal principal)
    {
        var user = await users.GetUserAsync(principal);
        if (user is null || StaffAccounts.IsDisabled(user))
            return null;
        if (users.SupportsUserSecurityStamp
            && principal.FindFirstValue(claimTypes.SecurityStampClaimType) != await users.GetSecurityStampAsync(user))
            return null;
        return user;
    }

    private static HashSet<(string Type, string Value)> MemberClaims(IEnumerable<Claim> claims) =>
        claims.Where(claim => claim.Type is PortalClaimTypes.OrganizationId or PortalClaimTypes.MemberRole)
            .Select(claim => (claim.Type, claim.Value))
            .ToHashSet();
}
