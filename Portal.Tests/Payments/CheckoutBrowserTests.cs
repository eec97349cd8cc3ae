using System.Text.RegularExpressions;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Portal.Payments;
using Portal.Tests.Browser;
using static Microsoft.Playwright.Assertions;

namespace Portal.Tests.Payments;

/// <summary>
/// The checkout pages in Debian's Chromium: the interactive "Go to checkout" form reaches Stripe's hosted page, and the
/// return page, waiting for a delayed payment, updates itself (no reload) when the webhook fulfils the order. Checked with
/// axe. (Buying on /buy through Stripe's page is journey 2, Browser/Journeys/BuyingJourneyTests.)
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
            await Expect(page.Locator($"tr[data-license-id='{license.Id}']").GetByTestId("license-key")).ToHaveTextAsync(license.Key);
        await AssertAccessibleAsync(page);
        await session.AssertCleanJourneyAsync();
    }

    /// <summary>
    /// The return page on a laptop's 1280x800 screen: each key wraps inside its cell with a copy and a download button
    /// beside it (the license page's own parts), each license's link stays on one line, and the order summary's rows
    /// are drawn alike.
    /// </summary>
    [Fact]
    public async Task At_1280_pixels_the_return_page_keeps_each_key_in_its_cell_beside_its_buttons_and_draws_the_summary_evenly()
    {
        var customer = await app.NewCustomerAsync();
        var order = await app.PlaceOrderAsync(customer, (25, 1), (10, 1));
        var checkout = await app.CheckoutSessionAsync(customer, order.Id);
        app.Stripe.MarkPaid(checkout.Id);
        await using var session = await SignInAsync(customer);
        var page = session.Page;

        await page.GotoAsync(CheckoutPaths.ReturnForSession(checkout.Id));
        await Expect(session.Heading("Payment received — your licenses are ready")).ToBeVisibleAsync();
        await session.WaitForInteractivityAsync();
        await Screenshots.SaveAsync(page, "checkout-return-1280");

        var licenses = await app.LicensesAsync(order.Id);
        Assert.Equal(2, licenses.Count);
        foreach (var license in licenses)
        {
            var row = page.Locator($"[data-license-id='{license.Id}']");
            var key = row.GetByTestId("license-key");
            await Expect(key).ToHaveTextAsync(license.Key);
            Assert.True(await key.EvaluateAsync<bool>(
                    "e => e.scrollWidth <= e.clientWidth + 1 && e.getBoundingClientRect().right <= e.closest('td').getBoundingClientRect().right + 1"),
                "the key wraps inside its cell");
            await Expect(row.GetByRole(AriaRole.Button, new() { Name = "Copy key" })).ToBeVisibleAsync();
            await Expect(row.GetByRole(AriaRole.Link, new() { Name = "Download .lic file" })).ToBeVisibleAsync();
            var link = row.GetByRole(AriaRole.Link, new() { Name = "OfficeStatus 6.x", Exact = true });
            Assert.Equal(1, await link.EvaluateAsync<int>("e => e.getClientRects().length"));
        }

        // The summary's rows (heading, lines, total) are drawn alike: none draws lines between its cells.
        await page.GetByTestId("order-lines").ScrollIntoViewIfNeededAsync();
        await Screenshots.SaveAsync(page, "checkout-return-1280-summary");
        var rowsWithCellBorders = await page.GetByTestId("order-lines").Locator("tr").EvaluateAllAsync<bool[]>(
            "rows => rows.map(r => [...r.cells].some(c => parseFloat(getComputedStyle(c).borderRightWidth) > 0 || parseFloat(getComputedStyle(c).borderLeftWidth) > 0))");
        Assert.Equal(4, rowsWithCellBorders.Length);
        Assert.All(rowsWithCellBorders, Assert.False);
        await AssertAccessibleAsync(page);
        await session.AssertCleanJourneyAsync();
    }

    /// <summary>A browser signed in as the customer; signed in once the sign-in redirect is followed.</summary>
    private async Task<BrowserSession> SignInAsync(TestCustomer customer)
    {
        // "localhost", not the IP address: the sign-in page's passkey script reports an IP address as an invalid domain.
        var baseAddress = new UriBuilder(app.BaseAddress) { Host = "localhost" }.Uri;
        var context = await _browser!.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString(),
            Locale = "en-GB",
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
        });
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
