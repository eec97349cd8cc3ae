using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Quotes;
using Portal.Components.Usage;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.Licensing;
using Portal.Domain.Members;
using Portal.Domain.Quotes;
using Portal.Domain.Usage;
using Portal.Tests.Builders;
using static Microsoft.Playwright.Assertions;

namespace Portal.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class CustomerPagesTourTests(BrowserFixture browser)
{
    private static readonly TouredPage[] CustomerPages =
    [
        new("/dashboard", "customer-dashboard"), new("/buy", "customer-buy"), new("/upgrade", "customer-upgrade"),
        new(QuotePaths.List, "customer-quotes"), new("/licenses", "customer-licenses"), new("/orders", "customer-orders"), new("/history", "customer-history"),
        new("/evaluation", "customer-evaluation"), new("/discounts", "customer-discounts"), new("/organization", "customer-organization"),
        new("/organization/members", "customer-members"), new(UsagePaths.Installations, "customer-installations"),
    ];

    /// <summary>
    /// Every page of the demo customer's navigation on a desktop in light and dark mode and on a phone in dark mode: it
    /// loads, axe finds no serious or critical problem, and on the phone nothing sticks out to the right (except inside
    /// a table that scrolls sideways). Screenshots of each view go to the test output. Problems are reported together.
    /// </summary>
    [Fact]
    public async Task Every_customer_page_passes_axe_in_light_and_dark_mode_and_fits_a_phone()
    {
        var quoteId = await DemoQuoteAsync();
        var installationId = await DemoInstallationAsync();
        await using var session = await browser.NewSessionAsync();
        await session.SignInAsync(DevelopmentData.CustomerEmail, "/dashboard");

        var problems = await session.ProblemsOnEveryPageAsync(browser.BaseAddress,
            [.. CustomerPages, new(QuotePaths.Quote(quoteId), "customer-quote"), new(UsagePaths.Installation(installationId), "customer-installation")]);

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        await session.AssertCleanJourneyAsync();
    }

    /// <summary>
    /// An open quote of the demo customer's organization, asked for by the demo customer (an owner): its page shows the
    /// quote and the form to accept it.
    /// </summary>
    private async Task<Guid> DemoQuoteAsync()
    {
        await using var scope = browser.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        await using var db = await services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var organizationId = await db.Organizations.Where(o => o.Name == DevelopmentData.DemoOrganizationName).Select(o => o.Id).SingleAsync();
        var customerId = await db.Users.Where(u => u.Email == DevelopmentData.CustomerEmail).Select(u => u.Id).SingleAsync();
        var product = await db.Products.AsNoTracking().Include(p => p.Packs).SingleAsync(p => p.Code == "officestatus");
        var customer = Actor.Person(customerId, DevelopmentData.CustomerEmail, Roles.Customer).In(organizationId, MemberRoles.Owner);
        var quote = await services.GetRequiredService<QuoteService>()
            .CreateAsync(organizationId, customer, DevelopmentData.CustomerEmail, Carts.Of(product, [(10, 2), (25, 1)], []));
        return quote.Id;
    }

    /// <summary>
    /// An installation of the demo customer's organization over its seats, with a key that Portal did not issue, uploaded by
    /// the demo customer (an owner): the installations pages show its headroom, the offer to buy, the flag and the chart.
    /// </summary>
    private async Task<Guid> DemoInstallationAsync()
    {
        await using var scope = browser.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        await using var db = await services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var organizationId = await db.Organizations.Where(o => o.Name == DevelopmentData.DemoOrganizationName).Select(o => o.Id).SingleAsync();
        var customerId = await db.Users.Where(u => u.Email == DevelopmentData.CustomerEmail).Select(u => u.Id).SingleAsync();
        var product = await db.Products.AsNoTracking().SingleAsync(p => p.Code == "officestatus");
        var installed = await db.Licenses.Where(l => l.OrganizationId == organizationId && l.Major == product.CurrentMajor && l.Status == LicenseStatus.Active)
            .Select(l => new { l.Id, l.Seats }).ToListAsync();
        var customer = Actor.Person(customerId, DevelopmentData.CustomerEmail, Roles.Customer).In(organizationId, MemberRoles.Owner);
        var report = UsageReports.For(Guid.NewGuid(), services.GetRequiredService<TimeProvider>().GetUtcNow()).WithDays(90, installed.Sum(l => l.Seats) + 3) with
        {
            InstallationName = "Tour server",
            Version = $"{product.CurrentMajor}.{product.CurrentMinor}",
            EnabledUsers = installed.Sum(l => l.Seats) + 6,
            LicenseIds = [.. installed.Select(l => l.Id), Guid.NewGuid()],
        };
        var receipt = await services.GetRequiredService<UsageService>().UploadAsync(organizationId, report.Bytes(), customer);
        return receipt.Installation.Id;
    }

