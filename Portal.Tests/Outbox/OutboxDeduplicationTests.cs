using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace Portal.Tests.Outbox;

public sealed class OutboxDeduplicationTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Enqueueing_the_same_key_twice_queues_one_email()
    {
        await using var database = await OutboxTestDatabase.CreateAsync();
        var outbox = new OutboxHarness(database, new FakeTimeProvider(Start));

        Assert.True(await outbox.Outbox.EnqueueAsync(OutboxHarness.Email("First", key: "registration:order-1")));
        Assert.False(await outbox.Outbox.EnqueueAsync(OutboxHarness.Email("Second", key: "registration:order-1")));
        Assert.True(await outbox.Outbox.EnqueueAsync(OutboxHarness.Email("Other order", key: "registration:order-2")));

        await using var db = database.CreateDbContext();
        Assert.Equal(["First", "Other order"], await db.OutboxMessages.OrderBy(m => m.Subject).Select(m => m.Subject).ToListAsync());
    }

    [Fact]
    public async Task Racing_enqueues_of_the_same_key_queue_one_email()
    {
        await using var database = await OutboxTestDatabase.CreateAsync();
        var outbox = new OutboxHarness(database, new FakeTimeProvider(Start));

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            Task.Run(() => outbox.Outbox.EnqueueAsync(OutboxHarness.Email(key: "registration:order-1")))));

        Assert.Equal(1, results.Count(queued => queued));
        await using var db = database.CreateDbContext();
        Assert.Equal(1, await db.OutboxMessages.CountAsync());
    }

    [Fact]
    public async Task In_a_business_transaction_a_key_already_queued_fails_the_save_and_one_email_stays()
    {
        await using var database = await OutboxTestDatabase.CreateAsync();
        var outbox = new OutboxHarness(database, new FakeTimeProvider(Start));
        await using (var db = database.CreateDbContext())
        {
            var first = outbox.Outbox.Enqueue(db, OutboxHarness.Email("First", key: "registration:order-1"));
            // Twice in one unit of work: the first is returned, not a second row.
            Assert.Same(first, outbox.Outbox.Enqueue(db, OutboxHarness.Email("First again", key: "registration:order-1")));
            await db.SaveChangesAsync();
        }

        await using (var db = database.CreateDbContext())
        {
            outbox.Outbox.Enqueue(db, OutboxHarness.Email("Second", key: "registration:order-1"));
            await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
        }

        await using var check = database.CreateDbContext();
        Assert.Equal("First", (await check.OutboxMessages.SingleAsync()).Subject);
    }

    [Fact]
    public async Task Emails_without_a_key_may_repeat()
    {
        await using var database = await OutboxTestDatabase.CreateAsync();
        var outbox = new OutboxHarness(database, new FakeTimeProvider(Start));

        Assert.True(await outbox.Outbox.EnqueueAsync(OutboxHarness.Email()));
        Assert.True(await outbox.Outbox.EnqueueAsync(OutboxHarness.Email()));

        await using var db = database.CreateDbContext();
        Assert.Equal(2, await db.OutboxMessages.CountAsync());
    }
}
