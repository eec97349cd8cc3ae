using Microsoft.Playwright;
using Portal.Domain.Data;
using static Microsoft.Playwright.Assertions;

namespace Portal.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class BuySeatsJourneyTests(BrowserFixture browser)
{
    /// <summary>
    /// The demo customer chooses a 25-user and a 10-user pack, sees the server's quote, pays through the Development
    /// test checkout (no Stripe key) and gets the licenses; axe checks the buy page.
    /// </summary>
    [Fact]
    public async Task Demo_customer_buys_seats_with_a_live_quote_through_the_test_checkout()
    {
        await using var session = await browser.NewSessionAsync();
        var page = session.Page;
        await session.SignInAsync(DevelopmentData.CustomerEmail, "/dashboard");

        await page.GotoAsync("/buy");
        await session.WaitForInteractivityAsync();
        await Expect(session.Heading("Buy seats")).ToBeVisibleAsync();
        await page.GetByLabel("25-user pack", new() { Exact = true }).FillAsync("1");
        await page.GetByLabel("25-user pack", new() { Exact = true }).PressAsync("Tab");
        await page.GetByLabel("10-user pack", new() { Exact = true }).FillAsync("1");
        await page.GetByLabel("10-user pack", new() { Exact = true }).PressAsync("Tab");
        await Expect(page.Locator("[data-total]")).ToContainTextAsync("USD 1,395.00");
        await Expect(page.Locator("[data-total]")).ToContainTextAsync("35 new seats");
        var violations = await AccessibilityTests.SeriousViolationsAsync(page, "/buy");
        Assert.True(violations.Count == 0, string.Join("\n", violations));

        await page.GetByRole(AriaRole.Button, new() { Name = "Continue to payment", Exact = true }).ClickAsync();
        await page.WaitForURLAsync("**/checkout/test/**");
        await Expect(page.GetByText("TEST CHECKOUT — no money is taken.", new() { Exact = true })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Pay (test)", Exact = true }).ClickAsync();

        await Expect(session.Heading("Payment received — your licenses are ready")).ToBeVisibleAsync();
        await session.AssertNoAppErrorsAsync();
    }
}
