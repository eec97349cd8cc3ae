using Microsoft.EntityFrameworkCore;
using Portal.Domain.Data;
using Portal.Tests.Builders;

namespace Portal.Tests.Performance;

/// <summary>
/// The queries every page view or webhook makes are compiled (<see cref="CompiledQuery{TQuery}"/>, docs/performance.md),
/// and EF binds a compiled query to one model: each model gets its own.
/// </summary>
public sealed class CompiledQueryTests
{
    [Fact]
    public async Task A_compiled_query_runs_on_contexts_of_two_models_in_one_process()
    {
        await using var database = await TestDatabase.CreateAsync();
        var query = new CompiledQuery<Func<PortalDbContext, string, CancellationToken, Task<bool>>>(() =>
            EF.CompileAsyncQuery((PortalDbContext db, string eventId, CancellationToken _) => db.ProcessedPaymentEvents.Any(e => e.Id == eventId)));
        await using var usual = database.CreateContext();
        // Without the service provider cache, EF builds this context a model of its own.
        await using var other = new SqlitePortalDbContext(new DbContextOptionsBuilder<SqlitePortalDbContext>()
            .UsePortalSqlite(database.ConnectionString)
            .UseIdentitySchema()
            .EnableServiceProviderCaching(false)
            .Options);

        var inUsual = await query.For(usual)(usual, "evt_1", CancellationToken.None);
        var inOther = await query.For(other)(other, "evt_1", CancellationToken.None);

        Assert.NotSame(usual.Model, other.Model);
        Assert.False(inUsual);
        Assert.False(inOther);
        Assert.NotSame(query.For(usual), query.For(other));
    }
}
