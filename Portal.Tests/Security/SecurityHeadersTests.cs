using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Domain.Data;
using Portal.Tests.Integration;
using static Portal.Tests.Security.SecurityApps;

namespace Portal.Tests.Security;

/// <summary>
/// Issue 8 part 6 over HTTP: every kind of response (pages, static files, endpoints, error pages) carries the
/// Content-Security-Policy and the other security headers, in Development and in Production; HSTS and HTTPS redirection
/// outside Development; cookies Secure (outside Development), HttpOnly (all but the theme cookie) and SameSite; circuit
/// DetailedErrors off outside Development. One Development and one Production Portal are shared by the tests, which
/// change nothing in them.
/// </summary>
public sealed partial class SecurityHeadersTests(PortalApp development, ProductionApp production)
    : IClassFixture<PortalApp>, IClassFixture<ProductionApp>
{
    private const string StripeCheckout = "https://checkout.stripe.com";

    public static TheoryData<string, string, string, HttpStatusCode> Responses()
    {
        var data = new TheoryData<string, string, string, HttpStatusCode>();
        foreach (var environment in new[] { "Development", "Production" })
        {
            data.Add(environment, "GET", "/", HttpStatusCode.OK);
            data.Add(environment, "GET", "/Account/Login", HttpStatusCode.OK);
            data.Add(environment, "GET", "/Account/Register", HttpStatusCode.OK);
            data.Add(environment, "GET", "/no-such-page", HttpStatusCode.NotFound);
            data.Add(environment, "GET", "/brand/css/portal.css", HttpStatusCode.OK);
            data.Add(environment, "GET", "/brand/js/shell.js", HttpStatusCode.OK);
            data.Add(environment, "GET", "/.well-known/jwks.json", HttpStatusCode.OK);
            data.Add(environment, "GET", "/healthz", HttpStatusCode.OK);
            data.Add(environment, "GET", "/dashboard", HttpStatusCode.Redirect);
            data.Add(environment, "GET", "/Account/AccessDenied", HttpStatusCode.OK);
        }
        // Packages' static files come from the static web assets manifest, which a test host has in Development only
        // (a published Production app serves them from wwwroot like the portal's own files above).
        data.Add("Development", "GET", "/_content/MudBlazor/MudBlazor.min.css", HttpStatusCode.OK);
        data.Add("Development", "GET", "/_framework/blazor.web.js", HttpStatusCode.OK);
        // Development has no webhook secret without Stripe keys, so its webhook is "not configured".
        data.Add("Development", "POST", "/stripe/webhook", HttpStatusCode.ServiceUnavailable);
        data.Add("Production", "POST", "/stripe/webhook", HttpStatusCode.BadRequest);
        return data;
    }

    [Theory]
    [MemberData(nameof(Responses))]
    public async Task Every_kind_of_response_carries_the_security_headers(string environment, string method, string path, HttpStatusCode status)
    {
        using var client = Client(environment);
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");

        var response = await client.SendAsync(request);

        Assert.Equal(status, response.StatusCode);
        AssertPageContentSecurityPolicy(response, StripeCheckout);
        Assert.Equal("DENY", Single(response, "X-Frame-Options"));
        Assert.Equal("nosniff", Single(response, "X-Content-Type-Options"));
        Assert.Equal("strict-origin-when-cross-origin", Single(response, "Referrer-Policy"));
    }

    [Theory]
    [InlineData("Development", "/Account/Login")]
    [InlineData("Production", "/Account/Login")]
    [InlineData("Development", "/")]
    [InlineData("Production", "/")]
    public async Task Scripts_run_only_from_the_portal_and_the_one_inline_script_carries_this_responses_nonce(string environment, string path)
    {
        using var client = Client(environment);

        var first = await client.GetAsync(path);
        var second = await client.GetAsync(path);

        var scriptSrc = Directives(first)["script-src"];
        Assert.Equal(2, scriptSrc.Count);
        Assert.Equal("'self'", scriptSrc[0]);
        var nonce = NonceSource().Match(scriptSrc[1]);
        Assert.True(nonce.Success, $"script-src holds 'self' and a nonce, nothing else: {string.Join(' ', scriptSrc)}");
        Assert.NotEqual(scriptSrc[1], Directives(second)["script-src"][1]);

        var html = WebUtility.HtmlDecode(await first.Content.ReadAsStringAsync());
        var inline = ScriptTag().Matches(html).Where(tag => !tag.Value.Contains(" src=", StringComparison.Ordinal)).ToList();
        var importMap = Assert.Single(inline);
        Assert.Contains("type=\"importmap\"", importMap.Value);
        Assert.Contains($"nonce=\"{nonce.Groups[1].Value}\"", importMap.Value);
        Assert.Empty(EventHandlerAttribute().Matches(html));
    }

    [Fact]
    public async Task Form_action_allows_the_checkout_origin_of_the_configured_Stripe_API()
    {
        await using var app = new PortalAppFactory().With("Stripe:SecretKey", "sk_test_x").With("Stripe:WebhookSecret", "whsec_x")
            .With("Stripe:ApiBase", "http://127.0.0.1:45678/");
        using var client = SecurityApps.Client(app);

        var response = await client.GetAsync("/Account/Login");

        AssertPageContentSecurityPolicy(response, "http://127.0.0.1:45678");
    }

    [Fact]
    public async Task Outside_development_http_is_redirected_to_https_and_https_answers_carry_HSTS()
    {
        using var http = SecurityApps.Client(production.Factory, new Uri("http://portal.test.example"));
        using var https = Client("Production");

        var redirected = await http.GetAsync("/Account/Login?x=1");
        var secure = await https.GetAsync("/Account/Login");
        var staticFile = await https.GetAsync("/brand/css/portal.css");

        Assert.True(IsRedirectToHttps(redirected), $"{redirected.StatusCode} {redirected.Headers.Location}");
        Assert.Equal("https://portal.test.example/Account/Login?x=1", redirected.Headers.Location!.ToString());
        Assert.Equal($"max-age={(int)TimeSpan.FromDays(365).TotalSeconds}", Single(secure, "Strict-Transport-Security"));
        Assert.Equal($"max-age={(int)TimeSpan.FromDays(365).TotalSeconds}", Single(staticFile, "Strict-Transport-Security"));
    }

    [Fact]
    public async Task Development_serves_plain_http_without_HSTS()
    {
        using var client = Client("Development");

        var response = await client.GetAsync("/Account/Login");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task Outside_development_an_unexpected_error_shows_the_error_page_with_the_headers_and_no_details()
    {
        await using var app = SecurityApps.Production();
        using var client = SecurityApps.Client(app, Https);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            // The start page reads the catalog; without its table every visit fails inside the page.
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            await db.Database.ExecuteSqlRawAsync("ALTER TABLE Products RENAME TO ProductsGone");
        }

        var response = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("Something went wrong", html);
        Assert.DoesNotContain(nameof(SqliteException), html);
        Assert.DoesNotContain("ProductsGone", html);
        Assert.DoesNotContain("no such table", html);
        AssertPageContentSecurityPolicy(response, StripeCheckout);
        Assert.Equal("DENY", Single(response, "X-Frame-Options"));
        Assert.Equal("nosniff", Single(response, "X-Content-Type-Options"));
        Assert.Equal("strict-origin-when-cross-origin", Single(response, "Referrer-Policy"));
        Assert.True(response.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task Outside_development_every_cookie_is_secure_same_site_and_http_only_except_the_theme_which_script_writes()
    {
        var email = await NewCustomerAsync(production.Factory);
        using var client = Client("Production");

        var login = await client.GetAsync("/Account/Login");
        var html = await login.Content.ReadAsStringAsync();
        var theme = await client.PostAsync("/preferences/theme", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = AccountForms.AntiforgeryToken(html),
            ["mode"] = "dark",
            ["returnUrl"] = "/",
        }));
        var signIn = await AccountForms.SignInAsync(client, email, Password);

        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Superset(new HashSet<string> { "secure", "httponly", "samesite=strict" }, Attributes(Cookie(login, ".AspNetCore.Antiforgery.")));
        Assert.Superset(new HashSet<string> { "secure", "httponly", "samesite=lax" }, Attributes(Cookie(signIn, "portal.auth=")));
        Assert.Equal(HttpStatusCode.Redirect, theme.StatusCode);
        var themeCookie = Attributes(Cookie(theme, "portal-theme="));
        Assert.Superset(new HashSet<string> { "secure", "samesite=lax" }, themeCookie);
        Assert.DoesNotContain("httponly", themeCookie);
    }

    [Fact]
    public async Task Development_over_http_sets_cookies_without_secure_but_still_http_only_and_same_site()
    {
        using var client = Client("Development");

        var login = await client.GetAsync("/Account/Login");
        var signIn = await AccountForms.SignInAsync(client, DevelopmentData.CustomerEmail, DevelopmentData.DemoPassword);

        var antiforgery = Attributes(Cookie(login, ".AspNetCore.Antiforgery."));
        var auth = Attributes(Cookie(signIn, "portal.auth="));
        Assert.Superset(new HashSet<string> { "httponly", "samesite=strict" }, antiforgery);
        Assert.Superset(new HashSet<string> { "httponly", "samesite=lax" }, auth);
        Assert.DoesNotContain("secure", antiforgery);
        Assert.DoesNotContain("secure", auth);
    }

    [Fact]
    public async Task Circuit_errors_are_detailed_in_development_only_whatever_the_setting_says()
    {
        await using var production = SecurityApps.Production().With("DetailedErrors", "true");
        await using var development = new PortalAppFactory().With("DetailedErrors", "false");

        Assert.False(production.Services.GetRequiredService<IOptions<CircuitOptions>>().Value.DetailedErrors);
        Assert.True(development.Services.GetRequiredService<IOptions<CircuitOptions>>().Value.DetailedErrors);
    }

    /// <summary>Development is served over http (as `dotnet run` does), Production over https.</summary>
    private HttpClient Client(string environment) =>
        environment == "Development" ? SecurityApps.Client(development.Factory) : SecurityApps.Client(production.Factory, Https);

    private static void AssertPageContentSecurityPolicy(HttpResponseMessage response, string checkoutOrigin)
    {
        var directives = Directives(response);
        Assert.Equal(["'self'"], directives["default-src"]);
        Assert.Equal("'self'", directives["script-src"][0]);
        Assert.DoesNotContain(directives["script-src"], source => source is "'unsafe-inline'" or "'unsafe-eval'" or "*" or "data:");
        Assert.Equal(["'self'", "'unsafe-inline'"], directives["style-src"]);
        Assert.Equal(["'self'", "data:"], directives["img-src"]);
        Assert.Equal(["'self'"], directives["connect-src"]);
        Assert.Equal(["'none'"], directives["object-src"]);
        Assert.Equal(["'self'"], directives["base-uri"]);
        Assert.Equal(["'none'"], directives["frame-ancestors"]);
        Assert.Equal(["'self'", checkoutOrigin], directives["form-action"]);
    }

    private static Dictionary<string, List<string>> Directives(HttpResponseMessage response) =>
        Single(response, "Content-Security-Policy")
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(directive => directive.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToDictionary(parts => parts[0], parts => parts.Skip(1).ToList());

    /// <summary>The one value of a response header (a second header of the same name would be a second policy).</summary>
    private static string Single(HttpResponseMessage response, string header)
    {
        Assert.True(response.Headers.TryGetValues(header, out var values), $"{response.RequestMessage?.RequestUri} has no {header} header");
        return Assert.Single(values);
    }

    [GeneratedRegex("'nonce-([A-Za-z0-9+/=]{20,})'")]
    private static partial Regex NonceSource();

    [GeneratedRegex("<script\\b[^>]*>")]
    private static partial Regex ScriptTag();

    /// <summary>An inline event handler attribute (onclick=...): a CSP without 'unsafe-inline' blocks it.</summary>
    [GeneratedRegex("<[a-z]+\\b[^>]*\\s(on[a-z]+)=", RegexOptions.IgnoreCase)]
    private static partial Regex EventHandlerAttribute();
}
