using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Portal.Domain.Outbox;

namespace Portal.Tests.Outbox;

/// <summary>docs/architecture.md#several-instances: the worker runs on every instance at once; each email is still sent exactly once.</summary>
public sealed class OutboxConcurrencyTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Two_workers_racing_over_50_emails_send_each_exactly_once()
    {
        await using var database = await OutboxTestDatabase.CreateAsync();
        var settings = new OutboxSettings { BatchSize = 4 };
        // Two instances: each its own queue, signal and worker, sharing only the database and the mail server.
        var first = new OutboxHarness(database, TimeProvider.System, settings);
        var second = new OutboxHarness(database, TimeProvider.System, settings);
        for (var i = 0; i < 50; i++)
            await (i % 2 == 0 ? first : second).Outbox.EnqueueAsync(OutboxHarness.Email($"Email {i}"));
        var delivery = new RecordingDelivery();
        var claimedByFirst = 0;
        var claimedBySecond = 0;

        using var go = new ManualResetEventSlim();
        var racing = new[]
        {
            Task.Run(async () => claimedByFirst = await DrainAsync(first.Worker(delivery, "instance-a"), go)),
            Task.Run(async () => claimedBySecond = await DrainAsync(second.Worker(delivery, "instance-b"), go)),
        };
        go.Set();
        await Task.WhenAll(racing).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(50, delivery.DeliveriesPerMessage.Count);
        Assert.All(delivery.DeliveriesPerMessage, entry => Assert.Equal(1, entry.Value));
        Assert.Equal(50, delivery.Calls);
        Assert.Equal(50, claimedByFirst + claimedBySecond); // no email claimed twice
        await using var db = database.CreateDbContext();
        Assert.All(await db.OutboxMessages.ToListAsync(), m =>
        {
            Assert.Equal(OutboxStatus.Sent, m.Status);
            Assert.Equal(1, m.Attempts);
        });
    }

    private static async Task<int> DrainAsync(Portal.Outbox.OutboxWorker worker, ManualResetEventSlim go)
    {
        go.Wait();
        var total = 0;
        // Keep claiming until an empty claim: the other instance may still hold the last batches.
        for (int claimed; (claimed = await worker.SendDueAsync()) > 0;)
            total += claimed;
        return total;
    }

    [Fact]
    public async Task A_claimed_email_is_not_claimed_again_until_its_lease_expires()
    {
        await using var database = await OutboxTestDatabase.CreateAsync();
        var clock = new FakeTimeProvider(Start);
        var outbox = new OutboxHarness(database, clock, new OutboxSettings { LeaseDuration = TimeSpan.FromMinutes(5) });
        for (var i = 0; i < 3; i++)
            await outbox.Outbox.EnqueueAsync(OutboxHarness.Email($"Email {i}"));

        var batchA = await outbox.Queue.ClaimAsync("instance-a");
        Assert.Equal(3, batchA.Count);
        Assert.All(batchA, m => Assert.StartsWith("instance-a:", m.LockedBy));
        Assert.All(batchA, m => Assert.Equal(Start.AddMinutes(5), m.LockedUntil));

        Assert.Empty(await outbox.Queue.ClaimAsync("instance-b"));
        clock.Advance(TimeSpan.FromMinutes(4));
        Assert.Empty(await outbox.Queue.ClaimAsync("instance-b"));

        // Instance A died: its lease runs out and B takes the emails over.
        clock.Advance(TimeSpan.FromMinutes(1));
        var batchB = await outbox.Queue.ClaimAsync("instance-b");
        Assert.Equal(batchA.Select(m => m.Id).Order(), batchB.Select(m => m.Id).Order());
    }

    [Fact]
    public async Task A_worker_whose_lease_expired_neither_sends_nor_records_over_the_new_claim()
    {
        await using var database = await OutboxTestDatabase.CreateAsync();
        var clock = new FakeTimeProvider(Start);
        var outbox = new OutboxHarness(database, clock, new OutboxSettings { LeaseDuration = TimeSpan.FromMinutes(5) });
        await outbox.Outbox.EnqueueAsync(OutboxHarness.Email());

        var stale = Assert.Single(await outbox.Queue.ClaimAsync("instance-a"));
        Assert.True(outbox.Queue.HasTimeToSend(stale));
        clock.Advance(TimeSpan.FromMinutes(6));
        Assert.False(outbox.Queue.HasTimeToSend(stale)); // the worker would give it back instead of sending
        var current = Assert.Single(await outbox.Queue.ClaimAsync("instance-b"));

        Assert.Equal(OutboxOutcome.LeaseLost, await outbox.Queue.MarkSentAsync(stale));
        Assert.Equal(OutboxStatus.Pending, (await outbox.SingleMessageAsync()).Status);
        Assert.Equal(OutboxOutcome.Recorded, await outbox.Queue.MarkSentAsync(current));
        Assert.Equal(OutboxStatus.Sent, (await outbox.SingleMessageAsync()).Status);
    }

    [Fact]
    public async Task A_worker_gives_back_a_batch_whose_lease_is_running_out_without_sending()
    {
        await using var database = await OutboxTestDatabase.CreateAsync();
        var clock = new FakeTimeProvider(Start);
        var outbox = new OutboxHarness(database, clock, new OutboxSettings { LeaseDuration = TimeSpan.FromMinutes(5) });
        await outbox.Outbox.EnqueueAsync(OutboxHarness.Email("First"));
        clock.Advance(TimeSpan.FromSeconds(1));
        await outbox.Outbox.EnqueueAsync(OutboxHarness.Email("Second"));
        // A slow delivery: the first send eats most of the lease.
        var delivery = new SlowDelivery(clock, TimeSpan.FromMinutes(3));

        Assert.Equal(2, await outbox.Worker(delivery).SendDueAsync());

        Assert.Equal(["First"], delivery.Subjects);
        await using var db = database.CreateDbContext();
        var second = await db.OutboxMessages.SingleAsync(m => m.Subject == "Second");
        Assert.Equal(OutboxStatus.Pending, second.Status);
        Assert.Equal(0, second.Attempts);
        Assert.Null(second.LockedBy); // released: claimable again at once
        Assert.Single(await outbox.Queue.ClaimAsync("instance-b"));
    }

    private sealed class SlowDelivery(FakeTimeProvider clock, TimeSpan duration) : Portal.Outbox.IMailDelivery
    {
        public List<string> Subjects { get; } = [];

        public Task DeliverAsync(MimeKit.MimeMessage message, CancellationToken cancellationToken = default)
        {
            Subjects.Add(message.Subject ?? "");
            clock.Advance(duration);
            return Task.CompletedTask;
        }
    }
}
