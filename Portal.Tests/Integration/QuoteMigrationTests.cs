using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Portal.Domain.Data;
using Portal.Domain.Organizations;
using Portal.Domain.Quotes;
using Portal.Tests.Builders;

namespace Portal.Tests.Integration;

/// <summary>
/// The migrations QuotesAndInvoices and GovernmentsBuyAgainstPurchaseOrders on organizations registered before them:
/// governmental ones come to require purchase-order numbers as newly registered ones do, the others do not, and none
/// has billing details or keys on invoice yet; quote numbers and the quote terms start as documented.
/// </summary>
public sealed class QuoteMigrationTests
{
    [Fact]
    public async Task Existing_governmental_organizations_come_to_require_purchase_orders_and_commercial_ones_do_not()
    {
        await using var database = await TestDatabase.CreateAsync(upToMigration: "MembersFromUsers");
        await using (var old = database.CreateContext())
        {
            await InsertOldOrganizationAsync(old, "City of Springfield", OrganizationKind.Governmental);
            await InsertOldOrganizationAsync(old, "Contoso", OrganizationKind.Commercial);
        }

        await using (var db = database.CreateContext())
            await db.GetService<IMigrator>().MigrateAsync();

        await using var read = database.CreateContext();
        var organizations = await read.Organizations.AsNoTracking().OrderBy(o => o.Name).ToListAsync();
        Assert.Equal([("City of Springfield", true), ("Contoso", false)], organizations.Select(o => (o.Name, o.PurchaseOrderRequired)));
        Assert.All(organizations, o => Assert.Equal((true, null, false), (o.BillingAddress.IsEmpty, o.TaxId, o.KeysOnInvoice)));
        Assert.Equal(0L, await read.DocumentSequences.Where(s => s.Name == DocumentSequence.Quotes).Select(s => s.Last).SingleAsync());
        var terms = await read.QuoteTerms.AsNoTracking().SingleAsync();
        Assert.Equal((30, 30, 25), (terms.ValidityDays, terms.InvoiceDaysUntilDue, terms.SalesSpecialPriceLimit));
    }

    // A row as EF Core's SQLite provider wrote it before the migrations: id as upper-case text, the date converted.
    private static Task InsertOldOrganizationAsync(PortalDbContext db, string name, OrganizationKind kind) =>
        db.Database.ExecuteSqlAsync($"""
            INSERT INTO "Organizations" ("Id", "Name", "Kind", "CountryCode", "BillingEmail", "CreatedAt", "LicensesRevision", "MembersRevision")
            VALUES ({Guid.NewGuid().ToString().ToUpperInvariant()}, {name}, {kind.ToString()}, 'US', 'billing@example.org',
                {(long)new DateTimeOffsetToBinaryConverter().ConvertToProvider(DomainFixture.Start)!},
                {Guid.NewGuid().ToString().ToUpperInvariant()}, {Guid.NewGuid().ToString().ToUpperInvariant()})
            """);
}
