using System.Text;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.WebUtilities;

namespace Portal.Components.Account;

/// <summary>The link to the page where the owner of a password reset token chooses a password.</summary>
public static class PasswordResetLink
{
    public static string For(NavigationManager navigation, string passwordResetToken)
    {
        ArgumentNullException.ThrowIfNull(navigation);
        var code = WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(passwordResetToken));
        return navigation.GetUriWithQueryParameters(
            navigation.ToAbsoluteUri("Account/ResetPassword").AbsoluteUri,
            new Dictionary<string, object?> { ["code"] = code });
    }
}
