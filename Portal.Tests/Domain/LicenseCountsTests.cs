using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Portal.Domain.Data;
using Portal.Domain.Licensing;
using Portal.Tests.Builders;

namespace Portal.Tests.Domain;

/// <summary>
/// The license counts the dashboard and the license list show are kept per organization revision (decision 0009):
/// counted once, and counted again after every save that touches one of the organization's licenses.
/// </summary>
public sealed class LicenseCountsTests : IAsyncLifetime
{
    private DomainFixture _fx = null!;

    public async Task InitializeAsync() => _fx = await DomainFixture.CreateAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    [Fact]
    public async Task Counts_shown_follow_every_purchase_upgrade_revocation_and_reinstatement()
    {
        var bought = await _fx.PurchaseAsync(_fx.Contoso, 10, 5);
        Assert.Equal([(6, 15, 2)], await SeatsShownAsync());

        await _fx.ReleaseAsync(7, 0);
        await _fx.UpgradeAsync(bought[0]);
        Assert.Equal([(7, 10, 1), (6, 5, 1)], await SeatsShownAsync());
        Assert.Equal(([7, 6], 2), await SummaryAsync(), SummaryComparer);

        await ChangeAsync(bought[1].Id, (licensing, db, license) => licensing.Revoke(db, license, "Refunded", DomainFixture.Support));
        Assert.Equal([(7, 10, 1)], await SeatsShownAsync());
        Assert.Equal(([7, 6], 1), await SummaryAsync(), SummaryComparer);

        await ChangeAsync(bought[0].Id, (licensing, db, license) => licensing.Reinstate(db, license, "Upgrade refunded", DomainFixture.Support));
        Assert.Equal([(7, 10, 1), (6, 10, 1)], await SeatsShownAsync());
    }

    [Fact]
    public async Task Counts_are_read_once_per_revision_and_not_for_another_organizations_change()
    {
        await _fx.PurchaseAsync(_fx.Contoso, 10);
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam");
        var commands = new CountingInterceptor();
        await LoadOverviewAsync(commands);
        var counted = commands.Counts;

        await LoadOverviewAsync(commands);
        await _fx.PurchaseAsync(fabrikam, 25);
        await LoadOverviewAsync(commands);
        Assert.Equal(counted, commands.Counts);

        await _fx.PurchaseAsync(_fx.Contoso, 5);
        await LoadOverviewAsync(commands);
        Assert.Equal(counted + 1, commands.Counts);
    }

    [Fact]
    public async Task A_license_saved_gives_its_organization_a_new_revision_in_the_same_save()
    {
        var before = await RevisionAsync(_fx.Contoso.Id);
        await _fx.PurchaseAsync(_fx.Contoso, 10);
        Assert.NotEqual(before, await RevisionAsync(_fx.Contoso.Id));
    }

    private async Task<List<(int Major, int Seats, int Licenses)>> SeatsShownAsync()
    {
        await using var db = _fx.Db();
        var overview = await CustomerOverview.LoadAsync(db, _fx.Contoso.Id, _fx.Clock.GetUtcNow());
        return overview.Seats.Select(s => (s.Major, s.Seats, s.Licenses)).ToList();
    }

    private static readonly IEqualityComparer<(int[] Majors, int Active)> SummaryComparer = EqualityComparer<(int[] Majors, int Active)>.Create(
        (a, b) => a.Majors.SequenceEqual(b.Majors) && a.Active == b.Active, s => s.Active);

    private async Task<(int[] Majors, int Active)> SummaryAsync()
    {
        await using var db = _fx.Db();
        var summary = await LicenseQueries.SummaryAsync(db, _fx.Contoso.Id);
        return (summary.Majors.ToArray(), summary.ActiveCount);
    }

    private async Task LoadOverviewAsync(CountingInterceptor commands)
    {
        await using var db = _fx.Db(commands);
        await CustomerOverview.LoadAsync(db, _fx.Contoso.Id, _fx.Clock.GetUtcNow());
    }

    private async Task ChangeAsync(Guid licenseId, Action<LicensingService, PortalDbContext, License> change)
    {
        await using var db = _fx.Db();
        var license = await db.Licenses.SingleAsync(l => l.Id == licenseId);
        change(_fx.Get<LicensingService>(), db, license);
        await db.SaveChangesAsync();
    }

    private async Task<Guid> RevisionAsync(Guid organizationId)
    {
        await using var db = _fx.Db();
        return await db.Organizations.Where(o => o.Id == organizationId).Select(o => o.LicensesRevision).SingleAsync();
    }

    /// <summary>Counts the commands that count licenses (GROUP BY over the license table).</summary>
    private sealed class CountingInterceptor : DbCommandInterceptor
    {
        private int _counts;

        public int Counts => _counts;

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (command.CommandText.Contains("FROM \"Licenses\"", StringComparison.Ordinal) && command.CommandText.Contains("GROUP BY", StringComparison.Ordinal))
                Interlocked.Increment(ref _counts);
            return ValueTask.FromResult(result);
        }
    }
}
