using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Portal.Domain.Data;
using Portal.Domain.Organizations;
using Portal.Tests.Builders;

namespace Portal.Tests.Performance;

/// <summary>
/// Decision 0007: this process's writers to one SQLite file queue in <see cref="SqliteWriteGate"/> instead of meeting
/// SQLITE_BUSY and the driver's sleeping retries; the file is in write-ahead-log mode.
/// </summary>
public sealed class SqliteWriteGateTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private TestDatabase _database = default!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task A_second_writer_sends_nothing_to_SQLite_until_the_first_writers_transaction_commits()
    {
        var log = new CommandLog();
        await using var first = _database.CreateContext(log.For("first"));
        await using var second = _database.CreateContext(log.For("second"));
        await using var transaction = await first.Database.BeginTransactionAsync();
        first.Organizations.Add(NewOrganization("First"));
        await first.SaveChangesAsync();

        second.Organizations.Add(NewOrganization("Second"));
        var secondSave = Task.Run(() => second.SaveChangesAsync());
        await Task.Delay(300);

        Assert.False(secondSave.IsCompleted);
        Assert.DoesNotContain(log.Entries, entry => entry.StartsWith("second", StringComparison.Ordinal));
        // Logged before the commit: the commit lets the second writer in at once, on another thread.
        log.Add("first commits");
        await transaction.CommitAsync();
        await secondSave.WaitAsync(Patience);

        var committed = log.Entries.ToList().IndexOf("first commits");
        Assert.True(committed >= 0 && committed < log.Entries.ToList().FindIndex(e => e.StartsWith("second", StringComparison.Ordinal)),
            string.Join(Environment.NewLine, log.Entries));
        await using var check = _database.CreateContext();
        Assert.Equal(["First", "Second"], await check.Organizations.OrderBy(o => o.Name).Select(o => o.Name).ToListAsync());
    }

    [Fact]
    public async Task A_transaction_disposed_without_commit_or_rollback_lets_the_next_writer_in()
    {
        await using (var abandoned = _database.CreateContext())
        {
            await using var transaction = await abandoned.Database.BeginTransactionAsync();
            abandoned.Organizations.Add(NewOrganization("Never committed"));
            await abandoned.SaveChangesAsync();
        }

        await using var next = _database.CreateContext();
        next.Organizations.Add(NewOrganization("Next"));
        await next.SaveChangesAsync().WaitAsync(Patience);

        Assert.Equal(["Next"], await next.Organizations.Select(o => o.Name).ToListAsync());
    }

    [Fact]
    public async Task A_bulk_update_outside_a_transaction_waits_for_the_writer_before_it()
    {
        await using (var seed = _database.CreateContext())
        {
            seed.Organizations.Add(NewOrganization("Before"));
            await seed.SaveChangesAsync();
        }
        var log = new CommandLog();
        await using var first = _database.CreateContext(log.For("first"));
        await using var bulk = _database.CreateContext(log.For("bulk"));
        await using var transaction = await first.Database.BeginTransactionAsync();
        first.Organizations.Add(NewOrganization("First"));
        await first.SaveChangesAsync();

        var update = Task.Run(() => bulk.Organizations.Where(o => o.Name == "Before")
            .ExecuteUpdateAsync(set => set.SetProperty(o => o.BillingEmail, "renamed@example.com")));
        await Task.Delay(300);

        Assert.DoesNotContain(log.Entries, entry => entry.StartsWith("bulk", StringComparison.Ordinal));
        await transaction.CommitAsync();
        Assert.Equal(1, await update.WaitAsync(Patience));
    }

    [Fact]
    public async Task Fifty_concurrent_writers_all_commit()
    {
        await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Task.Run(async () =>
        {
            await using var db = _database.CreateContext();
            db.Organizations.Add(NewOrganization($"Writer {i:D2}"));
            await db.SaveChangesAsync();
        }))).WaitAsync(TimeSpan.FromSeconds(60));

        await using var check = _database.CreateContext();
        Assert.Equal(50, await check.Organizations.CountAsync());
    }

    [Fact]
    public async Task Upgrading_puts_a_database_file_made_elsewhere_in_write_ahead_log_mode()
    {
        var folder = Directory.CreateTempSubdirectory("portal-wal-").FullName;
        var connectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(folder, "portal.db") }.ToString();
        try
        {
            // A file that exists before the first migration (made by another tool, or a restored backup) keeps
            // SQLite's rollback journal: EF only chooses WAL for files it creates itself.
            await using (var made = new SqliteConnection(connectionString))
            {
                await made.OpenAsync();
                Assert.Equal("delete", await JournalModeAsync(made));
            }

            await using (var db = new SqlitePortalDbContext(new DbContextOptionsBuilder<SqlitePortalDbContext>()
                             .UseSqlite(connectionString).UseIdentitySchema().Options))
            {
                await db.Database.UpgradeAsync();
            }

            await using var reopened = new SqliteConnection(connectionString);
            await reopened.OpenAsync();
            Assert.Equal("wal", await JournalModeAsync(reopened));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<string?> JournalModeAsync(SqliteConnection connection)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        return (string?)await command.ExecuteScalarAsync();
    }

    private static Organization NewOrganization(string name) =>
        Organization.Register(name, OrganizationKind.Commercial, "US", "billing@example.com", Now);

    /// <summary>The SQL commands of several contexts, in the order SQLite was sent them, each named by its context.</summary>
    private sealed class CommandLog
    {
        private readonly ConcurrentQueue<string> _entries = new();

        public IEnumerable<string> Entries => _entries;

        public void Add(string entry) => _entries.Enqueue(entry);

        public IInterceptor For(string name) => new Recorder(this, name);

        private sealed class Recorder(CommandLog log, string name) : DbCommandInterceptor
        {
            public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
                DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
            {
                log.Add($"{name}: {command.CommandText}");
                return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
            }

            public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
                DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
            {
                log.Add($"{name}: {command.CommandText}");
                return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
            }
        }
    }
}
