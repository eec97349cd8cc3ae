using Portal.Domain.Data;

namespace Portal.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class CustomerPagesOnAPhoneTests(BrowserFixture browser)
{
    private static readonly string[] CustomerPages =
        ["/dashboard", "/buy", "/upgrade", "/licenses", "/orders", "/history", "/evaluation", "/discounts", "/organization"];

    /// <summary>
    /// Every page of the customer's navigation at a phone's width in dark mode: it loads, fits the screen (nothing
    /// sticks out to the right, except inside a table that scrolls sideways) and axe finds no serious or critical problem. Problems are reported together.
    /// </summary>
    [Fact]
    public async Task Every_customer_page_fits_a_phone_in_dark_mode_and_passes_axe()
    {
        await using var session = await browser.NewSessionAsync();
        await session.SignInAsync(DevelopmentData.CustomerEmail, "/dashboard");

        var problems = await session.ProblemsOnAPhoneInDarkModeAsync(browser.BaseAddress, CustomerPages);

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        await session.AssertNoAppErrorsAsync();
    }
}
