using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain;
using Portal.Domain.Data;
using Portal.Domain.Keys;
using Portal.Domain.Outbox;

namespace Portal.Benchmarks;

/// <summary>
/// A real, migrated SQLite database in a temporary file, as Portal uses it (the embedded default provider with the
/// Identity schema of the app). Deleted by <see cref="Delete"/>, called from each benchmark's GlobalCleanup. It is also
/// the context factory that the services taking one (fulfilment, orders, the outbox) are given.
/// </summary>
public sealed class BenchmarkDatabase : IDbContextFactory<PortalDbContext>
{
    private readonly string _folder = Directory.CreateTempSubdirectory("portal-bench-").FullName;
    private readonly DbContextOptions<SqlitePortalDbContext> _options;

    private BenchmarkDatabase()
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(_folder, "portal.db") }.ToString();
        _options = new DbContextOptionsBuilder<SqlitePortalDbContext>()
            .UsePortalSqlite(connectionString)
            .UseIdentitySchema()
            .Options;
    }

    public static async Task<BenchmarkDatabase> CreateAsync()
    {
        var database = new BenchmarkDatabase();
        await using var db = database.CreateDbContext();
        await db.Database.UpgradeAsync();
        return database;
    }

    /// <summary>
    /// The domain services as the app registers them (AddPortalDomain), on this database, with the benchmark's clock and a
    /// production signer over a key made now.
    /// </summary>
    public ServiceProvider DomainServices(TimeProvider clock) =>
        new ServiceCollection()
            .AddSingleton<IDbContextFactory<PortalDbContext>>(this)
            .AddSingleton(clock)
            .AddSingleton<ILicenseKeySigner>(BenchmarkKeys.NewSigner())
            .AddSingleton(new OutboxSettings())
            .AddPortalDomain()
            .BuildServiceProvider();

    /// <summary>A new context, as the app's context factory makes one per operation.</summary>
    public PortalDbContext CreateDbContext() => new SqlitePortalDbContext(_options);

    public void Delete()
    {
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
