using Microsoft.Playwright;
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

/// <summary>
/// The real Portal (Development, demo data, fresh SQLite database) on a loopback port, and Debian's Chromium driven
/// headless by Playwright. Each test asks for its own <see cref="BrowserSession"/>: a fresh browser context, so no
/// cookies (sign-in, theme) leak from one test to another.
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

        // Start the app while the browser launches; both take a moment.
        var app = _app = new PortalAppFactory();
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
        BaseAddress = await server;
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
    }
}
