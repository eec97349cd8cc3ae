using BenchmarkDotNet.Attributes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Accounts;
using Portal.Domain.History;
using Portal.Domain.Licensing;
using Portal.Domain.Organizations;

namespace Portal.Benchmarks;

/// <summary>
/// docs/architecture.md#quality-bars: pages cost O(page), not O(history). The first page (20 entries) of an organization's license history
/// through <see cref="AuditLog.LicenseHistoryAsync"/>, with 100 to 100,000 customer-visible events for that organization
/// and 1,000 of another organization beside them. Both halves should stay flat across the sizes: the page query reads 20
/// rows in index order, and the count for the pager stops <see cref="AuditLog.CountedPagesAhead"/> pages past the page.
/// <see cref="CountOnly"/> and <see cref="PageOnly"/> run the two halves of the same query alone, to show which one grows.
/// </summary>
[MemoryDiagnoser]
[MinColumn, MedianColumn]
[SimpleJob(warmupCount: 3, iterationCount: 8)]
public class HistoryBenchmarks
{
    private const int BatchSize = 5_000;
    private const int OtherOrganizationEvents = 1_000;

    private BenchmarkDatabase _database = null!;
    private Guid _organizationId;

    [Params(100, 10_000, 100_000)]
    public int Events { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _database = await BenchmarkDatabase.CreateAsync();
        var start = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var organization = Organization.Register("Contoso Facilities Ltd", OrganizationKind.Commercial, "GB", "billing@contoso.example", start);
        var other = Organization.Register("Northwind Traders", OrganizationKind.Commercial, "DE", "licensing@northwind.example", start);
        await using (var db = _database.CreateDbContext())
        {
            db.AddRange(organization, other);
            await db.SaveChangesAsync();
        }
        _organizationId = organization.Id;

        // Through the real AuditLog and DbContext, in batches: the rows are exactly what the app writes.
        var audit = _database.DomainServices(new SteppingClock(start, TimeSpan.FromMinutes(1))).GetRequiredService<AuditLog>();
        await SeedAsync(audit, other.Id, OtherOrganizationEvents);
        await SeedAsync(audit, organization.Id, Events);

        await using (var db = _database.CreateDbContext())
        {
            var page = await AuditLog.LicenseHistoryAsync(db, _organizationId, page: 1, pageSize: 20);
            if (page.Entries.Count != Math.Min(20, Events) || page.TotalIsExact != (page.TotalCount == Events))
                throw new InvalidOperationException($"Seeded {Events} events but the history shows {page.TotalCount}.");
        }
    }

    private async Task SeedAsync(AuditLog audit, Guid organizationId, int count)
    {
        for (var done = 0; done < count; done += BatchSize)
        {
            await using var db = _database.CreateDbContext();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            await using var transaction = await db.Database.BeginTransactionAsync();
            for (var i = done; i < Math.Min(done + BatchSize, count); i++)
            {
                var seats = 1 + i % 50;
                audit.Record(db, Actor.Stripe, "license.issued", nameof(License), Guid.CreateVersion7(), organizationId,
                    $"OfficeStatus 6 license for {seats} users issued after purchase.");
            }
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _database.Delete();

    [Benchmark(Baseline = true)]
    public async Task<HistoryPage> LicenseHistoryFirstPage()
    {
        await using var db = _database.CreateDbContext();
        return await AuditLog.LicenseHistoryAsync(db, _organizationId, page: 1, pageSize: 20);
    }

    /// <summary>The COUNT half of <see cref="AuditLog.LicenseHistoryAsync"/> for page 1, the same LINQ.</summary>
    [Benchmark]
    public async Task<int> CountOnly()
    {
        await using var db = _database.CreateDbContext();
        return await db.AuditEvents.AsNoTracking()
            .Where(e => e.OrganizationId == _organizationId && e.VisibleToCustomer)
            .Take((1 + AuditLog.CountedPagesAhead) * 20 + 1)
            .CountAsync();
    }

    /// <summary>The page half of <see cref="AuditLog.LicenseHistoryAsync"/>, the same LINQ.</summary>
    [Benchmark]
    public async Task<List<HistoryEntry>> PageOnly()
    {
        int page = 1, pageSize = 20;
        await using var db = _database.CreateDbContext();
        return await db.AuditEvents.AsNoTracking()
            .Where(e => e.OrganizationId == _organizationId && e.VisibleToCustomer)
            .OrderByDescending(e => e.Id)
            .Skip((page - 1) * pageSize).Take(pageSize)
            .Select(e => new HistoryEntry(e.OccurredAt, e.ActorName, e.Action, e.Summary))
            .ToListAsync();
    }
}
