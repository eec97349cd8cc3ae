using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.Domain.Data;
using Portal.Domain.Organizations;
using static Microsoft.Playwright.Assertions;

namespace Portal.Tests.Browser.Journeys;

/// <summary>Journey 4: a nonprofit applies for its discount with a document; sales approves it; the customer pays less.</summary>
[Collection(BrowserCollection.Name)]
public sealed class DiscountJourneyTests(BrowserFixture browser)
{
    /// <summary>A small but real PDF: the portal checks the content, not the file name.</summary>
    private static readonly byte[] CharityCertificate = Encoding.ASCII.GetBytes(
        "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n" +
        "trailer << /Root 1 0 R >>\n%%EOF\n");

    /// <summary>
    /// The nonprofit applies on the discounts page with its registration number and a PDF certificate. The sales user
    /// opens the case, downloads the certificate (the same bytes) and approves 40 %. The customer then sees the
    /// discount, a quote 40 % lower, pays that amount on Stripe's page and finds it on the order.
    /// </summary>
    [Fact]
    public async Task A_nonprofit_applies_with_a_PDF_sales_approves_40_percent_and_the_quote_and_payment_show_it()
    {
        var customer = await browser.NewCustomerAsync("Riverside Food Bank", OrganizationKind.Nonprofit);

        await using (var session = await browser.SignedInSessionAsync(customer))
        {
            var page = session.Page;
            await session.Navigation.GetByRole(AriaRole.Link, new() { Name = "Discounts", Exact = true }).ClickAsync();
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/discounts");
            await session.WaitForInteractivityAsync();
            await session.CheckPageAsync("4-discounts-apply");
            await page.GetByLabel("Why does your organization qualify?").FillAsync("Registered charity no. 1187654");
            var chooser = await page.RunAndWaitForFileChooserAsync(() =>
                page.GetByRole(AriaRole.Button, new() { Name = "Attach documents" }).ClickAsync());
            await chooser.SetFilesAsync(new FilePayload { Name = "charity-certificate.pdf", MimeType = "application/pdf", Buffer = CharityCertificate });
            await Expect(page.GetByRole(AriaRole.List, new() { Name = "Attached documents" })).ToContainTextAsync("charity-certificate.pdf");
            await page.GetByRole(AriaRole.Button, new() { Name = "Send application" }).ClickAsync();
            await Expect(page.GetByText("Your application for the nonprofit discount was sent to our sales team.")).ToBeVisibleAsync();
            await Expect(page.Locator("[data-application-status=Pending]")).ToBeVisibleAsync();
            await session.CheckPageAsync("4-discounts-pending");
            await session.AssertCleanJourneyAsync();
        }

        await using (var sales = await browser.NewSessionAsync())
        {
            var page = sales.Page;
            await sales.SignInAsync(DevelopmentData.SalesEmail, "/staff");
            await sales.Navigation.GetByRole(AriaRole.Link, new() { Name = "Discount applications", Exact = true }).ClickAsync();
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/staff/discounts");
            await sales.WaitForInteractivityAsync();
            await sales.CheckPageAsync("4-sales-queue");
            await page.GetByRole(AriaRole.Link, new() { Name = customer.OrganizationName, Exact = true }).ClickAsync();
            await Expect(sales.Heading($"Nonprofit discount for {customer.OrganizationName}")).ToBeVisibleAsync();
            await Expect(page.GetByTestId("evidence")).ToHaveTextAsync("Registered charity no. 1187654");
            await Expect(page.GetByLabel("Discount (%)")).ToHaveValueAsync("40");
            await sales.CheckPageAsync("4-sales-case");

            var download = await page.RunAndWaitForDownloadAsync(() =>
                page.GetByRole(AriaRole.Link, new() { Name = "charity-certificate.pdf" }).ClickAsync());
            Assert.Equal(CharityCertificate, await File.ReadAllBytesAsync(await download.PathAsync()));

            await page.GetByTestId("approve").ClickAsync();
            var dialog = page.GetByRole(AriaRole.Dialog);
            await Expect(dialog).ToContainTextAsync("40 %");
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Approve", Exact = true }).ClickAsync();
            await Expect(page.GetByTestId("decision")).ToContainTextAsync($"Approved by {DevelopmentData.SalesEmail}");
            await sales.AssertCleanJourneyAsync();
        }

        await using (var session = await browser.SignedInSessionAsync(customer))
        {
            var page = session.Page;
            await page.GotoAsync("/discounts");
            await session.WaitForInteractivityAsync();
            await Expect(page.GetByTestId("usable-discount")).ToContainTextAsync("40 %");
            await session.CheckPageAsync("4-discounts-approved");

            await page.GotoAsync("/buy");
            await session.WaitForInteractivityAsync();
            await page.GetByLabel("10-user pack", new() { Exact = true }).FillAsync("1");
            await page.GetByLabel("10-user pack", new() { Exact = true }).PressAsync("Tab");
            // 40 % off the 10-user pack's USD 420.00.
            await Expect(page.Locator("[data-total]")).ToContainTextAsync("USD 252.00");
            await session.CheckPageAsync("4-buy-with-discount");

            await page.GetByRole(AriaRole.Button, new() { Name = "Continue to payment", Exact = true }).ClickAsync();
            await page.WaitForURLAsync(new Regex("/pay/cs_test_"));
            Assert.Equal(25_200, browser.Stripe.Session(new Uri(page.Url).Segments.Last()).AmountTotal);
            await page.GetByRole(AriaRole.Button, new() { Name = "Pay" }).ClickAsync();
            await Expect(session.Heading("Payment received — your licenses are ready")).ToBeVisibleAsync();
            // A link followed while the prerendered return page's circuit is still starting can leave that page on
            // screen under the new address (seen twice at load average 40): a person would wait for the page to settle.
            await session.WaitForInteractivityAsync();

            await session.Navigation.GetByRole(AriaRole.Link, new() { Name = "Orders", Exact = true }).ClickAsync();
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/orders");
            var order = page.GetByTestId("orders-table").Locator("tbody tr").First;
            await Expect(order).ToContainTextAsync("USD 252.00");
            await Expect(order).ToContainTextAsync("Paid");
            await order.GetByRole(AriaRole.Link).First.ClickAsync();
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath.StartsWith("/orders/", StringComparison.Ordinal));
            await Expect(page.GetByRole(AriaRole.Main)).ToContainTextAsync("Nonprofit");
            await Expect(page.GetByRole(AriaRole.Main)).ToContainTextAsync("USD 252.00");
            await session.CheckPageAsync("4-order-with-discount");
            await session.AssertCleanJourneyAsync();
        }
    }
}
