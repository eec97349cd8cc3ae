using System.Globalization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.Organizations;
using Portal.Payments;
using Portal.Tests.Fakes;
using Portal.Tests.Fakes.Stripe;
using Portal.Tests.Integration;

namespace Portal.Tests.Browser;

/// <summary>
/// All browser tests share one app and one Chromium, and run one after another: a collection is never run in parallel
/// with itself.
/// </summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}

/// <summary>A customer account the test made, in an organization of its own.</summary>
public sealed record JourneyCustomer(Guid OrganizationId, string OrganizationName, string UserId, string Email)
{
    public const string Password = "Journey-Pass-2026!";

    public Actor Actor => Actor.Person(UserId, Email, Roles.Customer);
}

/// <summary>
/// The real Portal (Development, demo data, fresh SQLite database) on a loopback port, paying through the fake Stripe
/// (its hosted checkout page and signed webhooks) and sending its email to a real SMTP server in the test process; and
/// Debian's Chromium driven headless by Playwright. Each test asks for its own <see cref="BrowserSession"/>: a fresh
/// browser context, so no cookies (sign-in, theme) leak from one test to another.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>Overrides where Chromium is found.</summary>
    public const string ChromiumVariable = "PORTAL_CHROMIUM";

    private const string DefaultChromium = "/usr/bin/chromium";

    // Debian's Chromium in a container: no sandbox (root), no GPU, and nothing that phones home while a test runs.
    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ];

    private PortalAppFactory? _app;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public Uri BaseAddress { get; private set; } = default!;
    public FakeStripe Stripe { get; private set; } = default!;
    public SmtpTestServer Smtp { get; private set; } = default!;

    /// <summary>The running app's services, to set up a story's starting point through the domain services.</summary>
    public IServiceProvider Services => (_app ?? throw new InvalidOperationException("The browser fixture is not initialized.")).Services;

    public static string ChromiumPath =>
        Environment.GetEnvironmentVariable(ChromiumVariable) is { Length: > 0 } path ? path : DefaultChromium;

    public async Task InitializeAsync()
    {
        var chromium = ChromiumPath;
        if (!File.Exists(chromium))
        {
            throw new InvalidOperationException(
                $"Chromium was not found at '{chromium}', so the browser tests cannot run. Run ./test.sh from the " +
                $"repository root (it installs Debian's chromium package), or set {ChromiumVariable} to a Chromium " +
                "executable. Playwright's own browser download does not work on this network.");
        }

        Stripe = await FakeStripe.StartAsync();
        Smtp = new SmtpTestServer();
        var app = _app = new PortalAppFactory()
            .With("Stripe:SecretKey", FakeStripe.SecretKey)
            .With("Stripe:WebhookSecret", FakeStripe.WebhookSecret)
            .With("Stripe:ApiBase", Stripe.BaseUrl)
            .With("Smtp:Host", "127.0.0.1")
            .With("Smtp:Port", Smtp.Port.ToString(CultureInfo.InvariantCulture))
            .With("Smtp:Security", "None")
            .With("Outbox:PollInterval", "00:00:00.200")
            .With("Portal:AccountPostsPerMinute", "100000");

        // Lists load once the page is interactive; on a busy 2-core machine that can take longer than Playwright's 5 s.
        Assertions.SetDefaultExpectTimeout(15_000);

        // Start the app while the browser launches; both take a moment.
        var server = Task.Run(app.StartOnLoopback);
        try
        {
            _playwright = await Playwright.CreateAsync();
            _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = chromium,
                Headless = true,
                Args = ChromiumArgs,
            });
        }
        finally
        {
            // Even if Chromium fails to start, let the server finish starting so that DisposeAsync stops it cleanly.
            await Task.WhenAny(server);
        }
        var address = await server;
        Stripe.WebhookUrl = new Uri(address, CheckoutPaths.Webhook);
        // The browser uses the name "localhost", as a person trying the portal on their machine does: passkeys (WebAuthn)
        // refuse an IP address as their domain, and the sign-in page's passkey script would report that as an error.
        BaseAddress = new UriBuilder(address) { Host = "localhost" }.Uri;
    }

    /// <summary>A new organization with one confirmed customer account (password <see cref="JourneyCustomer.Password"/>).</summary>
    public async Task<JourneyCustomer> NewCustomerAsync(string organizationName, OrganizationKind kind = OrganizationKind.Commercial)
    {
        await using var scope = Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        // Each fixture has its own database, and each story its own organization name, so the address is unique.
        var email = $"it@{new string(organizationName.Where(char.IsAsciiLetterOrDigit).ToArray()).ToLowerInvariant()}.example";
        var db = services.GetRequiredService<PortalDbContext>();
        var organization = Organization.Register(organizationName, kind, "GB", email, services.GetRequiredService<TimeProvider>().GetUtcNow());
        db.Organizations.Add(organization);
        await db.SaveChangesAsync();
        var users = services.GetRequiredService<UserManager<PortalUser>>();
        var user = new PortalUser { UserName = email, Email = email, EmailConfirmed = true };
        user.JoinOrganization(organization);
        Assert.True((await users.CreateAsync(user, JourneyCustomer.Password)).Succeeded);
        Assert.True((await users.AddToRoleAsync(user, Roles.Customer)).Succeeded);
        return new JourneyCustomer(organization.Id, organizationName, user.Id, email);
    }

    /// <summary>A session signed in as the customer, on the dashboard.</summary>
    public async Task<BrowserSession> SignedInSessionAsync(JourneyCustomer customer)
    {
        var session = await NewSessionAsync();
        await session.Page.GotoAsync("/Account/Login");
        await session.SubmitSignInFormAsync(customer.Email, JourneyCustomer.Password);
        await session.Page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/dashboard");
        await session.WaitForInteractivityAsync();
        return session;
    }

    /// <summary>A fresh browser context (own cookies) with one page, whose relative URLs resolve against the app.</summary>
    public async Task<BrowserSession> NewSessionAsync()
    {
        var browser = _browser ?? throw new InvalidOperationException("The browser fixture is not initialized.");
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(),
            Locale = "en-GB",
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
        });
        context.SetDefaultTimeout(10_000);
        context.SetDefaultNavigationTimeout(15_000);
        var page = await context.NewPageAsync();
        return new BrowserSession(context, page);
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
            await _browser.CloseAsync();
        _playwright?.Dispose();
        if (_app is not null)
            await _app.DisposeAsync();
        if (Stripe is not null)
            await Stripe.DisposeAsync();
        if (Smtp is not null)
            await Smtp.DisposeAsync();
    }
}
