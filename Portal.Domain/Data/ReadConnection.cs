using Microsoft.EntityFrameworkCore;

namespace Portal.Domain.Data;

/// <summary>
/// Keeps a context's connection open across the queries of one read: EF opens and closes it around every query outside
/// a transaction, and on SQLite each open registers EF's SQL functions on the connection again, a tenth of a page's
/// CPU for a page that reads ten times (docs/performance.md). A context that also writes through it must end its
/// transactions by commit or rollback: the SQLite write gate lets the next writer in then, or else only when this closes.
/// </summary>
public sealed class ReadConnection : IAsyncDisposable
{
    private readonly PortalDbContext? _db;

    private ReadConnection(PortalDbContext? db) => _db = db;

    /// <summary>Opens the context's connection until disposed, unless it is open already (then it leaves it as it is).</summary>
    public static async Task<ReadConnection> OpenAsync(PortalDbContext db, CancellationToken cancellationToken = default)
    {
        if (db.Database.GetDbConnection().State == System.Data.ConnectionState.Open)
            return new ReadConnection(null);
        await db.Database.OpenConnectionAsync(cancellationToken);
        return new ReadConnection(db);
    }

    public async ValueTask DisposeAsync()
    {
        if (_db is not null)
            await _db.Database.CloseConnectionAsync();
    }
}
