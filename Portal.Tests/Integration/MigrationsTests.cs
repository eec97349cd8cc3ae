using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.SqlServer.TransactSql.ScriptDom;
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

    // Timestamps differ per provider; the names after them must match.
    private static string MigrationName(string id) => id[(id.IndexOf('_') + 1)..];
}
