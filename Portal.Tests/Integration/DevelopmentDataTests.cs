using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Accounts;
using Portal.Domain.Catalog;
using Portal.Domain.Data;
using Portal.Domain.Discounts;
using Portal.Domain.Evaluations;
using Portal.Domain.History;
using Portal.Domain.Licensing;
using Portal.Domain.Members;
using Portal.Domain.Organizations;
using Portal.Domain.Usage;

namespace Portal.Tests.Integration;

public sealed class DevelopmentDataTests
{
    [Fact]
    public async Task Development_start_seeds_OfficeStatus_and_one_demo_account_per_role()
    {
        await using var app = new PortalAppFactory();
        app.CreateClient().Dispose();

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();

        var product = await db.Products.Include(p => p.Packs).SingleAsync();
        Assert.Equal(("OfficeStatus", "6.1"), (product.Name, product.CurrentVersion));
        Assert.Equal([1, 5, 10, 25, 50, 100, 250], product.Packs.Select(p => p.Seats).Order());

        foreach (var (email, role) in new[]
                 {
                     (DevelopmentData.CustomerEmail, Roles.Customer), (DevelopmentData.SalesEmail, Roles.Sales),
                     (DevelopmentData.SupportEmail, Roles.Support), (DevelopmentData.AdminEmail, Roles.Admin),
                 })
        {
            var user = await users.FindByEmailAsync(email);
            Assert.NotNull(user);
            Assert.True(await users.CheckPasswordAsync(user, DevelopmentData.DemoPassword), $"{email} signs in with the demo password");
            Assert.Equal([role], await users.GetRolesAsync(user));
            Assert.True(user.EmailConfirmed);
            Assert.Equal(role == Roles.Customer, user.ChosenOrganizationId is not null);
            // Staff need two-factor authentication; the demo staff share the documented demo key.
            Assert.Equal(role != Roles.Customer, user.TwoFactorEnabled);
            Assert.Equal(role == Roles.Customer ? null : DevelopmentData.DemoAuthenticatorKey, await users.GetAuthenticatorKeyAsync(user));
        }
        var contoso = await db.Organizations.SingleAsync(o => o.Name == DevelopmentData.DemoOrganizationName);
        Assert.Equal(contoso.Id, (await users.FindByEmailAsync(DevelopmentData.CustomerEmail))!.ChosenOrganizationId);
    }

    [Fact]
    public async Task Development_demo_team_has_an_owner_a_billing_member_and_a_consultant_in_two_organizations()
    {
        await using var app = new PortalAppFactory();
        app.CreateClient().Dispose();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();

        async Task<List<(string Organization, MemberRoles Roles)>> MembershipsOf(string email)
        {
            var user = (await users.FindByEmailAsync(email))!;
            Assert.True(await users.CheckPasswordAsync(user, DevelopmentData.DemoPassword));
            Assert.Equal([Roles.Customer], await users.GetRolesAsync(user));
            return (await MembershipQueries.OrganizationsOfAsync(db, user.Id)).Select(m => (m.OrganizationName, m.Roles)).ToList();
        }

        Assert.Equal([(DevelopmentData.DemoOrganizationName, MemberRoles.Owner)], await MembershipsOf(DevelopmentData.CustomerEmail));
        Assert.Equal([(DevelopmentData.DemoOrganizationName, MemberRoles.Billing)], await MembershipsOf(DevelopmentData.FinanceEmail));
        Assert.Equal(
            [(DevelopmentData.DemoOrganizationName, MemberRoles.Technical), (DevelopmentData.ConsultantOrganizationName, MemberRoles.Owner)],
            await MembershipsOf(DevelopmentData.ConsultantEmail));
        Assert.Equal([(DevelopmentData.GovernmentOrganizationName, MemberRoles.Owner)], await MembershipsOf(DevelopmentData.ProcurementEmail));
    }

