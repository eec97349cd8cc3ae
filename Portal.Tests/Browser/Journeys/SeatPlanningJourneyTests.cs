using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.Licensing;
using Portal.Domain.Members;
using Portal.Tests.Builders;
using static Microsoft.Playwright.Assertions;

namespace Portal.Tests.Browser.Journeys;

/// <summary>
/// Issue 22: an IT administrator uploads the installation's usage report, sees it is over its seats, buys exactly the
/// cheapest cover for what is missing through Stripe, and sees the new seats in the headroom.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SeatPlanningJourneyTests(BrowserFixture browser)
{
    private const string ItAdministrator = "it-admin@northwind-usage.example";
    private static readonly Guid Server = Guid.Parse("6b1f0c2e-9d4a-4e3b-8f5c-7a2d1e0b9c84");

    [Fact]
    public async Task An_IT_administrator_uploads_41_users_against_35_seats_buys_the_6_missing_seats_and_sees_them_in_the_headroom()
    {
        var owner = await browser.NewCustomerAsync("Northwind Usage Ltd");
        var installed = await PurchaseAsync(owner.OrganizationId, 25, 10);
        await AddMemberAsync(owner.OrganizationId, MemberRoles.Technical | MemberRoles.Billing);
        var now = browser.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        var report = UsageReports.For(Server, now.AddMinutes(-5)).WithDays(90, 38) with
        {
            InstallationName = "Northwind file server",
            EnabledUsers = 41,
            LicenseIds = installed,
        };

        await using var session = await browser.NewSessionAsync();
        var page = session.Page;
        await page.GotoAsync("/Account/Login");
        await session.SubmitSignInFormAsync(ItAdministrator, JourneyCustomer.Password);
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/dashboard");
        await session.WaitForInteractivityAsync();

        await session.Navigation.GetByRole(AriaRole.Link, new() { Name = "Installations", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/installations");
        await session.WaitForInteractivityAsync();
        await page.Locator("input[type=file]").SetInputFilesAsync(new FilePayload
        {
            Name = "officestatus-usage.json",
            MimeType = "application/json",
            Buffer = report.Bytes(),
        });
        await Expect(page.GetByTestId("upload-received")).ToContainTextAsync("Over by 6 seats");
        await Expect(page.GetByTestId("installations")).ToContainTextAsync("Northwind file server");
        await session.CheckPageAsync("22-installations-over");

        await session.Navigation.GetByRole(AriaRole.Link, new() { Name = "Dashboard", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/dashboard");
        await Expect(page.GetByTestId("dashboard-installations")).ToContainTextAsync("Over by 6 seats");
        await Expect(page.GetByTestId("dashboard-installations")).ToContainTextAsync("41 enabled users for 35 seats");
        await session.CheckPageAsync("22-dashboard-over");

        await page.GetByTestId("dashboard-installations").GetByRole(AriaRole.Link, new() { Name = "Northwind file server" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/installations/[0-9a-f-]{36}$"));
        await session.WaitForInteractivityAsync();
        var installationUrl = page.Url;
        await Expect(page.GetByTestId("usage-chart")).ToBeVisibleAsync();
        await session.CheckPageAsync("22-installation-over");

        // 6 users: a 5-user and a 1-user pack (USD 274.00) beat six single seats (USD 294.00) and a 10-user pack (USD 420.00).
        await page.GetByRole(AriaRole.Link, new() { Name = "Buy the 6 missing seats for Northwind file server" }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).PathAndQuery == "/buy?seats=6");
        await session.WaitForInteractivityAsync();
        await Expect(page.GetByTestId("planner-outcome")).ToContainTextAsync("no surplus");
        await Expect(page.GetByLabel("5-user pack", new() { Exact = true })).ToHaveValueAsync("1");
        await Expect(page.GetByLabel("1-user pack", new() { Exact = true })).ToHaveValueAsync("1");
        await Expect(page.Locator("[data-total]")).ToContainTextAsync("USD 274.00");
        await Expect(page.Locator("[data-total]")).ToContainTextAsync("6 new seats");
        await session.CheckPageAsync("22-buy-missing-seats");

        await page.GetByRole(AriaRole.Button, new() { Name = "Continue to payment", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/pay/cs_test_"));
        Assert.Equal(27_400, browser.Stripe.Session(new Uri(page.Url).Segments.Last()).AmountTotal);
        await page.GetByRole(AriaRole.Button, new() { Name = "Pay" }).ClickAsync();
        await Expect(session.Heading("Payment received — your licenses are ready")).ToBeVisibleAsync();

        // The new keys are not installed yet: the installation now has a seat for every user, 6 of them to install.
        await page.GotoAsync(installationUrl);
        await session.WaitForInteractivityAsync();
        await Expect(page.Locator("[data-figure=installed]")).ToHaveTextAsync("35");
        await Expect(page.Locator("[data-figure=not-installed]")).ToHaveTextAsync("6");
        await Expect(page.Locator("main [data-state]").First).Not.ToHaveAttributeAsync("data-state", "Over");
        await Expect(page.GetByTestId("install-keys")).ToBeVisibleAsync();
        await session.CheckPageAsync("22-installation-after-buying");

        // The keys to install reach the IT administrator, a Technical member, by email.
        var registration = await browser.Smtp.WaitForMessageAsync(
            m => m.To.Mailboxes.Any(to => to.Address == ItAdministrator) && (m.Subject ?? "").Contains("registration", StringComparison.Ordinal),
            "registration email");
        Assert.Equal(2, registration.Attachments.Count(a => a.ContentDisposition?.FileName?.EndsWith(".lic", StringComparison.Ordinal) == true));

        await session.AssertCleanJourneyAsync();
    }

    private async Task<IReadOnlyList<Guid>> PurchaseAsync(Guid organizationId, params int[] packSizes)
    {
        await using var scope = browser.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var organization = await db.Organizations.SingleAsync(o => o.Id == organizationId);
        var product = await db.Products.SingleAsync(p => p.Code == "officestatus");
        var licensing = scope.ServiceProvider.GetRequiredService<LicensingService>();
        var licenses = packSizes.Select(seats => licensing.IssuePurchased(db, organization, product, seats, Guid.NewGuid(), Actor.Stripe)).ToList();
        await db.SaveChangesAsync();
        return licenses.Select(l => l.Id).ToList();
    }

    private async Task AddMemberAsync(Guid organizationId, MemberRoles roles)
    {
        await using var scope = browser.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = new PortalUser { UserName = ItAdministrator, Email = ItAdministrator, EmailConfirmed = true };
        user.JoinAs(db, organizationId, roles);
        Assert.True((await users.CreateAsync(user, JourneyCustomer.Password)).Succeeded);
        Assert.True((await users.AddToRoleAsync(user, Roles.Customer)).Succeeded);
    }
}
