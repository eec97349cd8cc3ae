using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Components.Account;
using Portal.Domain.Members;
using Portal.Endpoints;
using Portal.Tests.Builders;
using Portal.Tests.Integration;
using static Microsoft.Playwright.Assertions;

namespace Portal.Tests.Browser;

/// <summary>
/// <see cref="TwoOrganizationsApp"/> on a loopback port for the browser, with <c>Portal:SecurityRevalidationInterval</c>
/// shortened to two seconds (the default is a minute), so that open pages follow membership changes quickly.
/// </summary>
public sealed class FollowingMembershipsApp() : TwoOrganizationsApp(
    new PortalAppFactory().With(IdentityHosting.SecurityRevalidationIntervalSetting, Interval.ToString()),
    new PortalAppOptions { OnLoopback = true, HostName = "localhost" })
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    /// <summary>How long an open page may take to follow a change: a few intervals, on a busy machine.</summary>
    public static float FollowTimeout => (float)(Interval * 5).TotalMilliseconds;
}

/// <summary>
/// Issue 20 in the browser: a consultant in two organizations switches in the app bar and sees only the current one's
/// licenses, orders and history, in the pages, the key download and the CSV export; open pages follow membership
/// changes within <c>Portal:SecurityRevalidationInterval</c> without a click, a removal as well as a switch in another tab.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class OrganizationSwitchBrowserTests(BrowserFixture browser, FollowingMembershipsApp app) : IClassFixture<FollowingMembershipsApp>
{
    [Fact]
    public async Task A_consultant_switches_in_the_app_bar_and_sees_only_the_current_organizations_licenses_orders_and_history()
    {
        var consultant = await app.ConsultantAsync("casey");
        await using var session = await SignedInAsync(consultant);
        await Expect(session.Heading(app.Alder.Name)).ToBeVisibleAsync();
        await ExpectOnlyAsync(session, app.Alder, notOf: app.Birch);

        // Inside the circuit from the dashboard to the history, then the switch: the page shown now is the one to come back to.
        await session.Page.GotoAsync(Url("/dashboard"));
        await session.WaitForInteractivityAsync();
        await session.Navigation.GetByRole(AriaRole.Link, new() { Name = "History", Exact = true }).ClickAsync();
        await Expect(session.Page).ToHaveURLAsync(Url("/history"));
        await OrganizationMenu(session.Page).ClickAsync();
        await session.CheckPageAsync("organization-switcher-open");
        await session.AppBar.GetByRole(AriaRole.Button, new() { Name = app.Birch.Name, Exact = true }).ClickAsync();

        await session.Page.WaitForURLAsync(Url("/history"));
        await session.WaitForInteractivityAsync();
        await Expect(CurrentOrganization(session.Page)).ToContainTextAsync(app.Birch.Name);
        await ExpectOnlyAsync(session, app.Birch, notOf: app.Alder);
        await session.AssertCleanJourneyAsync();
    }

    [Fact]
    public async Task A_member_removed_while_their_licenses_are_open_loses_them_without_a_click()
    {
        var colleague = await app.MemberAsync("robin", (app.Alder, MemberRoles.Billing));
        await using var session = await SignedInAsync(colleague);
        var page = session.Page;
        await page.GotoAsync(Url("/licenses"));
        await session.WaitForInteractivityAsync();
        await Expect(LicenseLink(page, app.Alder)).ToBeVisibleAsync();

        await app.Services.GetRequiredService<MembershipService>().RemoveAsync(app.Alder.Id, colleague.UserId, app.Alder.Owner.Actor);

        // No click, no reload by the person: the circuit notices, and the page loads again with a sign-in made anew.
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/Account/AccessDenied", new() { Timeout = FollowingMembershipsApp.FollowTimeout });
        await Expect(session.Heading("You are not a member of any organization")).ToBeVisibleAsync();
        await Expect(LicenseLink(page, app.Alder)).ToHaveCountAsync(0);
        await Expect(page.GetByText(app.Alder.Name)).ToHaveCountAsync(0);
        await session.CheckPageAsync("no-organization");
        // What the page showed is refused on a new request too.
        var download = await session.Context.APIRequest.GetAsync(Url(LicenseDownloads.DownloadPath(app.Alder.LicenseId)), new() { MaxRedirects = 0 });
        Assert.NotEqual(200, download.Status);
        await session.AssertNoAppErrorsAsync();
    }

    [Fact]
    public async Task A_page_open_in_a_second_tab_follows_a_switch_made_in_the_first()
    {
        var consultant = await app.ConsultantAsync("alex");
        await using var session = await SignedInAsync(consultant);
        var second = await session.Context.NewPageAsync();
        await second.GotoAsync(Url("/orders"));
        await Expect(second.Locator("#portal-root")).ToHaveAttributeAsync("data-interactive", "true");
        await Expect(OrderLink(second, app.Alder)).ToBeVisibleAsync();

        // The first tab switches with the keyboard alone.
        await OrganizationMenu(session.Page).FocusAsync();
        await session.Page.Keyboard.PressAsync("Enter");
        var birch = session.AppBar.GetByRole(AriaRole.Button, new() { Name = app.Birch.Name, Exact = true });
        await Expect(birch).ToBeVisibleAsync();
        await birch.FocusAsync();
        await session.Page.Keyboard.PressAsync("Enter");
        await session.Page.WaitForURLAsync(Url("/dashboard"));
        await Expect(session.Heading(app.Birch.Name)).ToBeVisibleAsync();

        await Expect(OrderLink(second, app.Birch)).ToBeVisibleAsync(new() { Timeout = FollowingMembershipsApp.FollowTimeout });
        await Expect(OrderLink(second, app.Alder)).ToHaveCountAsync(0);
        await Expect(second).ToHaveURLAsync(Url("/orders"));
        await Expect(CurrentOrganization(second)).ToContainTextAsync(app.Birch.Name);
        await session.AssertCleanJourneyAsync();
    }

    [Fact]
    public async Task The_switcher_is_accessible_in_light_and_dark_and_fits_a_phone()
    {
        var consultant = await app.ConsultantAsync("devon");
        await using var session = await SignedInAsync(consultant);
        var page = session.Page;
        var problems = new List<string>();
        foreach (var theme in new[] { "light", "dark" })
        {
            await session.Context.AddCookiesAsync([new Cookie { Name = "portal-theme", Value = theme, Url = app.BaseAddress.ToString() }]);
            await page.ReloadAsync();
            await session.WaitForInteractivityAsync();
            await OrganizationMenu(page).ClickAsync();
            await Expect(page.Locator(".org-switcher-menu")).ToBeVisibleAsync();
            problems.AddRange(await AccessibilityTests.SeriousViolationsAsync(page, $"/dashboard with the organization menu open ({theme})"));
            await Screenshots.SaveAsync(page, $"organization-switcher-{theme}");
            // Escape closes the menu and gives the focus back to it.
            await page.Keyboard.PressAsync("Escape");
            await Expect(page.Locator(".org-switcher-menu")).ToBeHiddenAsync();
            await Expect(OrganizationMenu(page)).ToBeFocusedAsync();
        }

        await page.SetViewportSizeAsync(390, 844);
        await page.ReloadAsync();
        await session.WaitForInteractivityAsync();
        await OrganizationMenu(page).ClickAsync();
        await Screenshots.SaveAsync(page, "organization-switcher-phone-dark");
        var menu = await page.Locator(".org-switcher-menu").BoundingBoxAsync();
        Assert.True(menu is { X: >= 0 } && menu.X + menu.Width <= 390, $"The menu sticks out of the phone's screen: {menu?.X} + {menu?.Width}");
        Assert.True(await page.EvaluateAsync<bool>(
            "() => [...document.querySelectorAll('header .mud-toolbar > *')].every(e => e.getBoundingClientRect().right <= window.innerWidth + 1)"),
            "The app bar is wider than the phone's screen.");
        problems.AddRange(await AccessibilityTests.SeriousViolationsAsync(page, "/dashboard with the organization menu open (dark, phone width)"));

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        await session.AssertCleanJourneyAsync();
    }

    /// <summary>The licenses, orders and history pages, the key download and the CSV export show the one organization's and none of the other's.</summary>
    private async Task ExpectOnlyAsync(BrowserSession session, TestOrganization organization, TestOrganization notOf)
    {
        var page = session.Page;
        await page.GotoAsync(Url("/licenses"));
        await session.WaitForInteractivityAsync();
        await Expect(LicenseLink(page, organization)).ToBeVisibleAsync();
        await Expect(LicenseLink(page, notOf)).ToHaveCountAsync(0);

        await page.GotoAsync(Url("/orders"));
        await session.WaitForInteractivityAsync();
        await Expect(OrderLink(page, organization)).ToBeVisibleAsync();
        await Expect(OrderLink(page, notOf)).ToHaveCountAsync(0);

        await page.GotoAsync(Url("/history"));
        await session.WaitForInteractivityAsync();
        await Expect(page.Locator("#main-content").GetByText(organization.Owner.Email).First).ToBeVisibleAsync();
        await Expect(page.Locator("#main-content").GetByText(notOf.Owner.Email)).ToHaveCountAsync(0);

        // The downloads, with the page's cookies.
        var keys = await (await session.Context.APIRequest.GetAsync(Url(LicenseDownloads.DownloadAllPath))).TextAsync();
        Assert.Contains(organization.LicenseKey, keys);
        Assert.DoesNotContain(notOf.LicenseKey, keys);
        var history = await (await session.Context.APIRequest.GetAsync(Url(LicenseDownloads.HistoryExportPath))).TextAsync();
        Assert.Contains(organization.Owner.Email, history);
        Assert.DoesNotContain(notOf.Owner.Email, history);
    }

    private async Task<BrowserSession> SignedInAsync(CustomerAccount account)
    {
        var session = await browser.NewSessionAsync();
        await session.Page.GotoAsync(Url("/Account/Login"));
        await session.SubmitSignInFormAsync(account.Email, TwoOrganizationsApp.Password);
        await session.Page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/dashboard");
        await session.WaitForInteractivityAsync();
        return session;
    }

    private string Url(string path) => new Uri(app.BaseAddress, path).ToString();

    private static ILocator OrganizationMenu(IPage page) => page.Locator("header summary[data-testid='current-organization']");

    private static ILocator CurrentOrganization(IPage page) => page.Locator("header [data-testid='current-organization']");

    private static ILocator LicenseLink(IPage page, TestOrganization organization) => page.Locator($"#main-content a[href='/licenses/{organization.LicenseId}']");

    private static ILocator OrderLink(IPage page, TestOrganization organization) => page.Locator($"#main-content a[href='/orders/{organization.OrderId}']");
}
