using Microsoft.AspNetCore.Identity;

namespace Portal.Domain.Accounts;

/// <summary>
/// Refuses passwords that are common or easy to guess, whatever characters they are made of: Portal has no rules about
/// digits, cases or symbols, only a minimum length (Identity's <c>RequiredLength</c>) and this check. zxcvbn (a port of
/// Dropbox's estimator) counts the guesses an attacker needs when trying its lists of common passwords, English words,
/// names and film titles (also in l33t spelling), keyboard patterns, sequences, repeats and dates, and the person's own
/// email address and the portal's names; a password with a score below <see cref="MinimumScore"/> of 4 is refused.
/// </summary>
public sealed class CommonPasswordValidator : IPasswordValidator<PortalUser>
{
    public const string ErrorCode = "PasswordTooCommon";

    public const string Message =
        "This password is too common or too easy to guess: it is, or is built from, a password or word attackers try " +
        "first (or your email address). Try a phrase of three or four unrelated words.";

    /// <summary>zxcvbn's "safely unguessable" score: about 10^8 guesses or more.</summary>
    public const int MinimumScore = 3;

    /// <summary>zxcvbn slows down on very long input; a longer password is judged by its first characters.</summary>
    private const int LongestChecked = 100;

    private static readonly string[] PortalWords = ["portal", "keymetric", "key metric", "officestatus", "office status"];

    public Task<IdentityResult> ValidateAsync(UserManager<PortalUser> manager, PortalUser user, string? password)
    {
        ArgumentNullException.ThrowIfNull(user);
        // An empty password is the length rule's to refuse.
        if (string.IsNullOrEmpty(password))
            return Task.FromResult(IdentityResult.Success);

        return Task.FromResult(IsTooEasyToGuess(password, PersonalWords(user))
            ? IdentityResult.Failed(new IdentityError { Code = ErrorCode, Description = Message })
            : IdentityResult.Success);
    }

    /// <summary>Whether zxcvbn scores the password below <see cref="MinimumScore"/>, given words an attacker would know.</summary>
    public static bool IsTooEasyToGuess(string password, IEnumerable<string> knownWords)
    {
        ArgumentNullException.ThrowIfNull(password);
        var judged = password.Length > LongestChecked ? password[..LongestChecked] : password;
        var result = new Zxcvbn.Zxcvbn().EvaluatePassword(judged, PortalWords.Concat(knownWords));
        return result.Score < MinimumScore;
    }

    /// <summary>The person's email address, its name part and its domain's names: the first things a targeted guess tries.</summary>
    private static IEnumerable<string> PersonalWords(PortalUser user)
    {
        foreach (var address in new[] { user.Email, user.UserName }.OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase))
        {
            yield return address;
            foreach (var part in address.Split(['@', '.', '-', '_', '+'], StringSplitOptions.RemoveEmptyEntries))
            {
                if (part.Length >= 3)
                    yield return part;
            }
        }
    }
}
