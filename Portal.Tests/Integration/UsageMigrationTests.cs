using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Portal.Domain.Data;
using Portal.Domain.History;
using Portal.Domain.Licensing;
using Portal.Domain.Members;
using Portal.Domain.Ordering;
using Portal.Domain.Usage;
using Portal.Tests.Builders;

namespace Portal.Tests.Integration;

/// <summary>
/// The migration UsageReports on a database of the shape before it: organizations with their orders and licenses keep
/// every row, and the new tables take reports and tokens at once (docs/rules.md#seat-planning).
/// </summary>
public sealed class UsageMigrationTests
{
    private static readonly Guid Contoso = Guid.NewGuid();
    private static readonly Guid Fabrikam = Guid.NewGuid();
    private static readonly Guid OfficeStatus = Guid.NewGuid();
    private static readonly Guid Order = Guid.NewGuid();
    private static readonly Guid TwentyFive = Guid.NewGuid();
    private static readonly Guid Ten = Guid.NewGuid();
    private static readonly Guid Theirs = Guid.NewGuid();

    [Fact]
    public async Task UsageReports_keeps_organizations_orders_and_licenses_and_its_tables_take_reports_and_tokens()
    {
        await using var database = await TestDatabase.CreateAsync(upToMigration: "GovernmentsBuyAgainstPurchaseOrders");
        await using (var old = database.CreateContext())
            await InsertOldWorldAsync(old);

        await using (var db = database.CreateContext())
            await db.GetService<IMigrator>().MigrateAsync();

        await using (var read = database.CreateContext())
        {
            Assert.Equal(["Contoso", "Fabrikam"], await read.Organizations.OrderBy(o => o.Name).Select(o => o.Name).ToListAsync());
            var order = await read.Orders.AsNoTracking().Include(o => o.Lines).SingleAsync();
            Assert.Equal((Contoso, OrderStatus.Fulfilled, 189_000L, "USD"), (order.OrganizationId, order.Status, order.Total.Minor, order.Total.Currency));
            Assert.Equal([(25, 1), (10, 1)], order.Lines.OrderByDescending(l => l.Seats).Select(l => (l.Seats, l.Quantity)));
            var licenses = await read.Licenses.AsNoTracking().OrderByDescending(l => l.Seats).ToListAsync();
            Assert.Equal(
                [(Theirs, Fabrikam, 50, (Guid?)null), (TwentyFive, Contoso, 25, Order), (Ten, Contoso, 10, Order)],
                licenses.Select(l => (l.Id, l.OrganizationId, l.Seats, l.OrderId)));
            Assert.All(licenses, l => Assert.Equal((6, LicenseStatus.Active), (l.Major, l.Status)));
            Assert.Equal(35, await LicensingService.SeatCapacityAsync(read, Contoso, OfficeStatus, 6));
            Assert.False(await read.Installations.AnyAsync());
        }

        var clock = new FakeTimeProvider(DomainFixture.Start);
        await using var services = database.CreateServices(clock);
        var usage = new UsageService(services.GetRequiredService<IDbContextFactory<PortalDbContext>>(), new AuditLog(clock), clock);
        var technical = DomainFixture.CustomerIn(Contoso, MemberRoles.Technical);
        var uploaded = await usage.UploadAsync(Contoso, (UsageReports.For(Guid.NewGuid(), clock.GetUtcNow()) with
        {
            EnabledUsers = 41,
            LicenseIds = [TwentyFive, Ten, Theirs],
        }).Bytes(), technical);
        var token = await usage.CreateTokenAsync(Contoso, "Branch server", technical);
        var branch = UsageReports.For(Guid.NewGuid(), clock.GetUtcNow()) with { EnabledUsers = 3 };
        var posted = await usage.PostAsync(token.Secret, branch.WithDays(7, 3).Bytes());

        Assert.Equal((35, 6, KeyStanding.OtherOrganization),
            (uploaded.Installation.Headroom.SeatsInstalled, uploaded.Installation.Headroom.MissingSeats, Assert.Single(uploaded.Installation.FlaggedKeys).Standing));
        await using var after = database.CreateContext();
        Assert.Equal(2, await after.Installations.CountAsync());
        Assert.Equal(3, await after.InstalledKeys.CountAsync());
        Assert.Equal(90 + 7, await after.UsageDays.CountAsync());
        Assert.Equal([UsageSource.Upload, UsageSource.Api], (await after.UsageReports.Select(r => r.Source).ToListAsync()).Order());
        Assert.Equal(posted.Installation.Id, (await after.InstallationTokens.SingleAsync()).InstallationId);
        Assert.Equal(2, await after.AuditEvents.CountAsync(e => e.Action == "usage.reported" && e.OrganizationId == Contoso));
    }

