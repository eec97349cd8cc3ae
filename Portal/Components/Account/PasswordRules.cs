using Microsoft.AspNetCore.Identity;

namespace Portal.Components.Account;

/// <summary>The configured password rules in words, for the helper text under new-password fields.</summary>
internal static class PasswordRules
{
    /// <summary>The minimum length the forms check before Identity does; keep it equal to <c>Password.RequiredLength</c>.</summary>
    public const int MinimumLength = 10;

    public const int MaximumLength = 100;

    public const string LengthMessage = "Your password must have at least {2} and at most {1} characters.";

    public static string Describe(PasswordOptions options)
    {
        var kinds = new List<string>();
        if (options.RequireUppercase)
            kinds.Add("an upper-case letter");
        if (options.RequireLowercase)
            kinds.Add("a lower-case letter");
        if (options.RequireDigit)
            kinds.Add("a digit");
        if (options.RequireNonAlphanumeric)
            kinds.Add("a symbol");

        var text = $"At least {options.RequiredLength} characters";
        if (kinds.Count > 0)
            text += ", with " + (kinds.Count == 1 ? kinds[0] : string.Join(", ", kinds[..^1]) + " and " + kinds[^1]);
        return text + ".";
    }
}
