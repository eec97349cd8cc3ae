using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Portal.Domain.Data;
using static Microsoft.Playwright.Assertions;

namespace Portal.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class AccessibilityTests(BrowserFixture browser)
{
    private const string ThemeCookie = "portal-theme";
    private static readonly string[] BlockingImpacts = ["serious", "critical"];

    /// <summary>
    /// axe on the landing page, the sign-in page and the customer's dashboard, in light and dark mode, plus the skip
    /// link and the dark-mode switch. Problems are collected and reported together at the end, so one run lists every
    /// problem on every page; only a broken journey (a page that does not load) stops the test early.
    /// </summary>
    [Fact]
    public async Task Landing_page_has_no_serious_accessibility_violations()
    {
        // The signed-out dark pages are checked in a second browser context meanwhile, to keep the suite quick.
        var signedOutDark = SignedOutDarkProblemsAsync();
        List<string> problems;
        try
        {
            problems = await CustomerJourneyProblemsAsync();
        }
        finally
        {
            // Never leave the second context running past the test; its own failure is reported just below.
            await Task.WhenAny(signedOutDark);
        }

        problems.AddRange(await signedOutDark);
        Assert.True(problems.Count == 0,
            $"{problems.Count} serious or critical problem(s) with accessibility or the dark theme:\n" + string.Join("\n", problems));
    }

    /// <summary>
    /// Signed out in light mode (landing, sign-in), then the customer's dashboard in light mode, the switch to dark mode
    /// and the dashboard and a static account page after a reload.
    /// </summary>
    private async Task<List<string>> CustomerJourneyProblemsAsync()
    {
        var problems = new List<string>();
        await using var session = await browser.NewSessionAsync();
        var page = session.Page;

        // Signed out, light mode.
        await page.GotoAsync("/");
        await session.WaitForInteractivityAsync();
        problems.AddRange(await SeriousViolationsAsync(page, "/ (signed out, light)"));

        // The skip link (brand stylesheet) stays off-screen until the keyboard reaches it, then shows.
        var skipLink = page.GetByRole(AriaRole.Link, new() { Name = "Skip to main content", Exact = true });
        if (!await skipLink.EvaluateAsync<bool>("e => e.getBoundingClientRect().right <= 0"))
        {
            problems.Add("- / (signed out, light): the \"Skip to main content\" link is on screen before it has focus; " +
                         "is the brand stylesheet (brand/css/portal.css) served and applied?");
        }
        await skipLink.FocusAsync();
        await Expect(skipLink).ToBeInViewportAsync();

        await page.GotoAsync("/Account/Login");
        await Expect(page.GetByLabel("Email", new() { Exact = true })).ToBeVisibleAsync();
        problems.AddRange(await SeriousViolationsAsync(page, "/Account/Login (light)"));

        // The customer's dashboard, light mode.
        await session.SignInAsync(DevelopmentData.CustomerEmail, expectedLandingPath: "/dashboard");
        await Expect(session.Heading(DevelopmentData.DemoOrganizationName)).ToBeVisibleAsync();
        problems.AddRange(await SeriousViolationsAsync(page, "/dashboard (customer, light)"));

        // Switch to dark mode with the app bar's toggle; the choice must survive a reload (portal-theme cookie).
        await session.AppBar.GetByRole(AriaRole.Button, new() { Name = "Switch to dark mode", Exact = true }).ClickAsync();
        await Expect(session.AppBar.GetByRole(AriaRole.Button, new() { Name = "Switch to light mode", Exact = true })).ToBeVisibleAsync();
        var stored = await WaitForThemeCookieAsync(session, "dark");
        if (stored != "dark")
        {
            problems.Add($"- /dashboard: the theme toggle did not store the choice (portal-theme cookie is '{stored ?? "missing"}'). " +
                         session.ConsoleErrors);
            // Go on with the cookie set by hand, so the dark pages are still checked.
            await session.Context.AddCookiesAsync([DarkThemeCookie()]);
        }

        await page.ReloadAsync();
        await session.WaitForInteractivityAsync();
        await Expect(session.AppBar.GetByRole(AriaRole.Button, new() { Name = "Switch to light mode", Exact = true })).ToBeVisibleAsync();
        await Expect(session.Heading(DevelopmentData.DemoOrganizationName)).ToBeVisibleAsync();
        Assert.True(await BackgroundIsDarkAsync(page), "After a reload in dark mode, the page background is not dark.");
        problems.AddRange(await SeriousViolationsAsync(page, "/dashboard (customer, dark)"));

        // The statically rendered account pages take the same cookie.
        await page.GotoAsync("/Account/Manage");
        await Expect(page.Locator("#portal-root")).ToHaveAttributeAsync("data-interactive", "false");
        Assert.True(await BackgroundIsDarkAsync(page), "The static /Account/Manage page does not render in dark mode.");
        await session.AssertCleanJourneyAsync();
        return problems;
    }

