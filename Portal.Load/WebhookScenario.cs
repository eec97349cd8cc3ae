using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.Ordering;
using Portal.Domain.Organizations;
using Portal.Domain.Outbox;
using Portal.Domain.Pricing;
using Portal.Payments;
using Portal.Domain.Members;

namespace Portal.Load;

/// <summary>
/// Stripe's side of a burst of payments: signed <c>checkout.session.completed</c> events for pending orders, some of
/// them delivered twice (the same event again, as Stripe's at-least-once delivery does, and a second event for the same
/// session), from many senders at once. Afterwards every order must be fulfilled exactly once.
/// </summary>
public sealed class WebhookScenario(LoadApp app, WebhookOptions options)
{
    private sealed record PaidOrder(Guid OrderId, string SessionId, long Total, string Currency, int ExpectedLicenses);

    private sealed record Delivery(PaidOrder Order, string EventJson);

    private sealed record Buyers(Guid ProductId, IReadOnlyList<Guid> Packs, IReadOnlyList<Guid> Organizations);

    /// <summary>Warm-up orders are placed and paid this many at a time, until the JIT has settled.</summary>
    public const int WarmupRound = 300;

    public async Task RunAsync(Results results)
    {
        const string scenario = "webhooks";
        results.Note($"webhooks: machine before the run: {Results.Machine()}");
        var stopwatch = Stopwatch.StartNew();
        var buyers = await RegisterBuyersAsync();
        var orders = await PlaceOrdersAsync(buyers, 0, options.Orders);
        Console.WriteLine($"webhooks: {orders.Count} pending orders placed through OrderService in {stopwatch.Elapsed.TotalSeconds:0.0} s");

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = options.Senders }) { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        // A server that has been up a while has the JIT behind it; a fresh one under full load compiles for tens of
        // seconds, which the measured burst should not include (as the pages scenario's warm-up). Each round's orders are
        // placed before it, so that only paying them counts towards the JIT's share.
        var warmup = new List<PaidOrder>();
        var warmupFailed = new System.Collections.Concurrent.ConcurrentBag<Delivery>();
        IReadOnlyList<Delivery> round = [];
        var warmedUp = await WarmUp.UntilJitSettlesAsync((options.WarmupOrders + WarmupRound - 1) / WarmupRound,
            _ => SendAllAsync(http, round, new Latencies(), warmupFailed),
            prepare: async slice =>
            {
                var batch = await PlaceOrdersAsync(buyers, options.Orders + warmup.Count, Math.Min(WarmupRound, options.WarmupOrders - warmup.Count));
                warmup.AddRange(batch);
                round = Deliveries(batch, $"warmup_{slice:D3}");
            });
        Console.WriteLine($"webhooks: warm-up {warmedUp.Describe($"{warmup.Count:N0} orders placed and paid")}");
        // The warm-up's refused deliveries are sent again and its emails sent before the burst, so that what the outbox
        // does during and after the burst, and what is refused in it, are the burst's own.
        foreach (var delivery in warmupFailed)
            await SendAsync(http, delivery.EventJson);
        if (await WaitForOutboxAsync() is null)
            results.Note("webhooks: the warm-up's emails were not all sent before the burst; the outbox figures include them");
        var failed = new System.Collections.Concurrent.ConcurrentBag<Delivery>();
        var deliveries = Deliveries(orders, "load");
        var latencies = new Latencies();
        var emailsBefore = await CountEmailsAsync();
        var cpu = new CpuMeter();
        var jit = new JitMeter();
        var started = Stopwatch.GetTimestamp();
        await SendAllAsync(http, deliveries, latencies, failed);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var cpuUsed = cpu.Elapsed;
        var compiled = jit.ToString();
        var emailsAfter = await CountEmailsAsync();
        var drained = await WaitForOutboxAsync();

        // Stripe delivers a refused event again later; so does the harness, after the measured burst.
        var redelivered = 0;
        foreach (var delivery in failed)
        {
            if ((int)await SendAsync(http, delivery.EventJson) is >= 200 and < 300)
                redelivered++;
        }

        var eventsPerSecond = deliveries.Count / elapsed.TotalSeconds;
        var fulfilmentsPerSecond = orders.Count / elapsed.TotalSeconds;
        results.Add(new Figure(scenario, "warm-up, not measured: orders paid until the JIT settled",
            warmedUp.Describe($"{warmup.Count:N0} orders"), "settled", warmedUp.Settled));
        results.Add(new Figure(scenario, $"{deliveries.Count:N0} events ({deliveries.Count - orders.Count:N0} duplicates) for {orders.Count:N0} orders, {options.Senders} senders",
            $"{elapsed.TotalSeconds:0.00} s"));
        results.Add(new Figure(scenario, "events per second", eventsPerSecond.ToString("N0", CultureInfo.InvariantCulture)));
        results.Add(new Figure(scenario, "fulfilments per second (orders / burst time)", fulfilmentsPerSecond.ToString("N0", CultureInfo.InvariantCulture),
            "≥ 300 /s", fulfilmentsPerSecond >= 300));
        results.Add(new Figure(scenario, "latency p50 / p99", $"{latencies.Percentile(50):0.0} / {latencies.Percentile(99):0.0} ms"));
        results.Add(new Figure(scenario, "CPU time per event (app + sender, all cores) → events/s if 2 cores were Portal's",
            $"{cpuUsed.TotalMilliseconds / deliveries.Count:0.00} ms → {2 * deliveries.Count / cpuUsed.TotalSeconds:N0} /s"));
        results.Add(new Figure(scenario, "JIT compilation during the burst (all threads)", compiled));
        results.Add(new Figure(scenario, "registration emails sent during the burst (outbox, one worker) · queued when it ended",
            $"{emailsAfter.Sent - emailsBefore.Sent:N0} ({(emailsAfter.Sent - emailsBefore.Sent) / elapsed.TotalSeconds:N0} /s) · {emailsAfter.Queued:N0}"));
        var emailsFailed = (await CountEmailsAsync()).Failed - emailsBefore.Failed;
        results.Add(new Figure(scenario, "registration emails that failed (not sent, so not counted as emailed)",
            emailsFailed.ToString("N0", CultureInfo.InvariantCulture), "0", emailsFailed == 0));
        results.Add(new Figure(scenario, "the burst's emails all sent: seconds after the burst → orders paid and emailed per second",
            drained is { } drainTime
                ? $"{drainTime.TotalSeconds:0.0} s → {(orders.Count - emailsFailed) / (elapsed + drainTime).TotalSeconds:N0} /s"
                : $"not done in {OutboxDrainLimit.TotalSeconds:0} s"));
        results.Add(new Figure(scenario, "deliveries not answered 2xx (then delivered again)", $"{failed.Count} ({redelivered} accepted the second time)"));
        await CheckFulfilledOnceAsync([.. warmup, .. orders], results);
    }

    /// <summary>Sends the deliveries from <see cref="WebhookOptions.Senders"/> concurrent senders, each taking the next one.</summary>
    private async Task SendAllAsync(HttpClient http, IReadOnlyList<Delivery> deliveries, Latencies latencies, System.Collections.Concurrent.ConcurrentBag<Delivery> failed)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, options.Senders).Select(async _ =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < deliveries.Count)
            {
                var delivery = deliveries[index];
                var sent = Stopwatch.GetTimestamp();
                var status = await SendAsync(http, delivery.EventJson);
                latencies.Add(sent);
                if ((int)status is < 200 or >= 300)
                    failed.Add(delivery);
            }
        }));
    }

    private static async Task<HttpStatusCode> SendAsync(HttpClient http, string eventJson)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, CheckoutPaths.Webhook)
        {
            Content = new StringContent(eventJson, Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", StripeEvents.Sign(eventJson, LoadApp.WebhookSecret));
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>The product, its packs of up to 10 users and the organizations that buy them (registered here).</summary>
    private async Task<Buyers> RegisterBuyersAsync()
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var product = await db.Products.AsNoTracking().Include(p => p.Packs).SingleAsync();
        var organizationIds = new List<Guid>();
        for (var i = 0; i < options.Organizations; i++)
        {
            var organization = Organization.Register($"Load customer {i}", OrganizationKind.Commercial, "GB",
                $"billing-{i}@load.example", DateTimeOffset.UtcNow.AddDays(-30));
            db.Organizations.Add(organization);
            organizationIds.Add(organization.Id);
        }
        await db.SaveChangesAsync();
        return new Buyers(product.Id, product.Packs.Where(p => p.Seats <= 10).OrderBy(p => p.Seats).Select(p => p.Id).ToList(), organizationIds);
    }

    /// <summary>
    /// Pending orders of one or two OfficeStatus packs, numbered from <paramref name="first"/>, placed as the buy page
    /// places them (<see cref="OrderService"/>), each with a checkout session attached as Portal's checkout attaches it.
    /// </summary>
    private async Task<IReadOnlyList<PaidOrder>> PlaceOrdersAsync(Buyers buyers, int first, int count)
    {
        var orderService = app.Services.GetRequiredService<OrderService>();
        var placed = new PaidOrder[count];
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (index, cancellationToken) =>
        {
            var i = first + index;
            var quantity = 1 + i % 2;
            var buyer = $"buyer-{i}@load.example";
            var organizationId = buyers.Organizations[i % buyers.Organizations.Count];
            var order = await orderService.PlaceAsync(organizationId, Actor.Person($"load-buyer-{i}", buyer, Roles.Customer).In(organizationId, MemberRoles.Billing), buyer,
                new Cart(buyers.ProductId, [new CartPack(buyers.Packs[i % buyers.Packs.Count], quantity)], []), cancellationToken);
            var sessionId = $"cs_load_{i:D6}_{order.Id:N}";
            await orderService.AttachCheckoutSessionAsync(order.Id, sessionId, cancellationToken);
            placed[index] = new PaidOrder(order.Id, sessionId, order.Total.Minor, order.Total.Currency, quantity);
        });
        return placed;
    }

    /// <summary>
    /// One event per order, then the duplicates: half the same event delivered again, half a second event for the same
    /// session. Shuffled (fixed seed), so a duplicate may arrive while its twin is being handled.
    /// </summary>
    private List<Delivery> Deliveries(IReadOnlyList<PaidOrder> orders, string prefix)
    {
        var deliveries = orders.Select((order, i) => new Delivery(order,
            StripeEvents.CheckoutCompleted($"evt_{prefix}_{i:D6}", order.SessionId, order.OrderId, order.Total, order.Currency))).ToList();
        var random = new Random(9);
        // As many duplicates per order as the measured burst has.
        var duplicates = (int)Math.Round((double)(options.Events - options.Orders) * orders.Count / options.Orders);
        for (var d = 0; d < duplicates; d++)
        {
            var i = random.Next(orders.Count);
            deliveries.Add(d % 2 == 0
                ? deliveries[i]
                : new Delivery(orders[i], StripeEvents.CheckoutCompleted($"evt_{prefix}_dup_{d:D6}", orders[i].SessionId, orders[i].OrderId, orders[i].Total, orders[i].Currency)));
        }
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(deliveries));
        return deliveries;
    }

    private static readonly TimeSpan OutboxDrainLimit = TimeSpan.FromMinutes(3);

    /// <summary>
    /// Registration emails sent and still queued. The webhook answers once the email is queued; the outbox sends it
    /// afterwards, so a burst can end with emails still to send.
    /// </summary>
    private async Task<(int Sent, int Queued, int Failed)> CountEmailsAsync()
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var byStatus = (await db.OutboxMessages.GroupBy(m => m.Status).Select(g => new { Status = g.Key, Count = g.Count() }).ToListAsync())
            .ToDictionary(g => g.Status, g => g.Count);
        return (byStatus.GetValueOrDefault(OutboxStatus.Sent), byStatus.GetValueOrDefault(OutboxStatus.Pending), byStatus.GetValueOrDefault(OutboxStatus.Failed));
    }

    /// <summary>How long the outbox takes to send what the burst left queued; null if not done within the limit.</summary>
    private async Task<TimeSpan?> WaitForOutboxAsync()
    {
        var started = Stopwatch.GetTimestamp();
        while ((await CountEmailsAsync()).Queued > 0)
        {
            if (Stopwatch.GetElapsedTime(started) > OutboxDrainLimit)
                return null;
            await Task.Delay(TimeSpan.FromMilliseconds(20));
        }
        return Stopwatch.GetElapsedTime(started);
    }

    /// <summary>Per order, from the database: fulfilled, as many licenses as packs bought, one fulfilment record.</summary>
    private async Task CheckFulfilledOnceAsync(IReadOnlyList<PaidOrder> orders, Results results)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var ids = orders.Select(o => o.OrderId).ToHashSet();
        var statuses = (await db.Orders.AsNoTracking().Select(o => new { o.Id, o.Status }).ToListAsync())
            .Where(o => ids.Contains(o.Id)).ToDictionary(o => o.Id, o => o.Status);
        var licenses = (await db.Licenses.AsNoTracking().Where(l => l.OrderId != null).Select(l => l.OrderId!.Value).ToListAsync())
            .CountBy(id => id).ToDictionary();
        var fulfilments = (await db.AuditEvents.AsNoTracking().Where(e => e.Action == "order.fulfilled").Select(e => e.EntityId).ToListAsync())
            .CountBy(id => id).ToDictionary();

        var twice = orders.Count(o => fulfilments.GetValueOrDefault(o.OrderId.ToString()) > 1 || licenses.GetValueOrDefault(o.OrderId) > o.ExpectedLicenses);
        var never = orders.Count(o => statuses[o.OrderId] != OrderStatus.Fulfilled || fulfilments.GetValueOrDefault(o.OrderId.ToString()) == 0
            || licenses.GetValueOrDefault(o.OrderId) < o.ExpectedLicenses);
        results.Add(new Figure("webhooks", "orders fulfilled twice / not at all (from the database)", $"{twice} / {never}", "0 / 0", twice == 0 && never == 0));
        if (twice > 0 || never > 0)
            results.Fail($"webhooks: {twice} orders fulfilled more than once and {never} not (exactly once) fulfilled");
    }
}

public sealed record WebhookOptions(int Events, int Orders, int Senders, int Organizations, int WarmupOrders)
{
    /// <summary>These options, or an <see cref="ArgumentException"/> saying which one cannot be run.</summary>
    public WebhookOptions Validated() =>
        Orders < 1 || Senders < 1 || Organizations < 1 || WarmupOrders < 0
            ? throw new ArgumentException("--orders, --senders and --organizations must be at least 1, --warmup-orders at least 0.")
            : Events < Orders
                ? throw new ArgumentException("--events must be at least --orders (one event per order, the rest duplicates).")
                : this;
}
