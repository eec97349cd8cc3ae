using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Data;
using Portal.Domain.Keys;
using Portal.Tests.Builders;

namespace Portal.Tests.Keys;

/// <summary>
/// A <see cref="TestDatabase"/> with "starts" of the key services over it that share Data Protection keys through the
/// database as the app does (<c>TestDatabase.CreateServices</c> uses ephemeral ones, which a second start could not read).
/// </summary>
public sealed class KeysDatabase : IAsyncDisposable
{
    private readonly TestDatabase _database;
    private readonly List<ServiceProvider> _starts = [];

    private KeysDatabase(TestDatabase database) => _database = database;

    public static async Task<KeysDatabase> CreateAsync() => new(await TestDatabase.CreateAsync());

    public PortalDbContext CreateContext() => _database.CreateContext();

    /// <summary>
    /// One "start" of the app's key services over this database: a fresh service provider with the database and Data
    /// Protection registered as the app does (keys persisted in the database), and a database-mode store.
    /// </summary>
    public Start StartApp(TimeProvider? clock = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddPortalDatabase(new DatabaseSettings { ConnectionString = _database.ConnectionString }, Path.GetTempPath());
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
        await _database.DisposeAsync();
    }
}
