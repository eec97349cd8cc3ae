using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using MimeKit;
using Portal.Domain.Keys;
using static Microsoft.Playwright.Assertions;

namespace Portal.Tests.Browser.Journeys;

/// <summary>Journey 2: a customer buys two seat packs through Stripe Checkout and gets the keys, on the page and by email.</summary>
[Collection(BrowserCollection.Name)]
public sealed partial class BuyingJourneyTests(BrowserFixture browser)
{
    /// <summary>
    /// The customer picks a 25-user and a 10-user pack, sees the server's quote, pays on Stripe's hosted page (the
    /// fake's, which sends the signed webhook), comes back to the keys, sees 35 seats on the dashboard, downloads both
    /// license files (each verifies with the JWKS alone) and finds one registration email with both files attached.
    /// </summary>
    [Fact]
    public async Task A_customer_buys_a_25_and_a_10_user_pack_through_Stripe_and_gets_35_seats_and_both_keys()
    {
        var customer = await browser.NewCustomerAsync("Alpine Ski House");
        await using var session = await browser.SignedInSessionAsync(customer);
        var page = session.Page;
        await session.CheckPageAsync("2-dashboard-before-buying");

        await session.Navigation.GetByRole(AriaRole.Link, new() { Name = "Buy seats", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/buy");
        await session.WaitForInteractivityAsync();
        foreach (var pack in new[] { "25-user pack", "10-user pack" })
        {
            await page.GetByLabel(pack, new() { Exact = true }).FillAsync("1");
            await page.GetByLabel(pack, new() { Exact = true }).PressAsync("Tab");
        }
        await Expect(page.Locator("[data-total]")).ToContainTextAsync("USD 1,395.00");
        await Expect(page.Locator("[data-total]")).ToContainTextAsync("35 new seats");
        await session.CheckPageAsync("2-buy-quote");

        // Stripe's hosted page shows the server's amounts; paying sends the signed webhook and comes back.
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue to payment", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/pay/cs_test_"));
        var stripeSession = browser.Stripe.Session(new Uri(page.Url).Segments.Last());
        Assert.Equal(139_500, stripeSession.AmountTotal);
        await page.GetByRole(AriaRole.Button, new() { Name = "Pay" }).ClickAsync();
        await Expect(session.Heading("Payment received — your licenses are ready")).ToBeVisibleAsync();
        await session.WaitForInteractivityAsync();
        await Expect(page.Locator("tr[data-license-id]")).ToHaveCountAsync(2);
        await session.CheckPageAsync("2-payment-received");

        await session.Navigation.GetByRole(AriaRole.Link, new() { Name = "Dashboard", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/dashboard");
        await Expect(page.Locator("li").Filter(new() { HasText = "seats for OfficeStatus 6.x" })).ToContainTextAsync("35 seats");
        await session.CheckPageAsync("2-dashboard-35-seats");

        // Both keys, downloaded from their license pages, verify with the JWKS alone.
        var jwks = await (await session.Context.APIRequest.GetAsync("/.well-known/jwks.json")).TextAsync();
        var verifier = new LicenseKeyVerifier(jwks) { ProductCode = "officestatus" };
        await session.Navigation.GetByRole(AriaRole.Link, new() { Name = "Licenses", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/licenses");
        var licenseLinks = page.GetByTestId("licenses-grid").Locator("a[href^='/licenses/']");
        await Expect(licenseLinks).ToHaveCountAsync(2);
        await session.CheckPageAsync("2-licenses");
        var licensePages = await licenseLinks.EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))");
        var downloaded = new Dictionary<string, int>();
        foreach (var licensePage in licensePages)
        {
            await page.GotoAsync(licensePage);
            await session.WaitForInteractivityAsync();
            await session.CheckPageAsync($"2-license-{downloaded.Count + 1}");
            var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("download-license").ClickAsync());
            var verification = verifier.Verify(await File.ReadAllTextAsync(await download.PathAsync()));
            Assert.True(verification.IsValid, verification.Message);
            Assert.Equal(customer.OrganizationName, verification.Claims.Licensee);
            downloaded[verification.Claims.LicenseId.ToString()] = verification.Claims.Seats;
        }
        Assert.Equal([10, 25], downloaded.Values.Order());

        // One registration email, with both license files attached.
        var registration = await browser.Smtp.WaitForMessageAsync(
            m => IsRegistration(m) && m.To.Mailboxes.Any(to => to.Address == customer.Email), "registration email");
        Assert.Single(browser.Smtp.MessagesTo(customer.Email), IsRegistration);
        var attached = registration.Attachments.OfType<MimePart>().Where(a => a.FileName?.EndsWith(".lic", StringComparison.Ordinal) == true).ToList();
        Assert.Equal(2, attached.Count);
        foreach (var file in attached)
        {
            using var content = new MemoryStream();
            await file.Content!.DecodeToAsync(content);
            var verification = verifier.Verify(Encoding.UTF8.GetString(content.ToArray()));
            Assert.True(verification.IsValid, verification.Message);
            Assert.Equal(downloaded[verification.Claims.LicenseId.ToString()], verification.Claims.Seats);
        }

        await session.AssertCleanJourneyAsync();
    }

    private static bool IsRegistration(MimeMessage message) => message.Subject?.Contains("registration", StringComparison.Ordinal) == true;
}
