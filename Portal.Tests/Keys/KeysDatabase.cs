using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Data;
using Portal.Domain.Keys;

namespace Portal.Tests.Keys;

/// <summary>
/// A real, migrated SQLite database in a temporary file, with "starts" of the key services over it that share Data
/// Protection keys through the database as the app does (<c>TestDatabase.CreateServices</c> uses ephemeral ones, which a
/// second start could not read).
/// </summary>
public sealed class KeysDatabase : IAsyncDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("portal-keys-db-").FullName;
    private readonly List<ServiceProvider> _starts = [];

    private KeysDatabase() =>
        ConnectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(_folder, "portal.db") }.ToString();

    public string ConnectionString { get; }

    public static async Task<KeysDatabase> CreateAsync()
    {
        var database = new KeysDatabase();
        await using var db = database.CreateContext();
        await db.Database.MigrateAsync();
        return database;
    }

    public PortalDbContext CreateContext() =>
        new SqlitePortalDbContext(new DbContextOptionsBuilder<SqlitePortalDbContext>()
            .UseSqlite(ConnectionString)
            .UseIdentitySchema()
            .Options);

    /// <summary>
    /// One "start" of the app's key services over this database: a fresh service provider with the database and Data
    /// Protection registered as the app does (keys persisted in the database), and a database-mode store.
    /// </summary>
    public Start StartApp(TimeProvider? clock = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddPortalDatabase(new DatabaseSettings { ConnectionString = ConnectionString }, _folder);
        services.AddDataProtection().SetApplicationName("KeyMetric.Portal").PersistKeysToDbContext<PortalDbContext>();
        var provider = services.BuildServiceProvider();
        _starts.Add(provider);
        var store = SigningKeyStore.InDatabase(
            provider.GetRequiredService<IDbContextFactory<PortalDbContext>>(),
            provider.GetRequiredService<IDataProtectionProvider>(),
            clock ?? TimeProvider.System);
        return new Start(provider, store);
    }

    public sealed record Start(IServiceProvider Services, SigningKeyStore Store);

    public async ValueTask DisposeAsync()
    {
        foreach (var provider in _starts)
            await provider.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a finalizing connection; the OS temp cleaner takes it.
        }
    }
}
