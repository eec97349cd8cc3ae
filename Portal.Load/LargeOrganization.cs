using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.Licensing;

namespace Portal.Load;

/// <summary>
/// The demo customer's organization (Development data) grown to a large customer: licenses issued through
/// <see cref="LicensingService"/> as purchases are (a signed key and a history event each), a thousand per unit of work.
/// </summary>
public static partial class LargeOrganization
{
    public const string Email = DevelopmentData.CustomerEmail;
    public const string Password = DevelopmentData.DemoPassword;

    public static async Task GrowAsync(IServiceProvider services, int licenses)
    {
        var licensing = services.GetRequiredService<LicensingService>();
        var dbFactory = services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        int existing;
        await using (var db = await dbFactory.CreateDbContextAsync())
        {
            var organization = await db.Organizations.AsNoTracking().SingleAsync(o => o.Name == DevelopmentData.DemoOrganizationName);
            existing = await db.Licenses.CountAsync(l => l.OrganizationId == organization.Id);
        }
        const int batch = 1000;
        for (var issued = existing; issued < licenses; issued += batch)
        {
            await using var db = await dbFactory.CreateDbContextAsync();
            var organization = await db.Organizations.SingleAsync(o => o.Name == DevelopmentData.DemoOrganizationName);
            var product = await db.Products.Include(p => p.Packs).SingleAsync();
            var orderId = Guid.CreateVersion7();
            for (var i = issued; i < Math.Min(issued + batch, licenses); i++)
                licensing.IssuePurchased(db, organization, product, 5 + i % 4 * 5, orderId, Actor.Stripe);
            await db.SaveChangesAsync();
        }
    }

    /// <summary>
    /// Signs in through the real form (GET for the antiforgery token, POST with <c>_handler=login</c>); customers have no
    /// second factor. The client's cookie container then holds the authentication cookie.
    /// </summary>
    public static async Task SignInAsync(HttpClient client)
    {
        var page = await client.GetStringAsync("/Account/Login");
        var token = AntiforgeryField().Match(page);
        if (!token.Success)
            throw new InvalidOperationException("The sign-in page has no antiforgery token.");
        using var response = await client.PostAsync("/Account/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
            ["Input.Email"] = Email,
            ["Input.Password"] = Password,
        }));
        if (response.StatusCode != HttpStatusCode.Redirect || response.Headers.Location?.OriginalString.Contains("/Account/", StringComparison.OrdinalIgnoreCase) != false)
            throw new InvalidOperationException($"Signing in as {Email} failed: {(int)response.StatusCode} {response.Headers.Location}");
    }

    /// <summary>A client that keeps cookies and does not follow redirects (a redirect to the sign-in page is a failure).</summary>
    public static HttpClient NewClient(Uri baseAddress, CookieContainer cookies, int connections = 1) =>
        new(new SocketsHttpHandler { CookieContainer = cookies, UseCookies = true, AllowAutoRedirect = false, MaxConnectionsPerServer = connections })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
