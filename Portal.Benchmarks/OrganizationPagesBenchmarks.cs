using BenchmarkDotNet.Attributes;
using Portal.Domain.History;
using Portal.Domain.Licensing;

namespace Portal.Benchmarks;

/// <summary>
/// docs/architecture.md#quality-bars: what the customer pages read for a large organization (<see cref="LargeOrganization"/>)
/// on SQLite, each on a new context as the pages open one: seat capacity (R2), everything the /dashboard page loads, the
/// first page of the /licenses grid (its default sort, 10 rows) and the first page of /history (20 entries). Licenses and
/// history vary apart, so a query whose cost follows the history (or the licenses) shows it.
/// </summary>
[MemoryDiagnoser]
[MinColumn, MedianColumn]
[SimpleJob(warmupCount: 3, iterationCount: 8)]
public class OrganizationPagesBenchmarks
{
    private BenchmarkDatabase _database = null!;
    private LargeOrganization _organization = null!;

    [Params(100, 10_000)]
    public int Licenses { get; set; }

    [Params(1_000, 50_000)]
    public int Events { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _database = await BenchmarkDatabase.CreateAsync();
        _organization = await LargeOrganization.SeedAsync(_database, Licenses, Events);

        var history = await HistoryFirstPage();
        if (history.Entries.Count != 20)
            throw new InvalidOperationException($"The history page has {history.Entries.Count} entries instead of 20.");
        var dashboard = await Dashboard() ?? throw new InvalidOperationException("The organization has no dashboard.");
        if (dashboard.Overview.UpgradableLicenses != Licenses / 10 || dashboard.Members.Count != 5)
            throw new InvalidOperationException($"The dashboard shows {dashboard.Overview.UpgradableLicenses} upgrades and {dashboard.Members.Count} members.");
    }

    [GlobalCleanup]
    public void Cleanup() => _database.Delete();

    [Benchmark]
    public async Task<int> SeatCapacity()
    {
        await using var db = _database.CreateDbContext();
        return await LicensingService.SeatCapacityAsync(db, _organization.OrganizationId, _organization.ProductId, major: 6);
    }

    [Benchmark]
    public async Task<CustomerDashboard?> Dashboard()
    {
        await using var db = _database.CreateDbContext();
        return await CustomerDashboard.LoadAsync(db, _organization.OrganizationId, LargeOrganization.Now);
    }

    /// <summary>The grid's first load: newest first, 10 rows (the page's default page size).</summary>
    [Benchmark]
    public async Task<LicenseListPage> LicenseListFirstPage()
    {
        await using var db = _database.CreateDbContext();
        return await LicenseQueries.ListAsync(db, _organization.OrganizationId, new LicenseListQuery(PageSize: 10));
    }

    /// <summary>The /history page as it opens: page 1 of 20 entries.</summary>
    [Benchmark]
    public async Task<HistoryPage> HistoryFirstPage()
    {
        await using var db = _database.CreateDbContext();
        return await AuditLog.LicenseHistoryAsync(db, _organization.OrganizationId, page: 1, pageSize: 20);
    }
}
