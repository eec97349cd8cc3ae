using System.Data;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Portal.Domain.Data;

namespace Portal.Tests.Fakes;

/// <summary>
/// SQL Server as EF Core talks to it, without a server: the commands Portal sends are recorded (and can be parsed with
/// ScriptDom) and answered with no rows, so the provider's own SQL is checked where the tests have no SQL Server.
/// </summary>
public static class SqlServerWithoutServer
{
    /// <summary>SQL Server contexts that never reach a server: commands are recorded and answered with no rows.</summary>
    public sealed class SqlServerContexts(CommandCapture capture) : IDbContextFactory<PortalDbContext>
    {
        public PortalDbContext CreateDbContext() =>
            new SqlServerPortalDbContext(new DbContextOptionsBuilder<SqlServerPortalDbContext>()
                .UseSqlServer("Server=(no-server);Database=Portal")
                .UseIdentitySchema()
                .AddInterceptors(capture, new NoConnection())
                .Options);
    }

    private sealed class NoConnection : DbConnectionInterceptor
    {
        public override ValueTask<InterceptionResult> ConnectionOpeningAsync(
            DbConnection connection, ConnectionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(InterceptionResult.Suppress());

        public override InterceptionResult ConnectionClosing(DbConnection connection, ConnectionEventData eventData, InterceptionResult result) =>
            InterceptionResult.Suppress();

        public override ValueTask<InterceptionResult> ConnectionClosingAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result) =>
            ValueTask.FromResult(InterceptionResult.Suppress());
    }

    public sealed class CommandCapture : DbCommandInterceptor
    {
        public List<string> Texts { get; } = [];

        /// <summary>What every UPDATE answers it changed.</summary>
        public int RowsAffected { get; set; } = 1;

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            Texts.Add(command.CommandText);
            return ValueTask.FromResult(InterceptionResult<int>.SuppressWithResult(RowsAffected));
        }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Texts.Add(command.CommandText);
            // No rows, and more columns than any of these queries reads.
            var table = new DataTable();
            for (var i = 0; i < 64; i++)
                table.Columns.Add($"c{i}");
            return ValueTask.FromResult(InterceptionResult<DbDataReader>.SuppressWithResult(table.CreateDataReader()));
        }
    }
}
