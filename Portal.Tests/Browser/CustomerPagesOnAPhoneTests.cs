using Microsoft.Playwright;
using Portal.Domain.Data;
using static Microsoft.Playwright.Assertions;

namespace Portal.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class CustomerPagesOnAPhoneTests(BrowserFixture browser)
{
    private static readonly string[] CustomerPages =
        ["/dashboard", "/buy", "/upgrade", "/licenses", "/orders", "/history", "/evaluation", "/discounts", "/organization"];

    /// <summary>
    /// Every page of the customer's navigation at a phone's width in dark mode: it loads, fits the screen (nothing
    /// sticks out to the right) and axe finds no serious or critical problem. Problems are reported together.
    /// </summary>
    [Fact]
    public async Task Every_customer_page_fits_a_phone_in_dark_mode_and_passes_axe()
    {
        var problems = new List<string>();
        await using var session = await browser.NewSessionAsync();
        var page = session.Page;
        await session.SignInAsync(DevelopmentData.CustomerEmail, "/dashboard");
        await session.Context.AddCookiesAsync([new Cookie { Name = "portal-theme", Value = "dark", Url = browser.BaseAddress.ToString() }]);
        await page.SetViewportSizeAsync(390, 844);

        foreach (var path in CustomerPages)
        {
            await page.GotoAsync(path);
            await session.WaitForInteractivityAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
            await Expect(page.Locator("#main-content .mud-progress-circular")).ToHaveCountAsync(0);
            var overflowing = await session.ElementsWiderThanThePhoneAsync();
            if (overflowing.Length > 0)
                problems.Add($"- {path} (phone width): wider than the screen: {overflowing}");
            problems.AddRange(await AccessibilityTests.SeriousViolationsAsync(page, $"{path} (dark, phone width)"));
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        await session.AssertNoAppErrorsAsync();
    }
}