    /// <summary>Signed out in dark mode (remembered cookie): the landing and sign-in pages.</summary>
    private async Task<IReadOnlyList<string>> SignedOutDarkProblemsAsync()
    {
        var problems = new List<string>();
        await using var session = await browser.NewSessionAsync();
        await session.Context.AddCookiesAsync([DarkThemeCookie()]);
        var page = session.Page;

        await page.GotoAsync("/");
        await session.WaitForInteractivityAsync();
        await Expect(session.AppBar.GetByRole(AriaRole.Button, new() { Name = "Switch to light mode", Exact = true })).ToBeVisibleAsync();
        Assert.True(await BackgroundIsDarkAsync(page), "With the dark cookie, / does not render in dark mode.");
        problems.AddRange(await SeriousViolationsAsync(page, "/ (signed out, dark)"));

        await page.GotoAsync("/Account/Login");
        await Expect(page.GetByLabel("Email", new() { Exact = true })).ToBeVisibleAsync();
        Assert.True(await BackgroundIsDarkAsync(page), "With the dark cookie, /Account/Login does not render in dark mode.");
        problems.AddRange(await SeriousViolationsAsync(page, "/Account/Login (signed out, dark)"));
        await session.AssertCleanJourneyAsync();
        return problems;
    }

    private Cookie DarkThemeCookie() => new() { Name = ThemeCookie, Value = "dark", Url = browser.BaseAddress.ToString() };

    /// <summary>axe's violations of impact serious or critical, one line per rule with the elements it found.</summary>
    internal static async Task<IReadOnlyList<string>> SeriousViolationsAsync(IPage page, string where)
    {
        var result = await page.RunAxe();
        return result.Violations
            .Where(v => BlockingImpacts.Contains(v.Impact))
            .Select(v => $"- {where}: {v.Id} ({v.Impact}) {v.Help} [{v.HelpUrl}]\n    " +
                         string.Join("\n    ", v.Nodes.Select(n => $"{n.Target} {Shorten(n.Html)} {n.Any.FirstOrDefault()?.Message}")))
            .ToList();
    }

    private static string Shorten(string? html) =>
        html is null ? "" : html.Length <= 160 ? html : html[..160] + "…";

    /// <summary>The toggle re-renders before its script stores the choice: wait (up to 5 s) for the cookie.</summary>
    private static async Task<string?> WaitForThemeCookieAsync(BrowserSession session, string expected)
    {
        string? actual = null;
        for (var attempt = 0; attempt < 50; attempt++)
        {
            actual = (await session.Context.CookiesAsync()).FirstOrDefault(c => c.Name == ThemeCookie)?.Value;
            if (actual == expected)
                break;
            await Task.Delay(100);
        }
        return actual;
    }

    /// <summary>Whether the body's computed background is dark (relative luminance below 0.2).</summary>
    private static Task<bool> BackgroundIsDarkAsync(IPage page) =>
        page.EvaluateAsync<bool>("""
            () => {
                const [r, g, b] = getComputedStyle(document.body).backgroundColor.match(/\d+(\.\d+)?/g).slice(0, 3)
                    .map(Number).map(c => c / 255).map(c => c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
                return 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.2;
            }
            """);
}
