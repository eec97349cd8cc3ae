using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.Domain.Data;
using Portal.Domain.Keys;
using static Microsoft.Playwright.Assertions;

namespace Portal.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed partial class LicenseKeyJourneyTests(BrowserFixture browser)
{

    /// <summary>
    /// The demo customer opens Licenses, opens an active license, copies its key with the keyboard, downloads its .lic
    /// file (a real browser download) and verifies it with nothing but the published JWKS, then finds the download in the
    /// license history. axe checks /licenses and /history in light and dark mode; its findings are reported together.
    /// </summary>
    [Fact]
    public async Task Customer_copies_and_downloads_a_key_that_verifies_and_sees_it_in_history()
    {
        var problems = new List<string>();
        await using var session = await browser.NewSessionAsync();
        await session.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        var page = session.Page;
        await session.SignInAsync(DevelopmentData.CustomerEmail, expectedLandingPath: "/dashboard");

        // Licenses, from the navigation.
        await session.Navigation.GetByRole(AriaRole.Link, new() { Name = "Licenses", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/licenses");
        await Expect(session.Heading("Licenses and keys")).ToBeVisibleAsync();
        var grid = page.GetByRole(AriaRole.Table, new() { Name = "Your organization's licenses" });
        var activeRow = grid.GetByRole(AriaRole.Row).Filter(new() { HasText = "Active" }).First;
        await Expect(activeRow).ToBeVisibleAsync();
        await Expect(grid.GetByRole(AriaRole.Row).Filter(new() { HasText = "OfficeStatus 5.x" }).First).ToBeVisibleAsync();
        problems.AddRange(await AccessibilityTests.SeriousViolationsAsync(page, "/licenses (light)"));

        // One license: its key, copied from the keyboard.
        await activeRow.GetByRole(AriaRole.Link).First.ClickAsync();
        await page.WaitForURLAsync(LicensePath());
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("OfficeStatus");
        var key = (await page.GetByTestId("license-key").InnerTextAsync()).Trim();
        Assert.Equal(2, key.Count(c => c == '.'));
        await page.GetByRole(AriaRole.Button, new() { Name = "Copy key", Exact = true }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByText("Key copied", new() { Exact = true })).ToBeVisibleAsync();
        Assert.Equal(key, await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));
        // Dismiss the snackbar, so that axe does not judge it half faded out later.
        await page.Locator(".mud-snackbar").GetByRole(AriaRole.Button).ClickAsync();
        await Expect(page.Locator(".mud-snackbar")).ToHaveCountAsync(0);

        // Its license file, downloaded by the browser, verifies with the JWKS alone.
        var download = await page.RunAndWaitForDownloadAsync(() =>
            page.GetByRole(AriaRole.Link, new() { Name = "Download .lic file", Exact = true }).ClickAsync());
        Assert.Matches(LicenseFileName(), download.SuggestedFilename);
        var file = await File.ReadAllTextAsync(await download.PathAsync());
        var jwks = await (await session.Context.APIRequest.GetAsync("/.well-known/jwks.json")).TextAsync();
        var verification = new LicenseKeyVerifier(jwks) { ProductCode = "officestatus" }.Verify(file);
        Assert.True(verification.IsValid, verification.Message);
        Assert.Equal(DevelopmentData.DemoOrganizationName, verification.Claims.Licensee);
        Assert.Equal(key, LicenseFile.Parse(file).Key);
        Assert.EndsWith($"{verification.Claims.LicenseId}", new Uri(page.Url).AbsolutePath);

        // The download is in the history.
        await session.Navigation.GetByRole(AriaRole.Link, new() { Name = "History", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/history");
        await Expect(session.Heading("License history")).ToBeVisibleAsync();
        await Expect(page.Locator("li.history-entry").First).ToContainTextAsync($"downloaded by {DevelopmentData.CustomerEmail}");
        problems.AddRange(await AccessibilityTests.SeriousViolationsAsync(page, "/history (light)"));

        // Dark mode (the remembered theme cookie).
        await session.Context.AddCookiesAsync([new Cookie { Name = "portal-theme", Value = "dark", Url = browser.BaseAddress.ToString() }]);
        await page.ReloadAsync();
        await session.WaitForInteractivityAsync();
        await Expect(page.Locator("li.history-entry").First).ToBeVisibleAsync();
        problems.AddRange(await AccessibilityTests.SeriousViolationsAsync(page, "/history (dark)"));
        await page.GotoAsync("/licenses");
        await session.WaitForInteractivityAsync();
        await Expect(grid.GetByRole(AriaRole.Row).Filter(new() { HasText = "Active" }).First).ToBeVisibleAsync();
        problems.AddRange(await AccessibilityTests.SeriousViolationsAsync(page, "/licenses (dark)"));

        await session.AssertCleanJourneyAsync();
        Assert.True(problems.Count == 0, $"{problems.Count} serious or critical accessibility problem(s):\n" + string.Join("\n", problems));
    }

    [GeneratedRegex(@"/licenses/[0-9a-f-]{36}$")]
    private static partial Regex LicensePath();

    [GeneratedRegex(@"^officestatus-\d+-perpetual-[0-9a-f]{32}\.lic$")]
    private static partial Regex LicenseFileName();
}