    [Fact]
    public async Task Development_demo_county_buys_on_purchase_orders_with_its_address_tax_id_and_an_approved_discount()
    {
        await using var app = new PortalAppFactory();
        app.CreateClient().Dispose();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();

        var county = await db.Organizations.SingleAsync(o => o.Name == DevelopmentData.GovernmentOrganizationName);
        Assert.Equal(OrganizationKind.Governmental, county.Kind);
        Assert.True(county.PurchaseOrderRequired);
        Assert.Equal("Riverside", county.BillingAddress.City);
        Assert.Equal("95-6000930", county.TaxId?.Value);
        var discount = await DiscountService.BestUsableAsync(db, county.Id, DateTimeOffset.UtcNow);
        Assert.Equal(DiscountKind.Governmental, discount?.Kind);
    }

    [Fact]
    public async Task Development_demo_world_has_5x_and_6x_licenses_an_evaluation_and_a_pending_request_of_each_kind()
    {
        await using var app = new PortalAppFactory();
        app.CreateClient().Dispose();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();

        var contoso = await db.Organizations.SingleAsync(o => o.Name == DevelopmentData.DemoOrganizationName);
        var product = await db.Products.SingleAsync();
        Assert.Equal(10, await LicensingService.SeatCapacityAsync(db, contoso.Id, product.Id, 5));
        Assert.Equal(35, await LicensingService.SeatCapacityAsync(db, contoso.Id, product.Id, 6));
        Assert.All(await db.Licenses.ToListAsync(), license => Assert.StartsWith("ey", license.Key));
        Assert.NotNull(await LicensingService.SupportEndsOnAsync(db, contoso.Id));

        var evaluation = await db.Evaluations.Include(e => e.Requests).SingleAsync();
        Assert.Equal(ExtensionStatus.Pending, evaluation.Requests.Single().Status);
        Assert.Equal(
            Enum.GetValues<DiscountKind>().Order(),
            (await db.DiscountApplications.Where(a => a.Status == DiscountStatus.Pending).Select(a => a.Kind).ToListAsync()).Order());
        var history = await AuditLog.LicenseHistoryAsync(db, contoso.Id, 1, 20);
        Assert.Equal(3, history.Entries.Count(e => e.Action == "license.issued"));
    }

    [Fact]
    public async Task Development_demo_installation_of_contoso_grew_past_its_seats_over_90_days_and_names_a_key_portal_never_issued()
    {
        await using var app = new PortalAppFactory();
        app.CreateClient().Dispose();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var now = DateTimeOffset.UtcNow;

        var contoso = await db.Organizations.SingleAsync(o => o.Name == DevelopmentData.DemoOrganizationName);
        var installation = Assert.Single(await UsageQueries.ForOrganizationAsync(db, contoso.Id, now));
        Assert.Equal((DevelopmentData.DemoInstallationId, "6.1", 4), (installation.ReportedId, installation.Version, installation.ReportCount));
        var headroom = installation.Headroom;
        Assert.Equal((38, 39, 35, 0), (headroom.EnabledUsers, headroom.PeakEnabledUsers, headroom.SeatsInstalled, headroom.SeatsNotInstalled));
        Assert.Equal((HeadroomState.Over, 3), (headroom.State, headroom.MissingSeats));
        var flagged = Assert.Single(installation.FlaggedKeys);
        Assert.Equal((DevelopmentData.DemoUnknownKeyId, KeyStanding.Unknown), (flagged.KeyId, flagged.Standing));
        Assert.False(installation.IsSilent(now));
        Assert.Contains(await UsageQueries.AllAsync(db, now), i => i.Id == installation.Id && i.Headroom.State == HeadroomState.Over);

        // The chart: the daily maximum rises from under the seats to over them, the seats flat at 35.
        var days = await UsageQueries.DaysAsync(db, contoso.Id, installation.Id, DateOnly.FromDateTime(now.UtcDateTime).AddDays(-90));
        Assert.InRange(days.Count, 90, 91);
        Assert.All(days, d => Assert.Equal(35, d.Seats));
        Assert.True(days[0].EnabledUsers < 30 && days[^1].EnabledUsers > 35, string.Join(", ", days.Select(d => d.EnabledUsers)));

        var reports = await db.AuditEvents.Where(e => e.OrganizationId == contoso.Id && e.Action == "usage.reported").ToListAsync();
        Assert.Equal(4, reports.Count);
        Assert.All(reports, e => Assert.Equal(DevelopmentData.ConsultantEmail, e.ActorName));
        Assert.Single(reports, e => e.Summary.Contains("over by 3 seats"));
    }

