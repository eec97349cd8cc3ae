using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Customers;
using Portal.Components.Staff;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.Evaluations;
using Portal.Domain.Members;
using Portal.Domain.Ordering;
using Portal.Domain.Organizations;
using Portal.Domain.Licensing;
using Portal.Domain.Quotes;
using Portal.Domain.Usage;
using Portal.Tests.Builders;

namespace Portal.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class StaffPagesTourTests(BrowserFixture browser)
{
    /// <summary>
    /// Every page of the staff navigation, and a case of each desk, as the admin (who sees them all) on a desktop in
    /// light and dark mode and on a phone in dark mode: it loads, axe finds no serious or critical problem, and on the
    /// phone it fits the screen (a wide table may scroll sideways inside itself). Screenshots of each view go to the test
    /// output. Problems are reported together.
    /// </summary>
    [Fact]
    public async Task Every_staff_page_passes_axe_in_light_and_dark_mode_and_fits_a_phone()
    {
        await using var session = await browser.NewSessionAsync();
        await session.SignInAsync(DevelopmentData.AdminEmail, "/staff");

        var problems = await session.ProblemsOnEveryPageAsync(browser.BaseAddress, await StaffPagesAsync());

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        await session.AssertCleanJourneyAsync();
    }

    private async Task<IReadOnlyList<TouredPage>> StaffPagesAsync()
    {
        await using var scope = browser.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var application = await db.DiscountApplications.AsNoTracking().OrderBy(a => a.AppliedAt).FirstAsync();
        var request = await db.Set<ExtensionRequest>().AsNoTracking().OrderBy(r => r.RequestedAt).FirstAsync();
        var team = await TeamAsync(db);
        var (openQuote, invoicedQuote) = await QuotesAsync(db);
        var usage = await InstallationsAsync(db);
        return
        [
            new("/staff", "staff-overview"), new(StaffPaths.Discounts, "staff-discounts"),
            new(StaffPaths.DiscountCase(application.Id), "staff-discount-case"), new(StaffPaths.Extensions, "staff-extensions"),
            new(StaffPaths.ExtensionCase(request.Id), "staff-extension-case"), new(StaffPaths.Orders, "staff-orders"),
            new(CustomerPaths.Directory, "staff-customers"), new(CustomerPaths.Detail(application.OrganizationId), "staff-customer"),
            new(CustomerPaths.Detail(team), "staff-customer-team"),
            new(CustomerPaths.Detail(usage), "staff-customer-installations"),
            new(CustomerPaths.DirectoryView(CustomerUsageFilter.Over, CustomerSort.MostMissingSeats), "staff-customers-over"),
            new(StaffPaths.Quotes, "staff-quotes"), new(StaffPaths.QuoteView(QuoteQueue.AwaitingPayment), "staff-quotes-awaiting-payment"),
            new(StaffPaths.QuoteView(QuoteQueue.OverdueInvoices), "staff-quotes-overdue"),
            new(StaffPaths.QuoteCase(openQuote), "staff-quote-case"), new(StaffPaths.QuoteCase(invoicedQuote), "staff-quote-case-invoiced"),
            new("/admin/catalog", "admin-catalog"), new("/admin/licenses", "admin-licenses"), new("/admin/staff", "admin-staff"),
            new("/admin/keys", "admin-keys"), new("/admin/audit", "admin-audit"),
        ];
    }

