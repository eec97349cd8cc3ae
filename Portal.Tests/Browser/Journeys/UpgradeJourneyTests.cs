using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.Licensing;
using static Microsoft.Playwright.Assertions;

namespace Portal.Tests.Browser.Journeys;

/// <summary>Journey 5: an organization upgrades the OfficeStatus 5 license it bought years ago.</summary>
[Collection(BrowserCollection.Name)]
public sealed class UpgradeJourneyTests(BrowserFixture browser)
{
    /// <summary>
    /// An organization holds a 10-user OfficeStatus 5 license (imported by an admin: bought before the portal). It follows
    /// the dashboard's upgrade action, pays the R6 price on Stripe's page and finds the new 6.x license counting 10 seats,
    /// the old one marked Upgraded, and the order.
    /// </summary>
    [Fact]
    public async Task An_organization_upgrades_its_5x_license_which_then_shows_Upgraded_while_the_new_6x_one_counts()
    {
        var customer = await browser.NewCustomerAsync("Adventure Works");
        await ImportOfficeStatus5LicenseAsync(customer);
        await using var session = await browser.SignedInSessionAsync(customer);
        var page = session.Page;
        await Expect(page.Locator("li").Filter(new() { HasText = "seats for OfficeStatus 5.x" })).ToContainTextAsync("10 seats");
        await session.CheckPageAsync("5-dashboard-older-license");

        await page.Locator("[data-action=upgrade]").ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/upgrade");
        await session.WaitForInteractivityAsync();
        await page.GetByText("OfficeStatus 5.x, 10 seats").ClickAsync();
        await Expect(page.Locator("[data-total]")).ToContainTextAsync("1 license upgraded, 10 seats");
        // R6: 50 % of the 10-user pack's USD 420.00.
        await Expect(page.Locator("[data-total]")).ToContainTextAsync("USD 210.00");
        await session.CheckPageAsync("5-upgrade-quote");

        await page.GetByRole(AriaRole.Button, new() { Name = "Continue to payment", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/pay/cs_test_"));
        Assert.Equal(21_000, browser.Stripe.Session(new Uri(page.Url).Segments.Last()).AmountTotal);
        await page.GetByRole(AriaRole.Button, new() { Name = "Pay" }).ClickAsync();
        await Expect(session.Heading("Payment received — your licenses are ready")).ToBeVisibleAsync();
        await session.WaitForInteractivityAsync();
        var newLicense = page.Locator("tr[data-license-id]");
        await Expect(newLicense).ToHaveCountAsync(1);
        await Expect(newLicense).ToContainTextAsync("OfficeStatus 6.x");
        await Expect(newLicense).ToContainTextAsync("10 users");
        await session.CheckPageAsync("5-upgrade-paid");

        // The new license counts: 10 seats of 6.x, and none of 5.x any more.
        await session.Navigation.GetByRole(AriaRole.Link, new() { Name = "Dashboard", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/dashboard");
        await Expect(page.Locator("li").Filter(new() { HasText = "seats for OfficeStatus 6.x" })).ToContainTextAsync("10 seats");
        await Expect(page.Locator("li").Filter(new() { HasText = "seats for OfficeStatus 5.x" })).ToHaveCountAsync(0);
        await Expect(page.Locator("[data-action=upgrade]")).ToHaveCountAsync(0);
        await session.CheckPageAsync("5-dashboard-upgraded");

        await session.Navigation.GetByRole(AriaRole.Link, new() { Name = "Orders", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/orders");
        var order = page.GetByTestId("orders-table").Locator("tbody tr").First;
        await Expect(order).ToContainTextAsync("Upgrade OfficeStatus 5 → 6, 10 users");
        await Expect(order).ToContainTextAsync("Paid");
        await session.CheckPageAsync("5-orders");

        // The old license's page says Upgraded and links to the license that replaced it.
        await session.Navigation.GetByRole(AriaRole.Link, new() { Name = "Licenses", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/licenses");
        var grid = page.GetByTestId("licenses-grid");
        await Expect(grid.GetByRole(AriaRole.Row).Filter(new() { HasText = "OfficeStatus 5.x" })).ToContainTextAsync("Upgraded");
        await Expect(grid.GetByRole(AriaRole.Row).Filter(new() { HasText = "OfficeStatus 6.x" })).ToContainTextAsync("Active");
        await grid.GetByRole(AriaRole.Row).Filter(new() { HasText = "OfficeStatus 5.x" }).GetByRole(AriaRole.Link).First.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("OfficeStatus 5.x");
        await Expect(page.Locator("[data-status]")).ToHaveTextAsync("Upgraded");
        await Expect(page.GetByRole(AriaRole.Main)).ToContainTextAsync("This license was upgraded");
        await session.CheckPageAsync("5-license-upgraded");

        await session.AssertCleanJourneyAsync();
    }

    private async Task ImportOfficeStatus5LicenseAsync(JourneyCustomer customer)
    {
        await using var scope = browser.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        await using var db = await services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var product = await db.Products.AsNoTracking().SingleAsync(p => p.Code == "officestatus");
        var boughtOn = DateOnly.FromDateTime(DateTime.UtcNow).AddYears(-3);
        var admin = Actor.Person("journey-setup", DevelopmentData.AdminEmail, Roles.Admin);
        await services.GetRequiredService<LicensingService>().ImportAsync(db,
            new ExistingLicense(customer.OrganizationId, product.Id, 5, 10, boughtOn, "Invoice 2023-0042"), admin);
    }
}
