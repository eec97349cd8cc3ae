using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Portal.Domain.Accounts;

namespace Portal.Components;

/// <summary>
/// The signed-in person as the domain's <see cref="Actor"/>: user id, email as the name, their portal roles, and the
/// organization they work in with their roles there.
/// </summary>
public static class CurrentActor
{
    public static Actor From(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var userId = user.FindFirstValue(ClaimTypes.NameIdentifier);
        if (string.IsNullOrEmpty(userId))
            throw new InvalidOperationException("No one is signed in: the user has no id claim.");
        var name = user.FindFirstValue(ClaimTypes.Email) ?? user.Identity?.Name ?? userId;
        var person = Actor.Person(userId, name, Roles.All.Where(user.IsInRole));
        return user.OrganizationId() is { } organizationId ? person.In(organizationId, user.MemberRoles()) : person;
    }

    /// <summary>For components: <c>await CurrentActor.FromAsync(AuthenticationState)</c> with the cascading parameter.</summary>
    public static async Task<Actor> FromAsync(Task<AuthenticationState> authenticationState)
    {
        ArgumentNullException.ThrowIfNull(authenticationState);
        return From((await authenticationState).User);
    }
}
