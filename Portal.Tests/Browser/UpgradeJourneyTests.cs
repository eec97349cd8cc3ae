using Microsoft.Playwright;
using Portal.Domain.Data;
using static Microsoft.Playwright.Assertions;

namespace Portal.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class UpgradeJourneyTests(BrowserFixture browser)
{
    /// <summary>
    /// The demo customer, who holds a 5.x license from before 6.1, follows the dashboard's upgrade action, picks the
    /// license, sees the R6 price, pays through the test checkout and finds the new 6.x license, the order and the old
    /// license marked Upgraded; axe checks the upgrade, orders and order pages.
    /// </summary>
    [Fact]
    public async Task Demo_customer_upgrades_a_5x_license_and_finds_the_order_and_the_new_license()
    {
        var problems = new List<string>();
        await using var session = await browser.NewSessionAsync();
        var page = session.Page;
        await session.SignInAsync(DevelopmentData.CustomerEmail, "/dashboard");

        await session.WaitForInteractivityAsync();
        await page.Locator("[data-action=upgrade]").ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/upgrade");
        await session.WaitForInteractivityAsync();
        await Expect(session.Heading("Upgrade licenses")).ToBeVisibleAsync();
        await page.GetByText("OfficeStatus 5.x, 10 seats").ClickAsync();
        await Expect(page.Locator("[data-total]")).ToContainTextAsync("1 license upgraded, 10 seats");
        // 50 % of the 10-user pack's USD 420.00.
        await Expect(page.Locator("[data-total]")).ToContainTextAsync("USD 210.00");
        problems.AddRange(await AccessibilityTests.SeriousViolationsAsync(page, "/upgrade"));

        await page.GetByRole(AriaRole.Button, new() { Name = "Continue to payment", Exact = true }).ClickAsync();
        await page.WaitForURLAsync("**/checkout/test/**");
        await page.GetByRole(AriaRole.Button, new() { Name = "Pay (test)", Exact = true }).ClickAsync();
        await Expect(session.Heading("Payment received — your licenses are ready")).ToBeVisibleAsync();
        var newLicense = page.Locator("tr[data-license-id]");
        await Expect(newLicense).ToHaveCountAsync(1);
        await Expect(newLicense).ToContainTextAsync("OfficeStatus 6.x");
        await Expect(newLicense).ToContainTextAsync("10 users");

        await session.Navigation.GetByRole(AriaRole.Link, new() { Name = "Orders", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/orders");
        var newest = page.GetByTestId("orders-table").Locator("tbody tr").First;
        await Expect(newest).ToContainTextAsync("Upgrade OfficeStatus 5 → 6, 10 users");
        await Expect(newest).ToContainTextAsync("Paid");
        problems.AddRange(await AccessibilityTests.SeriousViolationsAsync(page, "/orders"));

        await newest.GetByRole(AriaRole.Link).First.ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath.StartsWith("/orders/", StringComparison.Ordinal));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Order of");
        problems.AddRange(await AccessibilityTests.SeriousViolationsAsync(page, "/orders/{id}"));

        // The new license's page links back to the one it replaced, which is now Upgraded.
        await page.Locator("tr[data-license-id] a").ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "OfficeStatus 5.x license for 10 seats" }).ClickAsync();
        await Expect(page.Locator("[data-status]")).ToHaveTextAsync("Upgraded");
        problems.AddRange(await AccessibilityTests.SeriousViolationsAsync(page, "/licenses/{upgraded}"));

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        await session.AssertNoAppErrorsAsync();
    }
}
