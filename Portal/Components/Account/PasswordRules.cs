using Microsoft.AspNetCore.Identity;

namespace Portal.Components.Account;

/// <summary>The configured password rules in words, for the helper text under new-password fields.</summary>
internal static class PasswordRules
{
    /// <summary>The minimum length, which IdentityHosting gives Identity as <c>Password.RequiredLength</c> and the forms check first.</summary>
    public const int MinimumLength = 12;

    public const int MaximumLength = 100;

    public const string LengthMessage = "Your password must have at least {2} and at most {1} characters.";

    /// <summary>What <see cref="Portal.Domain.Accounts.CommonPasswordValidator"/> checks, in words.</summary>
    public const string CommonPasswordRule =
        "Any characters, but not a common or easily guessed password: a phrase of three or four unrelated words works well.";

    /// <summary>There are no rules about the kinds of characters (IdentityHosting turns them off), so only these two.</summary>
    public static string Describe(PasswordOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return $"At least {options.RequiredLength} characters. {CommonPasswordRule}";
    }
}
