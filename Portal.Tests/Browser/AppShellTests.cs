using Microsoft.Playwright;
using Portal.Domain.Data;
using static Microsoft.Playwright.Assertions;

namespace Portal.Tests.Browser;

/// <summary>
/// The statically rendered app shell (AppShell.razor) and its script (brand/js/shell.js): the shell is in no circuit,
/// so what it does after the page has loaded is done in the browser, and only a browser can show it works.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AppShellTests(BrowserFixture browser)
{
    private static ILocator Link(BrowserSession session, string name) =>
        session.Navigation.GetByRole(AriaRole.Link, new() { Name = name, Exact = true });

    [Fact]
    public async Task The_menu_marks_the_page_reached_by_navigating_inside_the_circuit()
    {
        await using var session = await browser.NewSessionAsync();
        await session.SignInAsync(DevelopmentData.CustomerEmail, expectedLandingPath: "/dashboard");
        await Expect(Link(session, "Dashboard")).ToHaveAttributeAsync("aria-current", "page");

        await Link(session, "Licenses").ClickAsync();
        await Expect(session.Heading("Licenses and keys")).ToBeVisibleAsync();

        // The interactive router changed the page; the server did not render the menu again.
        await Expect(Link(session, "Licenses")).ToHaveAttributeAsync("aria-current", "page");
        await Expect(Link(session, "Licenses")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bactive\b"));
        await Expect(Link(session, "Dashboard")).Not.ToHaveAttributeAsync("aria-current", "page");
        await Expect(session.Page.Locator("#portal-nav a[aria-current='page']")).ToHaveCountAsync(1);

        await session.Page.GoBackAsync();
        await Expect(session.Heading(DevelopmentData.DemoOrganizationName)).ToBeVisibleAsync();
        await Expect(Link(session, "Dashboard")).ToHaveAttributeAsync("aria-current", "page");
        await session.AssertCleanJourneyAsync();
    }

    [Fact]
    public async Task On_a_wide_screen_the_drawer_is_beside_the_page_and_the_menu_button_hides_and_shows_it()
    {
        await using var session = await browser.NewSessionAsync();
        await session.SignInAsync(DevelopmentData.CustomerEmail, expectedLandingPath: "/dashboard");
        var toggle = session.AppBar.GetByRole(AriaRole.Button, new() { Name = "Show or hide navigation", Exact = true });
        await Expect(toggle).ToHaveAttributeAsync("aria-expanded", "true");
        Assert.True(await MainContentLeftAsync(session) > 200, "The drawer should start open beside the page on a wide screen.");

        await toggle.ClickAsync();
        await Expect(toggle).ToHaveAttributeAsync("aria-expanded", "false");
        await session.Page.WaitForFunctionAsync("() => document.querySelector('#main-content').getBoundingClientRect().left < 100");
        await Expect(Link(session, "Licenses")).Not.ToBeInViewportAsync();

        await toggle.ClickAsync();
        await Expect(toggle).ToHaveAttributeAsync("aria-expanded", "true");
        await Expect(Link(session, "Licenses")).ToBeInViewportAsync();
        await session.AssertCleanJourneyAsync();
    }

    [Fact]
    public async Task On_a_phone_the_drawer_opens_over_the_page_and_closes_when_a_link_is_followed()
    {
        await using var session = await browser.NewSessionAsync();
        await session.Page.SetViewportSizeAsync(390, 844);
        await session.SignInAsync(DevelopmentData.CustomerEmail, expectedLandingPath: "/dashboard");
        var toggle = session.AppBar.GetByRole(AriaRole.Button, new() { Name = "Show or hide navigation", Exact = true });
        await Expect(toggle).ToHaveAttributeAsync("aria-expanded", "false");
        await Expect(Link(session, "Orders")).Not.ToBeVisibleAsync();

        await toggle.ClickAsync();
        await Expect(Link(session, "Orders")).ToBeInViewportAsync();
        await Expect(session.Page.Locator("#portal-drawer-overlay")).ToBeVisibleAsync();

        await Link(session, "Orders").ClickAsync();
        await Expect(session.Heading("Orders")).ToBeVisibleAsync();
        await Expect(toggle).ToHaveAttributeAsync("aria-expanded", "false");
        await Expect(session.Page.Locator("#portal-drawer-overlay")).ToBeHiddenAsync();
        await Expect(Link(session, "Orders")).Not.ToBeInViewportAsync();

        // The overlay closes it too.
        await toggle.ClickAsync();
        await Expect(session.Page.Locator("#portal-drawer-overlay")).ToBeVisibleAsync();
        await session.Page.Locator("#portal-drawer-overlay").ClickAsync(new() { Position = new() { X = 370, Y = 400 } });
        await Expect(toggle).ToHaveAttributeAsync("aria-expanded", "false");
        await session.AssertCleanJourneyAsync();
    }

    [Fact]
    public async Task The_theme_switches_in_place_and_the_page_keeps_its_circuit()
    {
        await using var session = await browser.NewSessionAsync();
        var page = session.Page;
        await session.SignInAsync(DevelopmentData.CustomerEmail, expectedLandingPath: "/dashboard");
        await page.EvaluateAsync("() => window.__samePage = true");

        await session.AppBar.GetByRole(AriaRole.Button, new() { Name = "Switch to dark mode", Exact = true }).ClickAsync();

        await Expect(session.AppBar.GetByRole(AriaRole.Button, new() { Name = "Switch to light mode", Exact = true })).ToBeVisibleAsync();
        await page.WaitForFunctionAsync("() => getComputedStyle(document.body).backgroundColor !== 'rgb(246, 248, 251)'");
        Assert.True(await page.EvaluateAsync<bool>("() => window.__samePage === true"), "The switch reloaded the page.");
        await Expect(page.Locator("#portal-root")).ToHaveAttributeAsync("data-interactive", "true");
        Assert.Contains("portal-theme=dark", await page.EvaluateAsync<string>("() => document.cookie"));

        await session.AppBar.GetByRole(AriaRole.Button, new() { Name = "Switch to light mode", Exact = true }).ClickAsync();
        await page.WaitForFunctionAsync("() => getComputedStyle(document.body).backgroundColor === 'rgb(246, 248, 251)'");
        Assert.Contains("portal-theme=light", await page.EvaluateAsync<string>("() => document.cookie"));
        await session.AssertCleanJourneyAsync();
    }

    private static Task<double> MainContentLeftAsync(BrowserSession session) =>
        session.Page.Locator("#main-content").EvaluateAsync<double>("e => e.getBoundingClientRect().left");
}
