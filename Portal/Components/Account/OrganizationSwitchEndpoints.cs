using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.Members;

namespace Portal.Components.Account;

/// <summary>
/// Switching the organization a sign-in works in (the app bar's switcher), and making a sign-in anew when the person's
/// organization or member roles changed since it was made (an open page reloads through it, decision 0014). Both
/// re-issue the cookie, so that its claims come from the memberships as they are now (<see cref="PortalClaimsPrincipalFactory"/>).
/// </summary>
internal static class OrganizationSwitchEndpoints
{
    public const string SwitchPath = "/Account/SwitchOrganization";
    public const string RefreshPath = "/Account/RefreshSignIn";

    /// <summary>Where a page is left for after another organization was chosen, when it shows one object of the old one.</summary>
    public const string OrganizationStartPage = "/dashboard";

    /// <summary>The address that makes the sign-in anew and comes back to <paramref name="returnUrl"/>.</summary>
    public static string RefreshSignIn(string returnUrl) => $"{RefreshPath}?returnUrl={Uri.EscapeDataString(returnUrl)}";

    /// <summary>Maps the two endpoints into the <c>/Account</c> group.</summary>
    public static void MapOrganizationSwitch(this RouteGroupBuilder accountGroup)
    {
        // The form fields make the endpoint check the antiforgery token (400 without it), as for the sign-out.
        accountGroup.MapPost("/SwitchOrganization", SwitchAsync).RequireAuthorization();
        accountGroup.MapGet("/RefreshSignIn", RefreshAsync);
    }

    /// <summary>
    /// Makes <paramref name="organizationId"/> the organization the person works in and re-issues their sign-in; refused
    /// (access denied, nothing changed) unless they are a member of it.
    /// </summary>
    private static async Task<IResult> SwitchAsync(
        ClaimsPrincipal principal,
        [FromForm] Guid organizationId,
        [FromForm] string? returnUrl,
        [FromServices] UserManager<PortalUser> users,
        [FromServices] SignInManager<PortalUser> signIn,
        [FromServices] IDbContextFactory<PortalDbContext> dbFactory,
        CancellationToken cancellationToken)
    {
        var user = await users.GetUserAsync(principal);
        if (user is null)
            return TypedResults.Forbid();
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var memberships = await MembershipQueries.OrganizationsOfAsync(db, user.Id, cancellationToken);
            if (!memberships.Any(m => m.OrganizationId == organizationId))
                return TypedResults.Forbid();
        }

        user.ChooseOrganization(organizationId);
        var saved = await users.UpdateAsync(user);
        if (!saved.Succeeded)
            throw new InvalidOperationException($"The chosen organization of user {user.Id} could not be saved: {string.Join(" ", saved.Errors.Select(e => e.Description))}");
        await signIn.RefreshSignInAsync(user);
        return TypedResults.LocalRedirect(principal.OrganizationId() == organizationId ? LocalOrRoot(returnUrl) : InAnotherOrganization(returnUrl));
    }

    /// <summary>
    /// Re-issues a sign-in that still stands (its account exists, is not disabled, has the same security stamp), with
    /// the organization and roles the person has now, and goes back; one that does not stand is signed out and sent to
    /// sign in again, as a visitor is.
    /// </summary>
    private static async Task<IResult> RefreshAsync(
        HttpContext context,
        [FromQuery] string? returnUrl,
        [FromServices] UserManager<PortalUser> users,
        [FromServices] SignInManager<PortalUser> signIn,
        [FromServices] IOptions<IdentityOptions> identityOptions,
        [FromServices] IDbContextFactory<PortalDbContext> dbFactory)
    {
        var back = LocalOrRoot(returnUrl);
        var principal = context.User;
        if (principal.Identity?.IsAuthenticated != true)
            return SignInAgain(back);
        if (await IdentityRevalidatingAuthenticationStateProvider.StandingAccountAsync(users, identityOptions.Value.ClaimsIdentity, principal) is not { } user)
        {
            await signIn.SignOutAsync();
            return SignInAgain(back);
        }

        await signIn.RefreshSignInAsync(user);
        await using var db = await dbFactory.CreateDbContextAsync(context.RequestAborted);
        var current = await MembershipQueries.CurrentAsync(db, user.Id, user.ChosenOrganizationId, context.RequestAborted);
        return TypedResults.LocalRedirect(current?.OrganizationId == principal.OrganizationId() ? back : InAnotherOrganization(back));
    }

    private static RedirectHttpResult SignInAgain(string returnUrl) =>
        TypedResults.LocalRedirect($"/Account/Login?ReturnUrl={Uri.EscapeDataString(returnUrl)}");

    /// <summary>
    /// The page to show once the sign-in works in another organization: the one asked for, unless its address names one
    /// object (an id in it, as in /orders/{id}), which belongs to the organization left; then the organization's start page.
    /// </summary>
    internal static string InAnotherOrganization(string? returnUrl)
    {
        var local = LocalOrRoot(returnUrl);
        return local.Split(['/', '?', '&', '=']).Any(part => Guid.TryParse(part, out _)) ? OrganizationStartPage : local;
    }

    /// <summary>Only an address on this site (a path from its root, not "//host" or "/\host"); the start page otherwise.</summary>
    internal static string LocalOrRoot(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal) && !returnUrl.StartsWith("/\\", StringComparison.Ordinal)
            ? returnUrl
            : "/";
}
