using Microsoft.EntityFrameworkCore;
using Portal.Domain.Data;
using Portal.Tests.Builders;

namespace Portal.Tests.Outbox;

/// <summary>
/// A real, migrated SQLite database (<see cref="TestDatabase"/>) as the <see cref="IDbContextFactory{PortalDbContext}"/>
/// the outbox services take: one context per operation, as in the app.
/// </summary>
public sealed class OutboxTestDatabase : IDbContextFactory<PortalDbContext>, IAsyncDisposable
{
    private readonly TestDatabase _database;

    private OutboxTestDatabase(TestDatabase database) => _database = database;

    public static async Task<OutboxTestDatabase> CreateAsync() => new(await TestDatabase.CreateAsync());

    public PortalDbContext CreateDbContext() => _database.CreateContext();

    public ValueTask DisposeAsync() => _database.DisposeAsync();
}
