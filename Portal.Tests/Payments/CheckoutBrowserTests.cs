using System.Text.RegularExpressions;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Portal.Payments;
using Portal.Tests.Browser;
using static Microsoft.Playwright.Assertions;

namespace Portal.Tests.Payments;

/// <summary>
/// The checkout pages in Debian's Chromium: the interactive "Go to checkout" form reaches Stripe's hosted page, and the
/// return page, waiting for a delayed payment, updates itself (no reload) when the webhook fulfils the order. Checked with axe.
/// </summary>
[Collection(PaymentsCollection.Name)]
public sealed class CheckoutBrowserTests(PaymentsApp app) : IAsyncLifetime
{
    private static readonly string[] ChromiumArgs =
        ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public async Task InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = BrowserFixture.ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
        });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
            await _browser.CloseAsync();
        _playwright?.Dispose();
    }

    [Fact]
    public async Task The_return_page_goes_to_checkout_and_updates_itself_when_a_delayed_payment_arrives()
    {
        var customer = await app.NewCustomerAsync();
        var order = await app.PlaceOrderAsync(customer, (25, 1), (10, 1));
        await using var session = await SignInAsync(customer);
        var page = session.Page;

        // The order waits for payment; the interactive page's form posts to /checkout/{id}, which sends the browser to Stripe.
        await page.GotoAsync(CheckoutPaths.ReturnForOrder(order.Id));
        await Expect(session.Heading("Your order is not paid yet")).ToBeVisibleAsync();
        await session.WaitForInteractivityAsync();
        await AssertAccessibleAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Go to checkout" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/pay/cs_test_"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Fake Stripe Checkout" })).ToBeVisibleAsync();
        var sessionId = new Uri(page.Url).Segments.Last();

        // A bank debit: checkout completes unpaid; the customer is back on the return page while the money is on its way.
        app.Stripe.MarkPaid(sessionId, paymentStatus: "unpaid");
        await app.Stripe.SendAsync(app.Stripe.SessionEvent("checkout.session.completed", sessionId));
        await page.GotoAsync(CheckoutPaths.ReturnForSession(sessionId));
        await Expect(session.Heading("We're processing your payment")).ToBeVisibleAsync();
        await session.WaitForInteractivityAsync();
        await AssertAccessibleAsync(page);
        await page.EvaluateAsync("() => window.stillTheSamePage = true");

        app.Stripe.MarkPaid(sessionId);
        await app.Stripe.SendAsync(app.Stripe.SessionEvent("checkout.session.async_payment_succeeded", sessionId));

        await Expect(session.Heading("Payment received — your licenses are ready")).ToBeVisibleAsync(new() { Timeout = 15_000 });
        Assert.True(await page.EvaluateAsync<bool>("() => window.stillTheSamePage === true"), "the page updated itself without reloading");
        foreach (var license in await app.LicensesAsync(order.Id))
            await Expect(page.Locator($"tr[data-license-id='{license.Id}'] code")).ToHaveTextAsync(license.Key);
        await AssertAccessibleAsync(page);
        await session.AssertNoAppErrorsAsync();
    }

    [Fact]
    public async Task A_customer_picks_packs_on_the_buy_page_pays_on_Stripes_page_and_comes_back_to_the_keys()
    {
        var customer = await app.NewCustomerAsync();
        await using var session = await SignInAsync(customer);
        var page = session.Page;

        await page.GotoAsync("/buy");
        await session.WaitForInteractivityAsync();
        foreach (var pack in new[] { "25-user pack", "10-user pack" })
        {
            await page.GetByLabel(pack, new() { Exact = true }).FillAsync("1");
            await page.GetByLabel(pack, new() { Exact = true }).PressAsync("Tab");
        }
        await Expect(page.Locator("[data-total]")).ToContainTextAsync("USD 1,395.00");
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue to payment", Exact = true }).ClickAsync();

        // Stripe's hosted page (the fake's), with the server's amounts; paying sends the signed webhook and returns.
        await Expect(page).ToHaveURLAsync(new Regex("/pay/cs_test_"));
        var sessionId = new Uri(page.Url).Segments.Last();
        Assert.Equal(139_500, app.Stripe.Session(sessionId).AmountSubtotal);
        await page.GetByRole(AriaRole.Button, new() { Name = "Pay" }).ClickAsync();

        await Expect(session.Heading("Payment received — your licenses are ready")).ToBeVisibleAsync();
        var order = await app.OrderAsync(StripeOrderId(sessionId));
        var licenses = await app.LicensesAsync(order.Id);
        Assert.Equal([10, 25], licenses.Select(l => l.Seats).Order());
        foreach (var license in licenses)
            await Expect(page.Locator($"tr[data-license-id='{license.Id}'] code")).ToHaveTextAsync(license.Key);
        Assert.Equal(35, await app.SeatsAsync(customer.OrganizationId));
        await session.AssertNoAppErrorsAsync();
    }

    private Guid StripeOrderId(string sessionId) => Guid.Parse(app.Stripe.Session(sessionId).OrderId!);

    /// <summary>A browser signed in as the customer; signed in once the sign-in redirect is followed.</summary>
    private async Task<BrowserSession> SignInAsync(TestCustomer customer)
    {
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions { BaseURL = app.BaseAddress.ToString(), Locale = "en-GB" });
        context.SetDefaultTimeout(15_000);
        var session = new BrowserSession(context, await context.NewPageAsync());
        await session.Page.GotoAsync("/Account/Login");
        await session.SubmitSignInFormAsync(customer.Email, PaymentsApp.Password);
        await session.Page.WaitForURLAsync(url => !url.Contains("/Account/Login", StringComparison.OrdinalIgnoreCase),
            new() { WaitUntil = WaitUntilState.Commit });
        return session;
    }

    private static async Task AssertAccessibleAsync(IPage page)
    {
        var violations = await SeriousViolationsAsync(page);
        Assert.True(violations.Count == 0, $"axe on {page.Url}:\n{string.Join("\n", violations)}");
    }

    private static async Task<IReadOnlyList<string>> SeriousViolationsAsync(IPage page) =>
        (await page.RunAxe()).Violations
            .Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id} ({v.Impact}) {v.Help}: {string.Join(" | ", v.Nodes.Select(n => $"{n.Target} {n.Html}"))}")
            .ToList();
}
