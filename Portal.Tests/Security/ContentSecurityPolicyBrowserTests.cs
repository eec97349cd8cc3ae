using System.Collections.Concurrent;
using Microsoft.Playwright;
using Portal.Domain.Data;
using Portal.Tests.Browser;
using static Microsoft.Playwright.Assertions;

namespace Portal.Tests.Security;

/// <summary>
/// The Content-Security-Policy in Chromium: Blazor Server (its script, the circuit's WebSocket, enhanced navigation),
/// MudBlazor (its script, inline styles, dialogs and menus) and the portal's own modules (the import map and the theme
/// switch) work without a single CSP violation; and the policy is really enforced: a script injected into the page is blocked.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ContentSecurityPolicyBrowserTests(BrowserFixture browser)
{
    /// <summary>Every page reports its violations (directive, blocked resource, page) to the test through an exposed function.</summary>
    private const string ReportViolations = """
        document.addEventListener('securitypolicyviolation', e =>
            window.reportCspViolation(`${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'} on ${location.pathname}`));
        """;

    private static async Task<(BrowserSession Session, ConcurrentQueue<string> Violations)> WatchedSessionAsync(BrowserFixture browser)
    {
        var session = await browser.NewSessionAsync();
        var violations = new ConcurrentQueue<string>();
        await session.Context.ExposeFunctionAsync("reportCspViolation", (string violation) => violations.Enqueue(violation));
        await session.Context.AddInitScriptAsync(ReportViolations);
        // Chromium also logs each refusal to the console; those count too, in case an event is missed.
        session.Page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
                violations.Enqueue($"console: {message.Text}");
        };
        return (session, violations);
    }

    private static async Task OpenAsync(BrowserSession session, string linkName)
    {
        await session.Navigation.GetByRole(AriaRole.Link, new() { Name = linkName, Exact = true }).ClickAsync();
        await Expect(session.Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
        await Expect(session.Page.Locator("#main-content .mud-progress-circular")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_customer_signs_in_browses_and_switches_the_theme_without_a_CSP_violation()
    {
        var (session, violations) = await WatchedSessionAsync(browser);
        await using var _ = session;
        var page = session.Page;

        await page.GotoAsync("/");
        await session.WaitForInteractivityAsync();
        await session.SignInAsync(DevelopmentData.CustomerEmail, expectedLandingPath: "/dashboard");
        foreach (var link in new[] { "Licenses", "Buy seats", "Orders", "History", "Evaluation", "Discounts", "Organization", "Dashboard" })
            await OpenAsync(session, link);
        // The theme switch is brand/js/shell.js, a script of the portal's own origin.
        await session.AppBar.GetByRole(AriaRole.Button, new() { Name = "Switch to dark mode", Exact = true }).ClickAsync();
        await page.WaitForFunctionAsync("() => document.cookie.includes('portal-theme=dark')");
        await page.ReloadAsync();
        await session.WaitForInteractivityAsync();

        Assert.True(violations.IsEmpty, "CSP violations:\n" + string.Join("\n", violations));
        await session.AssertNoAppErrorsAsync();
    }

    [Fact]
    public async Task Staff_pages_with_grids_and_dialogs_run_without_a_CSP_violation()
    {
        var (session, violations) = await WatchedSessionAsync(browser);
        await using var _ = session;

        await session.SignInAsync(DevelopmentData.AdminEmail, expectedLandingPath: "/staff");
        foreach (var link in new[] { "Customers", "Discount applications", "Evaluation extensions", "Customer orders", "Catalog", "Audit log", "Staff accounts" })
            await OpenAsync(session, link);
        // A MudBlazor dialog (and its overlay) opened and cancelled: nothing changes.
        await session.Page.GetByRole(AriaRole.Button, new() { Name = $"Disable {DevelopmentData.SalesEmail}", Exact = true }).ClickAsync();
        var dialog = session.Page.GetByRole(AriaRole.Dialog);
        await Expect(dialog).ToBeVisibleAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(dialog).ToHaveCountAsync(0);

        Assert.True(violations.IsEmpty, "CSP violations:\n" + string.Join("\n", violations));
        await session.AssertNoAppErrorsAsync();
    }

    [Fact]
    public async Task A_script_injected_into_a_page_is_blocked_and_reported()
    {
        var (session, violations) = await WatchedSessionAsync(browser);
        await using var _ = session;
        var page = session.Page;
        await page.GotoAsync("/Account/Login");

        // What stored markup would try if it ever reached a page unencoded: an inline script and an inline event handler.
        await page.EvaluateAsync("""
            () => {
                window.injectedRan = false;
                window.violationsSeen = 0;
                document.addEventListener('securitypolicyviolation', () => window.violationsSeen++);
                const script = document.createElement('script');
                script.textContent = 'window.injectedRan = true';
                document.body.appendChild(script);
                const image = document.createElement('img');
                image.setAttribute('onerror', 'window.injectedRan = true');
                image.src = 'data:,not-an-image';
                document.body.appendChild(image);
            }
            """);
        await page.WaitForFunctionAsync("() => window.violationsSeen >= 2");
        // Exposed functions answer in order: once this one is back, the reports before it have reached the test.
        await page.EvaluateAsync("() => window.reportCspViolation('(end of the reports)')");

        Assert.False(await page.EvaluateAsync<bool>("() => window.injectedRan"), "an injected script ran: the Content-Security-Policy is not enforced");
        Assert.Contains(violations, v => v.StartsWith("script-src-elem blocked inline on /Account/Login", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.StartsWith("script-src-attr blocked inline on /Account/Login", StringComparison.Ordinal));
    }
}