    /// <summary>
    /// A school with an open quote, and a quote it accepted to pay by invoice whose invoice is issued: the desk's views,
    /// an open quote's special price form, and an accepted quote's order and invoice.
    /// </summary>
    private async Task<(Guid Open, Guid Invoiced)> QuotesAsync(PortalDbContext db)
    {
        var school = await browser.NewCustomerAsync("Tour Quotes School", OrganizationKind.Educational);
        var buyer = school.Actor;
        var product = await db.Products.AsNoTracking().Include(p => p.Packs).OrderBy(p => p.Name).FirstAsync();
        var cart = Carts.Of(product, [(product.Packs.Min(p => p.Seats), 2)], []);
        var quotes = browser.Services.GetRequiredService<QuoteService>();
        var open = await quotes.CreateAsync(school.OrganizationId, buyer, school.Email, cart);
        var accepted = await quotes.CreateAsync(school.OrganizationId, buyer, school.Email, cart);
        var order = await quotes.AcceptAsync(school.OrganizationId, accepted.Id, buyer, school.Email,
            new QuoteAcceptance("PO-TOUR-1", PostalAddress.Create("1 School Lane", null, "10001", "New York", "NY"), null, PaymentMethod.Invoice));
        var dueAt = browser.Services.GetRequiredService<TimeProvider>().GetUtcNow().AddDays(30);
        await browser.Services.GetRequiredService<PaymentEventService>().HandleAsync(new InvoiceIssued(order.Id,
            new IssuedInvoice($"in_tour_{order.Id:N}", "TOUR-0001", dueAt, "https://invoice.stripe.test/tour", "https://invoice.stripe.test/tour.pdf"), order.Total));
        return (open.Id, accepted.Id);
    }

    /// <summary>A customer with an owner, a Technical member and an invitation waiting: the members section with its role chips and actions.</summary>
    private async Task<Guid> TeamAsync(PortalDbContext db)
    {
        var owner = await browser.NewCustomerAsync("Tour Team Ltd");
        const string technical = "tech@tour-team.example";
        db.Users.Add(new PortalUser { UserName = technical, Email = technical, EmailConfirmed = true }.JoinAs(db, owner.OrganizationId, MemberRoles.Technical));
        await db.SaveChangesAsync();
        await browser.Services.GetRequiredService<MembershipService>().InviteAsync(owner.OrganizationId, "buyer@tour-team.example", MemberRoles.Billing,
            owner.Actor.In(owner.OrganizationId, MemberRoles.Owner), token => new Uri(browser.BaseAddress, $"/invitations/{token}"));
        return owner.OrganizationId;
    }

    /// <summary>
    /// A customer with an installation over its seats that names a partner's key, another silent for 100 days, and its
    /// own key installed at the partner's: the customer page's installations and the list of customers over their seats.
    /// </summary>
    private async Task<Guid> InstallationsAsync(PortalDbContext db)
    {
        var customer = await browser.NewCustomerAsync("Tour Usage Ltd");
        var partner = await browser.NewCustomerAsync("Tour Usage Partner");
        var product = await db.Products.AsNoTracking().SingleAsync(p => p.Code == "officestatus");
        var admin = Actor.Person("tour-setup", DevelopmentData.AdminEmail, Roles.Admin);
        var licensing = browser.Services.GetRequiredService<LicensingService>();
        var ours = await licensing.GrantComplimentaryAsync(db, customer.OrganizationId, product.Id, product.CurrentMajor, 25, "Tour", admin);
        var theirs = await licensing.GrantComplimentaryAsync(db, partner.OrganizationId, product.Id, product.CurrentMajor, 10, "Tour", admin);
        var now = browser.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        var usage = browser.Services.GetRequiredService<UsageService>();

        async Task ReportAsync(JourneyCustomer reporter, string name, DateTimeOffset writtenAt, int enabledUsers, params License[] keys) =>
            await usage.UploadAsync(reporter.OrganizationId, (UsageReports.For(Guid.NewGuid(), writtenAt) with
            {
                InstallationName = name,
                Version = $"{product.CurrentMajor}.{product.CurrentMinor}",
                EnabledUsers = enabledUsers,
                LicenseIds = keys.Select(k => k.Id).ToList(),
            }).Bytes(), reporter.Actor);

        await ReportAsync(customer, "TOUR-SRV-01", now, 31, ours, theirs);
        await ReportAsync(customer, "TOUR-OLD-LAB", now.AddDays(-100), 2);
        await ReportAsync(partner, "PARTNER-SRV", now, 4, ours);
        return customer.OrganizationId;
    }
}
