using System.Text.RegularExpressions;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Portal.Domain.Ordering;
using Portal.Payments;
using Portal.Tests.Browser;
using static Microsoft.Playwright.Assertions;

namespace Portal.Tests.Payments;

/// <summary>
/// A fresh <c>dotnet run</c> (Development, no Stripe keys) in Debian's Chromium: a quote accepted by invoice gets the
/// labelled test invoice, which the customer opens from the order and pays, and the order shows Paid. Checked with axe.
/// </summary>
public sealed partial class TestInvoiceTests
{
    private static readonly string[] ChromiumArgs =
        ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    [Fact]
    public async Task In_the_browser_a_quote_accepted_by_invoice_is_paid_on_the_test_invoice_page()
    {
        var customer = await app.NewCustomerAsync();
        var (quote, _) = await InvoiceOrders.PlaceAsync(app, customer);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = BrowserFixture.ChromiumPath, Headless = true, Args = ChromiumArgs,
        });
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = new UriBuilder(app.BaseAddress) { Host = "localhost" }.Uri.ToString(),
            Locale = "en-GB",
        });
        context.SetDefaultTimeout(15_000);
        var session = new BrowserSession(context, await context.NewPageAsync());
        var page = session.Page;
        await page.GotoAsync("/Account/Login");
        await session.SubmitSignInFormAsync(customer.Email, PaymentsApp.Password);
        await page.WaitForURLAsync(url => !url.Contains("/Account/Login", StringComparison.OrdinalIgnoreCase), new() { WaitUntil = WaitUntilState.Commit });

        // The quote's order waits for its invoice; sending it from the order page issues the test invoice.
        await page.GotoAsync(CheckoutPaths.OrderDetail(quote.OrderId!.Value));
        await session.WaitForInteractivityAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Send the invoice" }).ClickAsync();
        await Expect(page.GetByTestId("invoice-number")).ToContainTextAsync("TEST-");
        await page.GetByTestId("invoice-link").ClickAsync();
        await page.WaitForURLAsync(new Regex("/checkout/test-invoice/"));
        await Expect(page.GetByText("TEST INVOICE — no money is taken.")).ToBeVisibleAsync();
        await AssertAccessibleAsync(page);

        await page.GetByRole(AriaRole.Button, new() { Name = "Pay (test)" }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == CheckoutPaths.OrderDetail(quote.OrderId.Value));
        await Expect(page.GetByTestId("invoice-status")).ToContainTextAsync("Paid");
        Assert.Equal(OrderStatus.Fulfilled, (await app.OrderAsync(quote.OrderId.Value)).Status);
        await AssertAccessibleAsync(page);
        await session.AssertCleanJourneyAsync();
        await context.CloseAsync();
    }

    private static async Task AssertAccessibleAsync(IPage page)
    {
        var violations = (await page.RunAxe()).Violations
            .Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id} ({v.Impact}) {v.Help}: {string.Join(" | ", v.Nodes.Select(n => $"{n.Target} {n.Html}"))}")
            .ToList();
        Assert.True(violations.Count == 0, $"axe on {page.Url}:\n{string.Join("\n", violations)}");
    }
}