    [Fact]
    public async Task Seeding_twice_adds_nothing_the_second_time()
    {
        await using var app = new PortalAppFactory();
        app.CreateClient().Dispose();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();

        var licenses = await db.Licenses.CountAsync();

        var addedAgain = await DevelopmentData.SeedAsync(scope.ServiceProvider);

        Assert.False(addedAgain);
        Assert.Equal(7, await db.Users.CountAsync());
        Assert.Equal(1, await db.Products.CountAsync());
        Assert.Equal(licenses, await db.Licenses.CountAsync());
        Assert.Equal(1, await db.Installations.CountAsync());
        Assert.Equal(4, await db.UsageReports.CountAsync());
    }

    [Fact]
    public async Task Seeding_gives_demo_staff_made_before_staff_needed_two_factor_the_demo_authenticator()
    {
        await using var app = new PortalAppFactory();
        app.CreateClient().Dispose();
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var sales = (await users.FindByEmailAsync(DevelopmentData.SalesEmail))!;
        await users.SetTwoFactorEnabledAsync(sales, false);
        await users.RemoveAuthenticationTokenAsync(sales, "[AspNetUserStore]", "AuthenticatorKey");
        Assert.Null(await users.GetAuthenticatorKeyAsync(sales));

        var added = await DevelopmentData.SeedAsync(scope.ServiceProvider);

        Assert.True(added);
        sales = (await users.FindByEmailAsync(DevelopmentData.SalesEmail))!;
        Assert.True(sales.TwoFactorEnabled);
        Assert.Equal(DevelopmentData.DemoAuthenticatorKey, await users.GetAuthenticatorKeyAsync(sales));
    }

    [Fact]
    public async Task Outside_development_only_the_roles_and_the_vendors_product_are_there()
    {
        await using var app = new PortalAppFactory("Production").With("Smtp:Host", "127.0.0.1").With("LicenseKeys:SigningKeyPem", Keys.TestSigningKeys.Pem).With("LicenseKeys:KeyId", Keys.TestSigningKeys.KeyId).With("Stripe:SecretKey", "sk_test_x").With("Stripe:WebhookSecret", "whsec_x");
        app.CreateClient().Dispose();

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        Assert.Equal(0, await db.Users.CountAsync());
        Assert.Equal(0, await db.Organizations.CountAsync());
        Assert.Equal(4, await db.Roles.CountAsync());
        // A portal sells from its first run: the catalog starts with OfficeStatus 6.1 and its seven packs.
        var product = await db.Products.Include(p => p.Packs).SingleAsync();
        Assert.Equal(("officestatus", 6, 1), (product.Code, product.CurrentMajor, product.CurrentMinor));
        Assert.Equal([1, 5, 10, 25, 50, 100, 250], product.Packs.Select(p => p.Seats).Order());
    }

    [Fact]
    public async Task The_configured_first_admin_is_created_at_start_outside_development()
    {
        await using var app = new PortalAppFactory("Production").With("Smtp:Host", "127.0.0.1").With("LicenseKeys:SigningKeyPem", Keys.TestSigningKeys.Pem)
            .With("LicenseKeys:KeyId", Keys.TestSigningKeys.KeyId).With("Stripe:SecretKey", "sk_test_x").With("Stripe:WebhookSecret", "whsec_x")
            .With("Portal:InitialAdminEmail", "owner@keymetric.example");
        app.CreateClient().Dispose();

        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var owner = await users.FindByEmailAsync("owner@keymetric.example");
        Assert.NotNull(owner);
        Assert.True(await users.IsInRoleAsync(owner, Roles.Admin));
    }

    [Fact]
    public async Task The_catalog_seed_never_touches_an_existing_catalog()
    {
        await using var database = await Builders.TestDatabase.CreateAsync();
        await using (var db = database.CreateContext())
        {
            Assert.True(await CatalogSeed.EnsureAsync(db));
            var product = await db.Products.Include(p => p.Packs).SingleAsync();
            product.Release(7, 0);
            await db.SaveChangesAsync();
        }

        await using var again = database.CreateContext();
        Assert.False(await CatalogSeed.EnsureAsync(again));
        Assert.Equal(7, (await again.Products.SingleAsync()).CurrentMajor);
    }
}
