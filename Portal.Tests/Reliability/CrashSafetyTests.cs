using System.Collections.Concurrent;
using Portal.Domain.Ordering;
using Xunit.Abstractions;

namespace Portal.Tests.Reliability;

[Collection(PortalProcessesCollection.Name)]
public sealed class CrashSafetyTests(ITestOutputHelper output)
{
    private const int Orders = 200;
    private const int Kills = 3;
    private const int ConcurrentSenders = 4;

    /// <summary>Already-delivered events Stripe sends again after each restart (it does send events more than once).</summary>
    private const int DuplicatesPerRestart = 15;

    /// <summary>Short, so that emails claimed by a killed process are sent again within the test.</summary>
    private static readonly TimeSpan OutboxLease = TimeSpan.FromSeconds(6);

    [Fact]
    public async Task Killed_three_times_in_a_stream_of_webhooks_then_redelivered_every_paid_order_is_fulfilled_once_and_its_email_sent()
    {
        await using var world = await PortalWorld.CreateAsync();
        var settings = world.Settings().With("Outbox:LeaseDuration", OutboxLease.ToString("c")).With("Outbox:BatchSize", "5");
        var instances = new List<PortalProcess>();
        try
        {
            instances.Add(await PortalProcess.StartAsync("P", settings));
            var orders = await world.PlacePaidOrdersAsync(Orders);
            using var sender = new WebhookSender();
            var stripe = new StripeRetryQueue(orders, sender);

            // Killed when a quarter, half and three quarters of the events have been answered, with more in flight;
            // after each restart Stripe sends what was not answered 2xx, and some events again.
            for (var round = 0; round <= Kills; round++)
            {
                if (round > 0)
                {
                    instances.Add(await instances[^1].RestartAsync());
                    stripe.SendAgain(DuplicatesPerRestart);
                }
                var killWhenAnswered = round < Kills ? (round + 1) * Orders / (Kills + 1) : (int?)null;
                await stripe.DeliverAsync(instances[^1], ConcurrentSenders, killWhenAnswered);
            }
            var kills = instances.Count(instance => instance.HasExited);

            var emails = await world.RegistrationEmailIdsAsync(orders);
            await world.WaitUntilSentAsync(emails, OutboxLease + TimeSpan.FromSeconds(120));
            var outcomes = await world.OutcomesAsync(orders);
            var (registrations, fulfilled) = await world.RegistrationRecordsAsync(orders);
            var emailsReceived = outcomes.Sum(o => o.EmailsReceived);
            output.WriteLine($"{Orders} paid orders, {Orders} events; {sender.Attempts} deliveries ({stripe.Unanswered} unanswered or refused, " +
                $"{stripe.RepeatedDeliveries} repeats of events already answered 2xx); {kills} kills survived; " +
                $"{fulfilled} orders fulfilled, {Orders - fulfilled} lost; {outcomes.Sum(o => o.Licenses)} licenses for {outcomes.Sum(o => o.ExpectedLicenses)} expected; " +
                $"{emailsReceived} registration emails received for {Orders} expected ({emailsReceived - outcomes.Count(o => o.EmailsReceived > 0)} repeated)");

            Assert.Equal(Kills, kills);
            Assert.All(outcomes, order =>
            {
                Assert.Equal(OrderStatus.Fulfilled, order.Status);
                Assert.Equal(order.ExpectedLicenses, order.Licenses);
                Assert.Equal((1, 1, 1), (order.FulfilmentRecords, order.OutboxRows, order.OutboxSent));
                // One email can be in flight at more than one kill: its lease runs out after a restart, and the next
                // instance is killed while sending it again. The repeats of all emails together are bounded below.
                Assert.InRange(order.EmailsReceived, 1, 1 + Kills);
            });
            Assert.Equal((Orders, Orders), (registrations, fulfilled));
            // At least once: a process killed after the SMTP server took an email but before the outbox recorded it sends
            // it again (same Message-ID) when the lease runs out. The worker sends one email at a time: one per kill at most.
            Assert.InRange(emailsReceived - Orders, 0, Kills);
        }
        finally
        {
            foreach (var instance in instances)
                await instance.DisposeAsync();
        }
    }

    /// <summary>
    /// Stripe's view of the stream: events not yet answered 2xx are due and are sent (again) until they are; several
    /// senders at once, as Stripe delivers concurrently.
    /// </summary>
    private sealed class StripeRetryQueue(IReadOnlyList<PaidOrder> orders, WebhookSender sender)
    {
        private readonly ConcurrentQueue<PaidOrder> _due = new(orders);
        private readonly ConcurrentDictionary<string, bool> _answered = new();
        private int _unanswered;
        private int _repeated;

        public int Unanswered => _unanswered;
        public int RepeatedDeliveries => _repeated;

        /// <summary>Queues <paramref name="count"/> events that were already answered 2xx, to be delivered again.</summary>
        public void SendAgain(int count)
        {
            foreach (var order in orders.Where(o => _answered.ContainsKey(o.EventId)).Take(count))
                _due.Enqueue(order);
        }

        /// <summary>
        /// Delivers due events to <paramref name="instance"/> until none is due or, once <paramref name="killWhenAnswered"/>
        /// events have been answered, kills the instance (other deliveries still in flight) and stops.
        /// </summary>
        public async Task DeliverAsync(PortalProcess instance, int senders, int? killWhenAnswered)
        {
            var killed = 0;
            await Task.WhenAll(Enumerable.Range(0, senders).Select(_ => Task.Run(async () =>
            {
                while (Volatile.Read(ref killed) == 0 && _due.TryDequeue(out var order))
                {
                    if (sender.Attempts > Orders * 20)
                        Assert.Fail($"The events were still not all answered 2xx after {sender.Attempts} deliveries:{Environment.NewLine}{instance.OutputTail()}");
                    if (_answered.ContainsKey(order.EventId))
                        Interlocked.Increment(ref _repeated);
                    var answer = await sender.SendAsync(instance, order.EventJson);
                    if (WebhookSender.IsDelivered(answer))
                    {
                        _answered.TryAdd(order.EventId, true);
                    }
                    else
                    {
                        Interlocked.Increment(ref _unanswered);
                        _due.Enqueue(order);
                        if (killWhenAnswered is null)
                            await Task.Delay(50);
                    }
                    if (_answered.Count >= killWhenAnswered && Interlocked.Exchange(ref killed, 1) == 0)
                        instance.Kill();
                }
            })));
        }
    }
}
