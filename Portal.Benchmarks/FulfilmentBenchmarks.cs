using BenchmarkDotNet.Attributes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Accounts;
using Portal.Domain.Catalog;
using Portal.Domain.Licensing;
using Portal.Domain.Organizations;

namespace Portal.Benchmarks;

/// <summary>
/// docs/architecture.md#quality-bars: webhook fulfilment in the hundreds per second on SQLite. The proxy until fulfilment exists: one
/// paid order of two packs in one unit of work, as a webhook handler will run it: a new context, the organization and
/// product loaded, <see cref="LicensingService.IssuePurchased"/> twice (each signs a key and records an audit event), one
/// <c>SaveChangesAsync</c> (a single SQLite transaction). Operations per second = 1 / mean. The database grows by two
/// licenses and two events per operation, as it would.
/// </summary>
[MemoryDiagnoser]
[MinColumn, MedianColumn]
[SimpleJob(warmupCount: 3, iterationCount: 8)]
[OperationsPerSecond]
public class FulfilmentBenchmarks
{
    private BenchmarkDatabase _database = null!;
    private LicensingService _licensing = null!;
    private Guid _organizationId;
    private Guid _productId;
    private Product _product = null!;
    private Organization _organization = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _database = await BenchmarkDatabase.CreateAsync();
        var clock = TimeProvider.System;
        _licensing = _database.DomainServices(clock).GetRequiredService<LicensingService>();
        var product = CatalogSeed.OfficeStatus();
        var organization = Organization.Register("Contoso Facilities Ltd", OrganizationKind.Commercial, "GB",
            "billing@contoso.example", clock.GetUtcNow().AddDays(-30));
        await using var db = _database.CreateDbContext();
        db.AddRange(product, organization);
        await db.SaveChangesAsync();
        (_organizationId, _productId) = (organization.Id, product.Id);
        (_organization, _product) = (organization, product);
    }

    [GlobalCleanup]
    public void Cleanup() => _database.Delete();

    /// <summary>The whole unit of work: load, issue two licenses, commit.</summary>
    [Benchmark(Baseline = true)]
    public async Task<int> IssueTwoLicensesWithLoads()
    {
        await using var db = _database.CreateDbContext();
        var organization = await db.Organizations.SingleAsync(o => o.Id == _organizationId);
        var product = await db.Products.SingleAsync(p => p.Id == _productId);
        var orderId = Guid.CreateVersion7();
        _licensing.IssuePurchased(db, organization, product, 25, orderId, Actor.Stripe);
        _licensing.IssuePurchased(db, organization, product, 10, orderId, Actor.Stripe);
        return await db.SaveChangesAsync();
    }

    /// <summary>The same without the two loads (entities already in hand): issuing and the commit alone.</summary>
    [Benchmark]
    public async Task<int> IssueTwoLicenses()
    {
        await using var db = _database.CreateDbContext();
        var orderId = Guid.CreateVersion7();
        _licensing.IssuePurchased(db, _organization, _product, 25, orderId, Actor.Stripe);
        _licensing.IssuePurchased(db, _organization, _product, 10, orderId, Actor.Stripe);
        return await db.SaveChangesAsync();
    }
}
