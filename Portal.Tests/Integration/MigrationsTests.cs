using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using Portal.Domain;
using Portal.Domain.Data;
using Portal.Tests.Builders;

namespace Portal.Tests.Integration;

public sealed class MigrationsTests
{
    private static SqlServerPortalDbContext SqlServerContext() =>
        new(new DbContextOptionsBuilder<SqlServerPortalDbContext>()
            .UseSqlServer("Server=(no-server);Database=Portal")
            .UseIdentitySchema()
            .Options);

    [Fact]
    public async Task Sqlite_migrations_are_current_with_the_model()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var db = database.CreateContext();

        Assert.False(db.Database.HasPendingModelChanges(),
            "The model has changes without a SQLite migration: run dotnet ef migrations add (see README).");
    }

    [Fact]
    public void SqlServer_migrations_are_current_with_the_model()
    {
        using var db = SqlServerContext();

        Assert.False(db.Database.HasPendingModelChanges(),
            "The model has changes without a SQL Server migration: run dotnet ef migrations add (see README).");
    }

    [Fact]
    public void Both_providers_have_the_same_migrations()
    {
        using var sqlServer = SqlServerContext();
        using var sqlite = new SqlitePortalDbContext(new DbContextOptionsBuilder<SqlitePortalDbContext>()
            .UseSqlite("Data Source=:memory:").UseIdentitySchema().Options);

        Assert.Equal(
            sqlite.Database.GetMigrations().Select(MigrationName),
            sqlServer.Database.GetMigrations().Select(MigrationName));
    }

    [Fact]
    public async Task Migrated_sqlite_database_has_identity_passkeys_and_the_four_roles()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var db = database.CreateContext();

        Assert.Equal(0, await db.UserPasskeys.CountAsync());
        Assert.Equal(["Admin", "Customer", "Sales", "Support"], await db.Roles.Select(r => r.Name!).OrderBy(n => n).ToListAsync());
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.SqlServer)]
    public void Every_database_registration_asks_for_the_same_identity_schema(DatabaseProvider provider)
    {
        // EF caches one model per context type per process: a provider without these options would poison it.
        using var services = new ServiceCollection()
            .AddPortalDatabase(new DatabaseSettings { Provider = provider, ConnectionString = "Data Source=unused.db" }, Path.GetTempPath())
            .BuildServiceProvider();

        Assert.Equal(IdentitySchema.Version, services.GetRequiredService<IOptions<Microsoft.AspNetCore.Identity.IdentityOptions>>().Value.Stores.SchemaVersion);
    }

    [Fact]
    public void SqlServer_idempotent_script_parses_as_valid_TSql()
    {
        using var db = SqlServerContext();
        var script = db.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);

        var parser = new TSql170Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(script);
        parser.Parse(reader, out var errors);

        Assert.Contains("CREATE TABLE [AspNetUserPasskeys]", script);
        Assert.Contains("IF NOT EXISTS", script);
        Assert.True(errors.Count == 0,
            string.Join(Environment.NewLine, errors.Select(e => $"line {e.Line}: {e.Message}")));
    }

    [Fact]
    public async Task MoneyAsComplexProperty_keeps_every_amount_and_gives_it_the_currency_of_its_order_or_product()
    {
        await using var database = await TestDatabase.CreateAsync(upToMigration: "LicensesRevision");
        var (euroOrder, yenOrder) = (Guid.NewGuid(), Guid.NewGuid());
        await using (var old = database.CreateContext())
        {
            var organization = await InsertOldOrganizationAsync(old);
            var euros = await InsertOldProductAsync(old, "EUR", seats: 10, listPrice: 42_000);
            var yen = await InsertOldProductAsync(old, "JPY", seats: 1, listPrice: 5_000);
            await InsertOldOrderAsync(old, euroOrder, organization, euros, "EUR", quantity: 2, unitListPrice: 42_000, unitDiscount: 8_400);
            await InsertOldOrderAsync(old, yenOrder, organization, yen, "JPY", quantity: 1, unitListPrice: 5_000, unitDiscount: 0);
        }

        await using (var db = database.CreateContext())
            await db.Database.UpgradeAsync();

        await using var read = database.CreateContext();
        var orders = await read.Orders.AsNoTracking().Include(o => o.Lines).ToDictionaryAsync(o => o.Id);
        Assert.Equal((new Money(84_000, "EUR"), new Money(16_800, "EUR"), new Money(67_200, "EUR")),
            (orders[euroOrder].Subtotal, orders[euroOrder].DiscountTotal, orders[euroOrder].Total));
        var euroLine = Assert.Single(orders[euroOrder].Lines);
        Assert.Equal((new Money(42_000, "EUR"), new Money(8_400, "EUR"), new Money(33_600, "EUR"), new Money(67_200, "EUR")),
            (euroLine.UnitListPrice, euroLine.UnitDiscount, euroLine.UnitPrice, euroLine.Total));
        Assert.Equal((new Money(5_000, "JPY"), new Money(0, "JPY"), new Money(5_000, "JPY")),
            (orders[yenOrder].Subtotal, orders[yenOrder].DiscountTotal, orders[yenOrder].Total));
        var yenLine = Assert.Single(orders[yenOrder].Lines);
        Assert.Equal((new Money(5_000, "JPY"), new Money(0, "JPY"), new Money(5_000, "JPY"), new Money(5_000, "JPY")),
            (yenLine.UnitListPrice, yenLine.UnitDiscount, yenLine.UnitPrice, yenLine.Total));
        Assert.Equal([new Money(42_000, "EUR"), new Money(5_000, "JPY")],
            await read.SeatPacks.AsNoTracking().OrderBy(p => p.Seats == 10 ? 0 : 1).Select(p => p.ListPrice).ToListAsync());
    }

    // Rows as the tables were before MoneyAsComplexProperty: one currency per order and per product. Ids are written as
    // EF Core's SQLite provider writes them (upper-case text), dates as the SQLite context converts them.
    private static string OldId(Guid id) => id.ToString().ToUpperInvariant();

    private static long OldDate(DateTimeOffset value) => (long)new DateTimeOffsetToBinaryConverter().ConvertToProvider(value)!;

    private static async Task<Guid> InsertOldOrganizationAsync(PortalDbContext db)
    {
        var id = Guid.NewGuid();
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO "Organizations" ("Id", "Name", "Kind", "CountryCode", "BillingEmail", "CreatedAt")
            VALUES ({OldId(id)}, 'Contoso', 'Commercial', 'DE', 'billing@contoso.example', {OldDate(DomainFixture.Start)})
            """);
        return id;
    }

    private sealed record OldProduct(Guid Id, Guid PackId, int PackSeats);

    private static async Task<OldProduct> InsertOldProductAsync(PortalDbContext db, string currency, int seats, long listPrice)
    {
        var (product, pack) = (Guid.NewGuid(), Guid.NewGuid());
        var code = $"product-{currency.ToLowerInvariant()}";
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO "Products" ("Id", "Code", "Name", "CurrentMajor", "CurrentMinor", "Currency", "UpgradePercent")
            VALUES ({OldId(product)}, {code}, {code}, 6, 1, {currency}, 50)
            """);
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO "SeatPacks" ("Id", "ProductId", "Seats", "ListPriceMinor") VALUES ({OldId(pack)}, {OldId(product)}, {seats}, {listPrice})
            """);
        return new OldProduct(product, pack, seats);
    }

    private static async Task InsertOldOrderAsync(PortalDbContext db, Guid id, Guid organization, OldProduct sold, string currency,
        int quantity, long unitListPrice, long unitDiscount)
    {
        var (subtotal, unitPrice) = (unitListPrice * quantity, unitListPrice - unitDiscount);
        var total = unitPrice * quantity;
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO "Orders" ("Id", "OrganizationId", "ProductId", "PlacedByUserId", "PlacedByEmail", "Currency", "Subtotal",
                "DiscountTotal", "Total", "PlacedAt", "Status", "Disputed", "Version")
            VALUES ({OldId(id)}, {OldId(organization)}, {OldId(sold.Id)}, 'user-1', 'ana@contoso.example', {currency}, {subtotal},
                {subtotal - total}, {total}, {OldDate(DomainFixture.Start)}, 'Fulfilled', 0, {OldId(Guid.NewGuid())})
            """);
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO "OrderLine" ("Id", "OrderId", "Kind", "Description", "PackId", "Seats", "Quantity", "UnitListPrice",
                "UnitDiscount", "UnitPrice", "Total")
            VALUES ({OldId(Guid.NewGuid())}, {OldId(id)}, 'NewSeats', 'A pack', {OldId(sold.PackId)}, {sold.PackSeats}, {quantity}, {unitListPrice},
                {unitDiscount}, {unitPrice}, {total})
            """);
    }

    // Timestamps differ per provider; the names after them must match.
    private static string MigrationName(string id) => id[(id.IndexOf('_') + 1)..];
}
