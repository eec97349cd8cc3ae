using System.Data;
using Microsoft.EntityFrameworkCore;
using Portal.Domain.Data;
using Portal.Domain.Licensing;
using Portal.Tests.Builders;

namespace Portal.Tests.Performance;

/// <summary>
/// A page's read opens its SQLite connection once for all its queries (<see cref="ReadConnection"/>, docs/performance.md):
/// EF would otherwise open it for every query, registering its SQL functions each time.
/// </summary>
public sealed class ContextConnectionTests
{
    [Fact]
    public async Task The_dashboard_reads_everything_on_one_connection_open_and_closes_it_afterwards()
    {
        await using var fixture = await DomainFixture.CreateAsync();
        await fixture.PurchaseAsync(fixture.Contoso, 10);
        await using var db = fixture.Db();
        var connection = db.Database.GetDbConnection();
        var opens = 0;
        connection.StateChange += (_, change) => opens += change.CurrentState == ConnectionState.Open ? 1 : 0;

        var dashboard = await CustomerDashboard.LoadAsync(db, fixture.Contoso.Id, fixture.Clock.GetUtcNow());

        Assert.Equal(10, dashboard!.Overview.Seats.Single().Seats);
        Assert.Equal(1, opens);
        Assert.Equal(ConnectionState.Closed, connection.State);
    }

    [Fact]
    public async Task A_read_inside_an_open_connection_leaves_it_open()
    {
        await using var fixture = await DomainFixture.CreateAsync();
        await using var db = fixture.Db();
        await db.Database.OpenConnectionAsync();

        await CustomerDashboard.LoadAsync(db, fixture.Contoso.Id, fixture.Clock.GetUtcNow());

        Assert.Equal(ConnectionState.Open, db.Database.GetDbConnection().State);
    }
}
