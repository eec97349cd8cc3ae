using Microsoft.Playwright;
using Portal.Domain.Accounts;
using Portal.Domain.Members;
using Portal.Domain.Organizations;
using Portal.Tests.Builders;
using Portal.Tests.Integration;
using Portal.Components.Account;

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

    /// <summary>The customer as the domain services see them: the owner of their organization, as its first member.</summary>
    public Actor Actor => Actor.Person(UserId, Email, Roles.Customer).In(OrganizationId, MemberRoles.Owner);
}

/// <summary>
/// The real Portal (Development, demo data, fresh SQLite database) on a loopback port, paying through the fake Stripe
/// (its hosted checkout page and signed webhooks) and sending its email to a real SMTP server in the test process; and
/// Debian's Chromium driven headless by Playwright. Each test asks for its own <see cref="BrowserSession"/>: a fresh
/// browser context, so no cookies (sign-in, theme) leak from one test to another. The browser uses the name "localhost",
/// as a person trying the portal on their machine does: passkeys (WebAuthn) refuse an IP address as their domain, and
/// the sign-in page's passkey script would report that as an error.
/// </summary>
public sealed class BrowserFixture() : PortalApp(
    new PortalAppFactory()
        .With("Outbox:PollInterval", "00:00:00.200")
        // Membership changes reach open pages within this (a minute in production), so journeys need not wait for them.
        .With(IdentityHosting.SecurityRevalidationIntervalSetting, "00:00:05"),
    new PortalAppOptions { Smtp = true, Stripe = FakeStripeUse.PaysThrough, HostName = "localhost" })
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

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public static string ChromiumPath =>
        Environment.GetEnvironmentVariable(ChromiumVariable) is { Length: > 0 } path ? path : DefaultChromium;

    public override async Task InitializeAsync()
    {
        var chromium = ChromiumPath;
        if (!File.Exists(chromium))
        {
            throw new InvalidOperationException(
                $"Chromium was not found at '{chromium}', so the browser tests cannot run. Run ./test.sh from the " +
                $"repository root (it installs Debian's chromium package), or set {ChromiumVariable} to a Chromium " +
                "executable. Playwright's own browser download does not work on this network.");
        }

        // Lists load once the page is interactive; on a busy 2-core machine that can take longer than Playwright's 5 s.
        Assertions.SetDefaultExpectTimeout(15_000);

        // Start the app while the browser launches; both take a moment.
        var app = base.InitializeAsync();
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
            // Even if Chromium fails to start, let the app finish starting so that DisposeAsync stops it cleanly.
            await Task.WhenAny(app);
        }
        await app;
    }

    /// <summary>A new organization with one confirmed customer account (password <see cref="JourneyCustomer.Password"/>).</summary>
    public async Task<JourneyCustomer> NewCustomerAsync(string organizationName, OrganizationKind kind = OrganizationKind.Commercial)
    {
        // Each fixture has its own database, and each story its own organization name, so the address is unique.
        var email = $"it@{new string(organizationName.Where(char.IsAsciiLetterOrDigit).ToArray()).ToLowerInvariant()}.example";
        var account = await CustomerAccounts.CreateAsync(Services, organizationName, email, JourneyCustomer.Password, kind: kind);
        return new JourneyCustomer(account.OrganizationId, organizationName, account.UserId, email);
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

    public override async Task DisposeAsync()
    {
        if (_browser is not null)
            await _browser.CloseAsync();
        _playwright?.Dispose();
        await base.DisposeAsync();
    }
}
