using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Accounts;
using Portal.Domain.Catalog;
using Portal.Domain.Licensing;
using Portal.Domain.Organizations;
using Portal.Domain.Pricing;

namespace Portal.Benchmarks;

/// <summary>
/// <see cref="PricingService.PriceAsync"/> as the cart page and the order call it: a new context per quote over a real,
/// migrated SQLite file holding OfficeStatus 6.1 and an organization with 6.x purchases and three 5.x licenses; the cart
/// has ten lines: one of each of the seven packs and the upgrade of all three 5.x licenses. No discount is approved, so
/// the discount lookup finds none.
/// </summary>
[MemoryDiagnoser]
[MinColumn, MedianColumn]
[SimpleJob(warmupCount: 3, iterationCount: 8)]
public class PricingBenchmarks
{
    private static readonly Actor Admin = Actor.Person("bench-admin", "Benchmark admin", Roles.Admin);

    private BenchmarkDatabase _database = null!;
    private PricingService _pricing = null!;
    private Guid _organizationId;
    private Cart _cart = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _database = await BenchmarkDatabase.CreateAsync();
        var clock = TimeProvider.System;
        var domain = _database.DomainServices(clock);
        var licensing = domain.GetRequiredService<LicensingService>();
        _pricing = domain.GetRequiredService<PricingService>();

        var product = CatalogSeed.OfficeStatus();
        var organization = Organization.Register("Contoso Facilities Ltd", OrganizationKind.Commercial, "GB",
            "billing@contoso.example", clock.GetUtcNow().AddDays(-800));
        await using (var db = _database.CreateDbContext())
        {
            db.AddRange(product, organization);
            var order = Guid.NewGuid();
            licensing.IssuePurchased(db, organization, product, 25, order, Actor.Stripe);
            licensing.IssuePurchased(db, organization, product, 10, order, Actor.Stripe);
            await db.SaveChangesAsync();
        }

        // Three 5.x licenses to upgrade (granted as complimentary: 6.1 is the product's current major).
        var upgrades = new List<Guid>();
        foreach (var seats in new[] { 10, 25, 50 })
        {
            await using var db = _database.CreateDbContext();
            var license = await licensing.GrantComplimentaryAsync(db, organization.Id, product.Id, major: 5, seats,
                "Benchmark: a 5.x license to upgrade.", Admin);
            upgrades.Add(license.Id);
        }

        _organizationId = organization.Id;
        _cart = new Cart(product.Id, product.Packs.Select(p => new CartPack(p.Id, p.Seats <= 10 ? 2 : 1)).ToList(), upgrades);

        var quote = await PriceAsync();
        if (quote.Lines.Count != 10)
            throw new InvalidOperationException($"Expected 10 quote lines, got {quote.Lines.Count}.");
    }

    [GlobalCleanup]
    public void Cleanup() => _database.Delete();

    [Benchmark]
    public async Task<PricedCart> PriceAsync()
    {
        await using var db = _database.CreateDbContext();
        return await _pricing.PriceAsync(db, _organizationId, _cart);
    }
}
