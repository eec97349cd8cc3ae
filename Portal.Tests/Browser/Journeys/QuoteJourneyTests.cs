using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using MimeKit;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.Discounts;
using Portal.Domain.Organizations;
using UglyToad.PdfPig;
using static Microsoft.Playwright.Assertions;

namespace Portal.Tests.Browser.Journeys;

/// <summary>
/// Issue 21: a government body goes from a quote to keys without a card and without talking to anyone — the quote with
/// its approved discount, the PDF, acceptance with a purchase-order number, the invoice paid on Stripe's hosted page.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class QuoteJourneyTests(BrowserFixture browser)
{
    private const string PurchaseOrder = "PO-2026-0117";

    [Fact]
    public async Task A_county_gets_a_quote_with_its_discount_accepts_it_with_a_PO_pays_the_invoice_and_receives_its_keys()
    {
        var customer = await browser.NewCustomerAsync("Lakeside County", OrganizationKind.Governmental);
        await ApproveGovernmentalDiscountAsync(customer);
        await browser.Services.GetRequiredService<OrganizationService>().ChangeBillingDetailsAsync(customer.OrganizationId,
            PostalAddress.Create("1 Civic Plaza", "", "54321", "Lakeside", "WI"), TaxId.Create("us_ein", "39-6005720"),
            purchaseOrderRequired: true, customer.Actor);

        await using var session = await browser.SignedInSessionAsync(customer);
        var page = session.Page;
        await page.GotoAsync("/buy");
        await session.WaitForInteractivityAsync();
        await page.GetByLabel("10-user pack", new() { Exact = true }).FillAsync("1");
        await page.GetByLabel("10-user pack", new() { Exact = true }).PressAsync("Tab");
        // 20 % governmental discount off the 10-user pack's USD 420.00.
        await Expect(page.Locator("[data-total]")).ToContainTextAsync("USD 336.00");

        await page.GetByRole(AriaRole.Button, new() { Name = "Get a quote", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/quotes/[0-9a-f-]{36}$"));
        await session.WaitForInteractivityAsync();
        var number = await QuoteNumberAsync(customer);
        await Expect(session.Heading($"Quote {number}")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("quote-total")).ToContainTextAsync("USD 336.00");
        await Expect(page.GetByTestId("quote-discount")).ToBeVisibleAsync();
        await session.CheckPageAsync("21-quote");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("quote-pdf").ClickAsync());
        Assert.Equal($"{number}.pdf", download.SuggestedFilename);
        var pdfText = PdfText(await File.ReadAllBytesAsync(await download.PathAsync()));
        Assert.Contains(number, pdfText, StringComparison.Ordinal);
        Assert.Contains("USD 336.00", pdfText, StringComparison.Ordinal);
        Assert.Contains("39-6005720", pdfText, StringComparison.Ordinal);

        await page.GetByLabel("Purchase-order number").FillAsync(PurchaseOrder);
        await page.GetByRole(AriaRole.Radio, new() { Name = "Pay by invoice", Exact = false }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Accept and send the invoice", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/orders/[0-9a-f-]{36}$"));
        await session.WaitForInteractivityAsync();
        var orderUrl = page.Url;
        await Expect(page.GetByTestId("order-po")).ToHaveTextAsync(PurchaseOrder);
        await Expect(page.GetByTestId("invoice-status")).ToContainTextAsync("Open");
        await Expect(page.GetByTestId("invoice-number")).ToContainTextAsync("KMS-");
        await session.CheckPageAsync("21-order-invoiced");

        var invoice = Assert.Single(browser.Stripe.InvoicesForOrder(Guid.Parse(new Uri(orderUrl).Segments.Last())));
        Assert.Contains(invoice.Form, field => field.Key.StartsWith("custom_fields[", StringComparison.Ordinal) && field.Value == PurchaseOrder);
        var hostedInvoice = await page.GetByTestId("invoice-link").GetAttributeAsync("href");
        await page.GotoAsync(hostedInvoice!);
        await page.GetByRole(AriaRole.Button, new() { Name = "Pay", Exact = true }).ClickAsync();

        await page.GotoAsync(orderUrl);
        await session.WaitForInteractivityAsync();
        await Expect(page.GetByTestId("invoice-status")).ToContainTextAsync("Paid");
        await Expect(page.GetByRole(AriaRole.Main)).ToContainTextAsync("10 users");
        await session.CheckPageAsync("21-order-paid");

        var registration = await browser.Smtp.WaitForMessageAsync(
            m => IsRegistration(m) && m.To.Mailboxes.Any(to => to.Address == customer.Email), "registration email");
        Assert.Contains(registration.Attachments.OfType<MimePart>(), a => a.FileName?.EndsWith(".lic", StringComparison.Ordinal) == true);
        await session.AssertCleanJourneyAsync();
    }

    private async Task ApproveGovernmentalDiscountAsync(JourneyCustomer customer)
    {
        var discounts = browser.Services.GetRequiredService<DiscountService>();
        var application = await discounts.SubmitAsync(customer.OrganizationId, DiscountKind.Governmental, "County government.", [], customer.Actor);
        await discounts.ApproveAsync(application.Id, percent: 20, validUntil: null, note: null,
            Actor.Person("journey-sales", DevelopmentData.SalesEmail, Roles.Sales));
    }

    private async Task<string> QuoteNumberAsync(JourneyCustomer customer)
    {
        await using var scope = browser.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        return await db.Quotes.Where(q => q.OrganizationId == customer.OrganizationId).Select(q => q.Number).SingleAsync();
    }

    private static string PdfText(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        return string.Join("\n", document.GetPages().Select(p => p.Text));
    }

    private static bool IsRegistration(MimeMessage message) => message.Subject?.Contains("registration", StringComparison.Ordinal) == true;
}