    /// <summary>Rows as EF Core's SQLite provider wrote them before the migration: ids as upper-case text, dates converted.</summary>
    private static async Task InsertOldWorldAsync(PortalDbContext db)
    {
        var at = OldDate(DomainFixture.Start.AddDays(-30));
        foreach (var (id, name) in new[] { (Contoso, "Contoso"), (Fabrikam, "Fabrikam") })
        {
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO "Organizations" ("Id", "Name", "Kind", "CountryCode", "BillingEmail", "CreatedAt", "LicensesRevision", "MembersRevision")
                VALUES ({OldId(id)}, {name}, 'Commercial', 'GB', 'billing@example.org', {at}, {OldId(Guid.NewGuid())}, {OldId(Guid.NewGuid())})
                """);
        }
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO "Products" ("Id", "Code", "Name", "Currency", "CurrentMajor", "CurrentMinor", "UpgradePercent", "Version",
                "EvaluationDays", "MaxEvaluationDays", "MaxExtensionDays", "EvaluationSeats")
            VALUES ({OldId(OfficeStatus)}, 'officestatus', 'OfficeStatus', 'USD', 6, 1, 50, {OldId(Guid.NewGuid())}, 30, 90, 30, 250)
            """);
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO "Orders" ("Id", "OrganizationId", "ProductId", "PlacedByUserId", "PlacedByEmail", "PlacedAt", "Status", "Version",
                "Subtotal", "SubtotalCurrency", "DiscountTotal", "DiscountTotalCurrency", "Total", "Currency", "Disputed", "InvoiceOverdue")
            VALUES ({OldId(Order)}, {OldId(Contoso)}, {OldId(OfficeStatus)}, 'user-ana', 'ana@contoso.example', {at}, 'Fulfilled',
                {OldId(Guid.NewGuid())}, 189000, 'USD', 0, 'USD', 189000, 'USD', 0, 0)
            """);
        foreach (var (seats, unitPrice) in new[] { (25, 135_000L), (10, 54_000L) })
        {
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO "OrderLine" ("Id", "OrderId", "Kind", "Description", "Seats", "Quantity", "UnitListPrice", "UnitListPriceCurrency",
                    "UnitDiscount", "UnitDiscountCurrency", "UnitPrice", "UnitPriceCurrency", "Total", "TotalCurrency")
                VALUES ({OldId(Guid.NewGuid())}, {OldId(Order)}, 'NewSeats', {$"OfficeStatus 6.x, {seats}-user pack"}, {seats}, 1,
                    {unitPrice}, 'USD', 0, 'USD', {unitPrice}, 'USD', {unitPrice}, 'USD')
                """);
        }
        foreach (var (id, organization, seats, order) in new[] { (TwentyFive, Contoso, 25, (Guid?)Order), (Ten, Contoso, 10, Order), (Theirs, Fabrikam, 50, null) })
        {
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO "Licenses" ("Id", "OrganizationId", "ProductId", "Major", "Seats", "Source", "Status", "IssuedAt", "OrderId", "Key")
                VALUES ({OldId(id)}, {OldId(organization)}, {OldId(OfficeStatus)}, 6, {seats}, 'Purchase', 'Active', {at},
                    {(order is { } placed ? OldId(placed) : null)}, 'eyJ.old.key')
                """);
        }
    }

    private static string OldId(Guid id) => id.ToString().ToUpperInvariant();

    private static long OldDate(DateTimeOffset value) => (long)new DateTimeOffsetToBinaryConverter().ConvertToProvider(value)!;
}
