namespace Portal.Components.Account;

/// <summary>
/// The circuit's news about its own sign-in (one per circuit, scoped): the revalidation
/// (<see cref="IdentityRevalidatingAuthenticationStateProvider"/>) reports here that the person's organization or member
/// roles changed, and the layout (<see cref="Layout.FollowSignInChanges"/>) reloads the page with a sign-in made anew.
/// </summary>
public sealed class SignInChanges
{
    /// <summary>Raised on the revalidation's thread, not the circuit's: handlers dispatch to their component.</summary>
    public event Action? Outdated;

    public void ReportOutdated() => Outdated?.Invoke();
}
