using BenchmarkDotNet.Attributes;
using Portal.Domain.Catalog;
using Portal.Domain.Pricing;

namespace Portal.Benchmarks;

/// <summary>
/// <see cref="PackPlanner.Cheapest"/> with OfficeStatus 6.1's seven packs at list price, for 100, 10,000 and 100,000
/// users: the search alone, as Buy seats runs it once the prices are read (issue 22: a few milliseconds up to 100,000).
/// </summary>
[MemoryDiagnoser]
[MinColumn, MedianColumn]
[SimpleJob(warmupCount: 3, iterationCount: 8)]
public class PackPlannerBenchmarks
{
    private IReadOnlyList<PlannablePack> _packs = null!;

    [Params(100, 10_000, 100_000)]
    public int Users { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _packs = CatalogSeed.OfficeStatus().Packs.Select(p => new PlannablePack(p.Id, p.Seats, p.ListPrice.Minor)).ToList();
        if (Cheapest().Seats < Users)
            throw new InvalidOperationException($"The plan does not cover {Users} users.");
    }

    [Benchmark]
    public PackPlan Cheapest() => PackPlanner.Cheapest(_packs, Users);
}
