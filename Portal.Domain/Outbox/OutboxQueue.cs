using Microsoft.EntityFrameworkCore;
using Portal.Domain.Data;

namespace Portal.Domain.Outbox;

public enum OutboxOutcome
{
    /// <summary>Sent, or rescheduled after a failure.</summary>
    Recorded,

    /// <summary>The failure used the last attempt: the email is now Failed.</summary>
    FailedPermanently,

    /// <summary>The claim had expired and another claim holds the email: nothing was recorded.</summary>
    LeaseLost,
}

/// <summary>
/// The sending side of the outbox, safe with any number of instances on one database (docs/architecture.md#several-instances): a worker claims a
/// batch of due emails with a lease, sends them, and records each result only while its claim still holds them.
/// </summary>
public sealed class OutboxQueue
{
    private readonly IDbContextFactory<PortalDbContext> _dbFactory;
    private readonly TimeProvider _clock;

    public OutboxQueue(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock, OutboxSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        _dbFactory = dbFactory;
        _clock = clock;
        Settings = settings;
    }

    public OutboxSettings Settings { get; }

    /// <summary>
    /// Atomically claims up to <see cref="OutboxSettings.BatchSize"/> due emails for <paramref name="worker"/> and
    /// returns them (detached, with attachments). One UPDATE takes only rows that no live lease holds, so two workers
    /// never get the same email; a worker that dies mid-batch loses its lease when it expires.
    /// </summary>
    public async Task<IReadOnlyList<OutboxMessage>> ClaimAsync(string worker, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(worker);
        // A fresh id per claim: two loops of one instance never read back each other's batch.
        var claim = $"{Truncate(worker, OutboxMessage.LockedByMaxLength - 33)}:{Guid.NewGuid():N}";
        var now = _clock.GetUtcNow();
        var until = now + Settings.LeaseDuration;
        var batchSize = Settings.BatchSize;

        await using var db = _dbFactory.CreateDbContext();
        var due = db.OutboxMessages
            .Where(m => m.Status == OutboxStatus.Pending && m.NextAttemptAt <= now && (m.LockedUntil == null || m.LockedUntil <= now))
            .OrderBy(m => m.NextAttemptAt)
            .ThenBy(m => m.CreatedAt)
            .Select(m => m.Id)
            .Take(batchSize);
        // The lease condition is repeated on the updated rows themselves: a row another worker claimed between the
        // sub-select and the update is re-checked under the row lock (SQL Server) or the write lock (SQLite) and skipped.
        var claimed = await db.OutboxMessages
            .Where(m => due.Contains(m.Id) && m.Status == OutboxStatus.Pending && (m.LockedUntil == null || m.LockedUntil <= now))
            .ExecuteUpdateAsync(set => set
                .SetProperty(m => m.LockedBy, claim)
                .SetProperty(m => m.LockedUntil, until), cancellationToken);
        if (claimed == 0)
            return [];

        return await db.OutboxMessages
            .AsNoTracking()
            .Include(m => m.Attachments)
            .AsSplitQuery()
            .Where(m => m.LockedBy == claim)
            .OrderBy(m => m.NextAttemptAt)
            .ThenBy(m => m.CreatedAt)
            .ToListAsync(cancellationToken);
    }

    /// <summary>True while the claim on <paramref name="message"/> has at least half of its lease left to send it.</summary>
    public bool HasTimeToSend(OutboxMessage message) =>
        message.LockedUntil is { } until && until - _clock.GetUtcNow() >= Settings.LeaseDuration / 2;

    /// <summary>Records a delivery, if this claim still holds the message.</summary>
    public Task<OutboxOutcome> MarkSentAsync(OutboxMessage message, CancellationToken cancellationToken = default) =>
        SaveAsync(message, m =>
        {
            m.MarkSent(_clock.GetUtcNow());
            return OutboxOutcome.Recorded;
        }, cancellationToken);

    /// <summary>Records a failed attempt and schedules the next one (or gives up), if this claim still holds the message.</summary>
    public Task<OutboxOutcome> RecordFailureAsync(OutboxMessage message, string error, CancellationToken cancellationToken = default) =>
        SaveAsync(message, m => m.RecordFailure(_clock.GetUtcNow(), error, Settings, Random.Shared.NextDouble())
            ? OutboxOutcome.FailedPermanently
            : OutboxOutcome.Recorded, cancellationToken);

    /// <summary>Hands an unsent message back to the queue without counting an attempt.</summary>
    public Task<OutboxOutcome> ReleaseAsync(OutboxMessage message, CancellationToken cancellationToken = default) =>
        SaveAsync(message, m =>
        {
            m.ReleaseLease();
            return OutboxOutcome.Recorded;
        }, cancellationToken);

    private async Task<OutboxOutcome> SaveAsync(OutboxMessage message, Func<OutboxMessage, OutboxOutcome> change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var claim = message.LockedBy;
        var outcome = change(message);
        await using var db = _dbFactory.CreateDbContext();
        // One UPDATE of the delivery state, applied only where this claim still holds the row, rather than attaching the
        // message and its attachments to a context to save the same columns.
        var written = await db.OutboxMessages
            .Where(m => m.Id == message.Id && m.LockedBy == claim)
            .ExecuteUpdateAsync(set => set
                .SetProperty(m => m.Status, message.Status)
                .SetProperty(m => m.Attempts, message.Attempts)
                .SetProperty(m => m.NextAttemptAt, message.NextAttemptAt)
                .SetProperty(m => m.LastError, message.LastError)
                .SetProperty(m => m.SentAt, message.SentAt)
                .SetProperty(m => m.LockedBy, message.LockedBy)
                .SetProperty(m => m.LockedUntil, message.LockedUntil), cancellationToken);
        return written == 1 ? outcome : OutboxOutcome.LeaseLost;
    }

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];
}
