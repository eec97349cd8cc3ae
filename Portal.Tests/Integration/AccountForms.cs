using System.Net;
using System.Text.RegularExpressions;
using OtpNet;
using Portal.Domain.Data;

namespace Portal.Tests.Integration;

/// <summary>Posting the statically rendered account forms over HTTP like a browser: antiforgery token, <c>_handler</c>, field names.</summary>
public static partial class AccountForms
{
    /// <summary>
    /// Signs in like a person: email and password, then, when Portal asks for it (staff), the current code of the
    /// authenticator app holding <paramref name="authenticatorKey"/> (by default the demo staff's key). Returns the last
    /// response: a redirect with the auth cookie when the sign-in worked.
    /// </summary>
    public static async Task<HttpResponseMessage> SignInAsync(
        HttpClient client, string email, string password, string? returnUrl = null, string authenticatorKey = DevelopmentData.DemoAuthenticatorKey)
    {
        var response = await SubmitPasswordAsync(client, email, password, returnUrl);
        return IsRedirectTo(response, "/Account/LoginWith2fa")
            ? await SubmitAuthenticatorCodeAsync(client, response.Headers.Location!.OriginalString, AuthenticatorCode(authenticatorKey))
            : response;
    }

    /// <summary>Only the first step of signing in: the email and password form.</summary>
    public static Task<HttpResponseMessage> SubmitPasswordAsync(HttpClient client, string email, string password, string? returnUrl = null) =>
        PostFormAsync(client, returnUrl is null ? "/Account/Login" : $"/Account/Login?ReturnUrl={Uri.EscapeDataString(returnUrl)}", "login", new()
        {
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        });

    /// <summary>The second step, on the two-factor page Portal redirected to (its address carries the return URL).</summary>
    public static Task<HttpResponseMessage> SubmitAuthenticatorCodeAsync(HttpClient client, string twoFactorPage, string code) =>
        PostFormAsync(client, twoFactorPage, "login-with-2fa", new() { ["Input.TwoFactorCode"] = code });

    /// <summary>The code an authenticator app shows now for this base32 key (RFC 6238: SHA-1, 6 digits, 30 seconds).</summary>
    public static string AuthenticatorCode(string base32Key) => new Totp(Base32Encoding.ToBytes(base32Key)).ComputeTotp();

    public static bool IsRedirectTo(HttpResponseMessage response, string path) =>
        response.StatusCode == HttpStatusCode.Redirect
        && response.Headers.Location is { } location
        && (location.IsAbsoluteUri ? location.AbsolutePath : location.OriginalString.Split('?')[0])
            .EndsWith(path, StringComparison.OrdinalIgnoreCase);

    /// <summary>GETs the page, checks that it has the form and every field, and posts it back like a browser.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string path, string formName, Dictionary<string, string> fields)
    {
        var page = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();

        Assert.Contains($"name=\"_handler\" value=\"{formName}\"", html);
        foreach (var name in fields.Keys)
            Assert.Contains($"name=\"{name}\"", html);

        var form = new Dictionary<string, string>(fields)
        {
            ["_handler"] = formName,
            ["__RequestVerificationToken"] = AntiforgeryToken(html),
        };
        return await client.PostAsync(path, new FormUrlEncodedContent(form));
    }

    public static string AntiforgeryToken(string html)
    {
        var token = AntiforgeryTokenField().Match(html);
        Assert.True(token.Success, "the page has no antiforgery token");
        return WebUtility.HtmlDecode(token.Groups[1].Value);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryTokenField();
}
