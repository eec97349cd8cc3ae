using System.Net;
using System.Text.RegularExpressions;

namespace Portal.Tests.Integration;

/// <summary>Posting the statically rendered account forms over HTTP like a browser: antiforgery token, <c>_handler</c>, field names.</summary>
public static partial class AccountForms
{
    public static Task<HttpResponseMessage> SignInAsync(HttpClient client, string email, string password, string? returnUrl = null) =>
        PostFormAsync(client, returnUrl is null ? "/Account/Login" : $"/Account/Login?ReturnUrl={Uri.EscapeDataString(returnUrl)}", "login", new()
        {
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        });

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
