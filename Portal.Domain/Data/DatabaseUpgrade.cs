using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Portal.Domain.Data;

public static class DatabaseUpgrade
{
    /// <summary>
    /// Applies the pending migrations. On SQLite it also puts the file in write-ahead-log mode, which the file keeps:
    /// readers then never wait for the writer, and a commit syncs the log once instead of the journal and the
    /// database (decision 0007).
    /// </summary>
    public static async Task UpgradeAsync(this DatabaseFacade database, CancellationToken cancellationToken = default)
    {
        await database.MigrateAsync(cancellationToken);
        if (database.IsSqlite())
            await database.ExecuteSqlRawAsync("PRAGMA journal_mode = WAL;", cancellationToken);
    }
}