    /// <summary>
    /// The license grid on a 1280 × 800 desktop, beside the long notes of an upgraded and a refunded license: each
    /// column header stays on one line and no word of it is split (the cells may wrap long values; the headers may not).
    /// </summary>
    [Fact]
    public async Task The_license_grid_headers_keep_their_words_whole_beside_long_notes()
    {
        var customer = await browser.NewCustomerAsync("Lamna Healthcare Company");
        await UpgradeTwoLicensesAndRefundOneAsync(customer);
        await using var session = await browser.SignedInSessionAsync(customer);
        Assert.Equal(1280, session.Page.ViewportSize?.Width);

        await session.Page.GotoAsync("/licenses");
        await session.WaitForInteractivityAsync();
        var grid = session.Page.GetByTestId("licenses-grid");
        await Expect(grid.Locator("tbody tr")).ToHaveCountAsync(4);
        await Expect(grid).ToContainTextAsync("the payment was refunded");
        await Expect(grid).ToContainTextAsync("Replaced by the 6.x license");
        await session.CheckPageAsync("customer-licenses-with-notes");

        // Per header: the lines its text takes, and the words drawn on more than one line.
        var headers = await grid.EvaluateAsync<string[]>("""
            grid => [...grid.querySelectorAll('thead th')].map(th => {
                const tops = rects => new Set(rects.filter(r => r.width > 0).map(r => Math.round(r.top)));
                const lines = new Set();
                const split = [];
                const texts = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
                for (let node = texts.nextNode(); node; node = texts.nextNode()) {
                    for (const word of node.textContent.matchAll(/\S+/g)) {
                        const range = document.createRange();
                        range.setStart(node, word.index);
                        range.setEnd(node, word.index + word[0].length);
                        const wordLines = tops([...range.getClientRects()]);
                        wordLines.forEach(top => lines.add(top));
                        if (wordLines.size > 1) split.push(word[0]);
                    }
                }
                return `${th.textContent.trim()}: ${lines.size} line(s)` + (split.length ? `, split inside ${split.join(', ')}` : '');
            })
            """);

        Assert.Equal(
            ["License: 1 line(s)", "Seats: 1 line(s)", "Source: 1 line(s)", "Status: 1 line(s)", "Issued: 1 line(s)", "Notes: 1 line(s)"],
            headers);
        await session.AssertCleanJourneyAsync();
    }

    /// <summary>
    /// Two OfficeStatus 5 licenses bought before the portal, both upgraded to 6; the second upgrade refunded in Stripe, which
    /// revokes its license and gives the old one back, as a refund does.
    /// </summary>
    private async Task UpgradeTwoLicensesAndRefundOneAsync(JourneyCustomer customer)
    {
        await using var scope = browser.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var licensing = services.GetRequiredService<LicensingService>();
        await using var db = await services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var product = await db.Products.AsNoTracking().SingleAsync(p => p.Code == "officestatus");
        var admin = Actor.Person("journey-setup", DevelopmentData.AdminEmail, Roles.Admin);
        var boughtOn = DateOnly.FromDateTime(DateTime.UtcNow).AddYears(-3);
        var keptId = (await licensing.ImportAsync(db, new ExistingLicense(customer.OrganizationId, product.Id, 5, 10, boughtOn, "INV-2023-0042"), admin)).Id;
        var refundedId = (await licensing.ImportAsync(db, new ExistingLicense(customer.OrganizationId, product.Id, 5, 25, boughtOn, "INV-2023-0043"), admin)).Id;

        // An import starts its own unit of work by clearing the context: the upgrades read what they change again.
        var organization = await db.Organizations.SingleAsync(o => o.Id == customer.OrganizationId);
        var kept = await db.Licenses.SingleAsync(l => l.Id == keptId);
        var refunded = await db.Licenses.SingleAsync(l => l.Id == refundedId);
        licensing.Upgrade(db, organization, kept, product, Guid.CreateVersion7(), Actor.Stripe);
        var refundedOrderId = Guid.CreateVersion7();
        var withdrawn = licensing.Upgrade(db, organization, refunded, product, refundedOrderId, Actor.Stripe);
        licensing.Revoke(db, withdrawn, $"Order {refundedOrderId:N}: the payment was refunded.", Actor.Stripe);
        licensing.Reinstate(db, refunded, "its upgrade was withdrawn because the payment was refunded", Actor.Stripe);
        await db.SaveChangesAsync();
    }
}
