using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Portal.Domain.Data;

/// <summary>
/// Queues this process's writers to one SQLite database file, so that one at a time asks SQLite for its single write
/// lock. Without it, concurrent writers (a burst of Stripe webhooks) meet SQLITE_BUSY, and Microsoft.Data.Sqlite
/// retries by putting the thread to sleep: under 16 senders, threads slept more than they worked (decision 0007).
/// A context enters the queue when it saves changes, begins a transaction or runs a statement outside one (a bulk
/// update), and leaves when that save, transaction or statement ends, or at the latest when its connection closes. The
/// queue is asynchronous and first come, first served. Other processes on the same file still meet SQLite's own locking.
/// </summary>
public sealed class SqliteWriteGate : ISaveChangesInterceptor, IDbTransactionInterceptor, IDbConnectionInterceptor, IDbCommandInterceptor
{
    /// <summary>As long as SQLite itself would wait for the lock (Microsoft.Data.Sqlite's default command timeout).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static readonly ConcurrentDictionary<string, SqliteWriteGate> Gates = new(StringComparer.Ordinal);

    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly ConcurrentDictionary<DbContext, byte> _holders = new(ReferenceEqualityComparer.Instance);
    private readonly string _database;

    private SqliteWriteGate(string database) => _database = database;

    /// <summary>The gate of the database file the connection string names; one per file in the process.</summary>
    public static SqliteWriteGate For(string connectionString)
    {
        var dataSource = new SqliteConnectionStringBuilder(connectionString).DataSource;
        var database = dataSource is "" or ":memory:" || dataSource.StartsWith("file:", StringComparison.Ordinal)
            ? dataSource
            : Path.GetFullPath(dataSource);
        return Gates.GetOrAdd(database, file => new SqliteWriteGate(file));
    }

    public InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Enter(eventData.Context);
        return result;
    }

    public async ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        await EnterAsync(eventData.Context, cancellationToken);
        return result;
    }

    public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        LeaveUnlessInTransaction(eventData.Context);
        return result;
    }

    public ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        LeaveUnlessInTransaction(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public void SaveChangesFailed(DbContextErrorEventData eventData) => LeaveUnlessInTransaction(eventData.Context);

    public Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        LeaveUnlessInTransaction(eventData.Context);
        return Task.CompletedTask;
    }

    public void SaveChangesCanceled(DbContextEventData eventData) => LeaveUnlessInTransaction(eventData.Context);

    public Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
    {
        LeaveUnlessInTransaction(eventData.Context);
        return Task.CompletedTask;
    }

    public InterceptionResult<DbTransaction> TransactionStarting(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        Enter(eventData.Context);
        return result;
    }

    public async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(
        DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result,
        CancellationToken cancellationToken = default)
    {
        await EnterAsync(eventData.Context, cancellationToken);
        return result;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Leave(eventData.Context);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Leave(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Leave(eventData.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Leave(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => Leave(eventData.Context);

    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Leave(eventData.Context);
        return Task.CompletedTask;
    }

    public InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        if (command.Transaction is null)
            Enter(eventData.Context);
        return result;
    }

    public async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (command.Transaction is null)
            await EnterAsync(eventData.Context, cancellationToken);
        return result;
    }

    public int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        LeaveAfterStatement(command, eventData.Context);
        return result;
    }

    public ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        LeaveAfterStatement(command, eventData.Context);
        return ValueTask.FromResult(result);
    }

    public void CommandFailed(DbCommand command, CommandErrorEventData eventData) => LeaveAfterStatement(command, eventData.Context);

    public Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        LeaveAfterStatement(command, eventData.Context);
        return Task.CompletedTask;
    }

    // A transaction disposed without commit or rollback raises neither event; its connection closing does.
    public void ConnectionClosed(DbConnection connection, ConnectionEndEventData eventData) => Leave(eventData.Context);

    public Task ConnectionClosedAsync(DbConnection connection, ConnectionEndEventData eventData)
    {
        Leave(eventData.Context);
        return Task.CompletedTask;
    }

    private void Enter(DbContext? context)
    {
        if (context is null || _holders.ContainsKey(context))
            return;
        if (!_writer.Wait(Timeout))
            throw TimedOut();
        _holders[context] = 0;
    }

    private async ValueTask EnterAsync(DbContext? context, CancellationToken cancellationToken)
    {
        if (context is null || _holders.ContainsKey(context))
            return;
        var entering = _writer.WaitAsync(Timeout, cancellationToken);
        // Waiting, go on from the thread pool: otherwise this writer's whole work would run inside the Release of the
        // writer before it, delaying that one's answer.
        var entered = entering.IsCompleted ? await entering : await entering.ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
        if (!entered)
            throw TimedOut();
        _holders[context] = 0;
    }

    private void LeaveUnlessInTransaction(DbContext? context)
    {
        if (context?.Database.CurrentTransaction is null)
            Leave(context);
    }

    // A statement outside a transaction commits by itself; a failed one inside a save leaves with the save.
    private void LeaveAfterStatement(DbCommand command, DbContext? context)
    {
        if (command.Transaction is null && context?.Database.CurrentTransaction is null)
            Leave(context);
    }

    private void Leave(DbContext? context)
    {
        if (context is not null && _holders.TryRemove(context, out _))
            _writer.Release();
    }

    private TimeoutException TimedOut() => new(
        $"Waited {Timeout.TotalSeconds:0} s for another write to the SQLite database {_database} to finish. " +
        "A write that waits for a second write of the same operation never ends: save through one context.");
}
