using Portal.Domain.Data;

namespace Portal.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class CustomerPagesTourTests(BrowserFixture browser)
{
    private static readonly TouredPage[] CustomerPages =
    [
        new("/dashboard", "customer-dashboard"), new("/buy", "customer-buy"), new("/upgrade", "customer-upgrade"),
        new("/licenses", "customer-licenses"), new("/orders", "customer-orders"), new("/history", "customer-history"),
        new("/evaluation", "customer-evaluation"), new("/discounts", "customer-discounts"), new("/organization", "customer-organization"),
    ];

    /// <summary>
    /// Every page of the demo customer's navigation on a desktop in light and dark mode and on a phone in dark mode: it
    /// loads, axe finds no serious or critical problem, and on the phone nothing sticks out to the right (except inside
    /// a table that scrolls sideways). Screenshots of each view go to the test output. Problems are reported together.
    /// </summary>
    [Fact]
    public async Task Every_customer_page_passes_axe_in_light_and_dark_mode_and_fits_a_phone()
    {
        await using var session = await browser.NewSessionAsync();
        await session.SignInAsync(DevelopmentData.CustomerEmail, "/dashboard");

        var problems = await session.ProblemsOnEveryPageAsync(browser.BaseAddress, CustomerPages);

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        await session.AssertCleanJourneyAsync();
    }
}
