using Microsoft.AspNetCore.Components;
using Portal.Domain.Members;
using Portal.Payments;

namespace Portal.Components.Members;

/// <summary>
/// The link an invitation email carries: the accept page (<see cref="Path"/>) at the portal's public address
/// (<c>Portal:PublicBaseUrl</c>), or at the address the owner is using when that is not set.
/// </summary>
public static class InvitationLinks
{
    public const string Path = "/invitations";

    public static InvitationLink For(IConfiguration configuration, NavigationManager navigation)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(navigation);
        var configured = configuration[StripeSettings.PublicBaseUrlKey];
        var baseUrl = (string.IsNullOrWhiteSpace(configured) ? navigation.BaseUri : configured).TrimEnd('/');
        return token => new Uri($"{baseUrl}{Path}/{Uri.EscapeDataString(token)}");
    }
}
