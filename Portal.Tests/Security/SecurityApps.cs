using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Portal.Tests.Builders;
using Portal.Tests.Integration;
using Portal.Tests.Keys;

namespace Portal.Tests.Security;

/// <summary>How the security tests start Portal: Production with the settings it requires, and clients over https.</summary>
public static class SecurityApps
{
    /// <summary>The portal's address in Production tests: https, a host that is not localhost (HSTS skips localhost).</summary>
    public static readonly Uri Https = new("https://portal.test.example");

    public const string Password = "Security-Tests-Pass-2026!";

    /// <summary>Production with every setting it refuses to start without (SMTP host, Stripe keys, signing key).</summary>
    public static PortalAppFactory Production() =>
        new PortalAppFactory("Production")
            .With("Smtp:Host", "127.0.0.1")
            .With("Stripe:SecretKey", "sk_test_x")
            .With("Stripe:WebhookSecret", "whsec_x")
            .With("LicenseKeys:SigningKeyPem", TestSigningKeys.Pem)
            .With("LicenseKeys:KeyId", TestSigningKeys.KeyId)
            .With("Portal:AccountPostsPerMinute", "1000");

    /// <summary>A browser-like client: cookies kept, redirects not followed.</summary>
    public static HttpClient Client(WebApplicationFactory<Program> app, Uri? baseAddress = null) =>
        app.CreateClient(new WebApplicationFactoryClientOptions
        {
            AllowAutoRedirect = false,
            BaseAddress = baseAddress ?? new Uri("http://localhost"),
        });

    /// <summary>A confirmed customer of a new organization, made directly (Production has no demo accounts).</summary>
    public static async Task<string> NewCustomerAsync(WebApplicationFactory<Program> app)
    {
        var email = $"customer-{Guid.NewGuid():N}@security.example";
        await CustomerAccounts.CreateAsync(app.Services, $"Security Test {Guid.NewGuid():N}"[..30], email, Password);
        return email;
    }

    /// <summary>The response's Set-Cookie headers.</summary>
    public static IReadOnlyList<string> SetCookies(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) ? values.ToList() : [];

    /// <summary>The one Set-Cookie header of the cookie named <paramref name="name"/> (or starting with it).</summary>
    public static string Cookie(HttpResponseMessage response, string name)
    {
        var cookies = SetCookies(response).Where(c => c.StartsWith(name, StringComparison.Ordinal)).ToList();
        Assert.True(cookies.Count == 1, $"expected one cookie {name}; the response set: {string.Join(" | ", SetCookies(response))}");
        return cookies[0];
    }

    /// <summary>The attributes of a Set-Cookie header, lower case, without the name and value.</summary>
    public static HashSet<string> Attributes(string setCookie) =>
        setCookie.Split(';').Skip(1).Select(a => a.Trim().ToLowerInvariant()).ToHashSet();

    public static bool IsRedirectToHttps(HttpResponseMessage response) =>
        response.StatusCode is HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect or HttpStatusCode.Redirect
        && response.Headers.Location is { IsAbsoluteUri: true, Scheme: "https" };
}

/// <summary>
/// A running <see cref="SecurityApps.Production"/> as a fixture, served as deployed behind https: Kestrel serving https
/// would tell the HTTPS redirection its port; the test server has none, so it is configured.
/// </summary>
public sealed class ProductionApp() : PortalApp(SecurityApps.Production().With("https_port", "443"));
