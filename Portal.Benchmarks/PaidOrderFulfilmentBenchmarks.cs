using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Accounts;
using Portal.Domain.Catalog;
using Portal.Domain.Ordering;
using Portal.Domain.Organizations;
using Portal.Domain.Pricing;

namespace Portal.Benchmarks;

/// <summary>
/// Issue 9: one paid order fulfilled end to end, as the webhook and the success page run it:
/// <see cref="FulfilmentService.FulfilAsync"/> from a <see cref="PaidCheckout"/> to the order marked fulfilled, its two
/// licenses issued with signed keys, the history written and the registration email queued in the outbox, in one
/// SQLite transaction. Every operation fulfils a different pending order (25-user and 10-user packs, placed through
/// <see cref="OrderService"/> with a checkout session attached); the orders of an iteration are placed before it starts,
/// outside the measurement. Operations per second = 1 / mean. The long warm-up (30 × 32 orders) is needed: the JIT
/// keeps tiering up EF Core's code for the first 600 or so orders (5–6 ms each on this machine against 3–4 ms later), and
/// a server that has run for a minute is past that.
/// </summary>
[MemoryDiagnoser]
[MinColumn, MedianColumn]
[SimpleJob(warmupCount: 30, iterationCount: 8, invocationCount: OrdersPerIteration)]
[OperationsPerSecond]
public class PaidOrderFulfilmentBenchmarks
{
    private const int OrdersPerIteration = 32;
    private static readonly Actor Purchaser = Actor.Person("bench-customer", "ana@contoso.example", Roles.Customer);

    private readonly Queue<PaidCheckout> _paid = new();
    private BenchmarkDatabase _database = null!;
    private OrderService _orders = null!;
    private FulfilmentService _fulfilment = null!;
    private Guid _organizationId;
    private Cart _cart = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _database = await BenchmarkDatabase.CreateAsync();
        var clock = TimeProvider.System;
        var domain = _database.DomainServices(clock);
        _orders = domain.GetRequiredService<OrderService>();
        _fulfilment = domain.GetRequiredService<FulfilmentService>();

        var product = CatalogSeed.OfficeStatus();
        var organization = Organization.Register("Contoso Facilities Ltd", OrganizationKind.Commercial, "GB",
            "billing@contoso.example", clock.GetUtcNow().AddDays(-30));
        await using (var db = _database.CreateDbContext())
        {
            db.AddRange(product, organization);
            await db.SaveChangesAsync();
        }
        _organizationId = organization.Id;
        _cart = new Cart(product.Id,
            [new CartPack(product.Packs.Single(p => p.Seats == 25).Id, 1), new CartPack(product.Packs.Single(p => p.Seats == 10).Id, 1)],
            []);

        await PlaceOrdersAsync();
        if (await FulfilPaidOrder() != FulfilmentOutcome.Fulfilled)
            throw new InvalidOperationException("The benchmark order was not fulfilled.");
    }

    /// <summary>Pending orders for the next iteration, each with its own checkout session, as Stripe would pay them.</summary>
    [IterationSetup]
    public void PlaceOrders() => PlaceOrdersAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => _database.Delete();

    [Benchmark]
    public Task<FulfilmentOutcome> FulfilPaidOrder() => _fulfilment.FulfilAsync(_paid.Dequeue());

    private async Task PlaceOrdersAsync()
    {
        while (_paid.Count < OrdersPerIteration)
        {
            var order = await _orders.PlaceAsync(_organizationId, Purchaser, "ana@contoso.example", _cart);
            var session = $"cs_bench_{order.Id:N}";
            await _orders.AttachCheckoutSessionAsync(order.Id, session);
            _paid.Enqueue(new PaidCheckout(order.Id, session, $"pi_bench_{order.Id:N}", order.Total));
        }
    }
}
