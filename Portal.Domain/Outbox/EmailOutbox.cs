using Microsoft.EntityFrameworkCore;
using Portal.Domain.Data;

namespace Portal.Domain.Outbox;

/// <summary>
/// Queues emails as <see cref="OutboxMessage"/> rows (docs/architecture.md#outbox). The outbox worker sends them; nothing here talks to a
/// mail server, so queuing never fails because SMTP is down.
/// </summary>
public sealed class EmailOutbox(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock, OutboxSignal signal)
{
    /// <summary>
    /// Adds the email to <paramref name="db"/> without saving: it is committed, or rolled back, together with the
    /// caller's business change. A second email with a deduplication key already queued in this context returns the
    /// first; one already in the database makes the caller's <c>SaveChanges</c> fail on the unique index.
    /// </summary>
    public OutboxMessage Enqueue(PortalDbContext db, OutboxEmail email)
    {
        ArgumentNullException.ThrowIfNull(db);
        var message = OutboxMessage.Create(email, clock.GetUtcNow());
        // The tracked entries, not DbSet.Local: that builds a view of them which EF then keeps in step with every
        // later change in the context.
        if (message.DeduplicationKey is { } key
            && db.ChangeTracker.Entries<OutboxMessage>().FirstOrDefault(m => m.Entity.DeduplicationKey == key) is { } alreadyQueued)
            return alreadyQueued.Entity;

        db.OutboxMessages.Add(message);
        WakeWorkerAfterSaving(db);
        return message;
    }

    /// <summary>
    /// Like <see cref="Enqueue"/>, for an email to an organization's members, who may be more than one message may
    /// carry: one message per <see cref="OutboxMessage.MaxRecipients"/> addresses, each after the first with the part's
    /// number after its deduplication key.
    /// </summary>
    public IReadOnlyList<OutboxMessage> EnqueueInParts(PortalDbContext db, OutboxEmail email)
    {
        ArgumentNullException.ThrowIfNull(email);
        if (email.To.Count <= OutboxMessage.MaxRecipients)
            return [Enqueue(db, email)];
        return email.To.Chunk(OutboxMessage.MaxRecipients)
            .Select((part, index) => Enqueue(db, email with
            {
                To = part,
                DeduplicationKey = index == 0 || email.DeduplicationKey is null ? email.DeduplicationKey : $"{email.DeduplicationKey}:{index + 1}",
            }))
            .ToList();
    }

    /// <summary>
    /// Queues the email on its own, for callers outside a business transaction. Returns false, and queues nothing, when
    /// an email with the same deduplication key is already queued (whatever its status).
    /// </summary>
    public async Task<bool> EnqueueAsync(OutboxEmail email, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(email);
        await using var db = dbFactory.CreateDbContext();
        var key = string.IsNullOrWhiteSpace(email.DeduplicationKey) ? null : email.DeduplicationKey.Trim();
        if (key is not null && await db.OutboxMessages.AnyAsync(m => m.DeduplicationKey == key, cancellationToken))
            return false;

        Enqueue(db, email);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException) when (key is not null)
        {
            // Lost a race with another caller queuing the same key: the unique index kept one.
            await using var check = dbFactory.CreateDbContext();
            if (await check.OutboxMessages.AnyAsync(m => m.DeduplicationKey == key, cancellationToken))
                return false;
            throw;
        }
        return true;
    }

    /// <summary>Staff send a permanently failed email again: a fresh series of attempts, starting now.</summary>
    public async Task RetryAsync(Guid messageId, CancellationToken cancellationToken = default)
    {
        await using var db = dbFactory.CreateDbContext();
        var message = await db.OutboxMessages.SingleOrDefaultAsync(m => m.Id == messageId, cancellationToken)
            ?? throw new DomainException("This email is not in the outbox.");
        message.Retry(clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        signal.Notify();
    }

    private void WakeWorkerAfterSaving(PortalDbContext db)
    {
        // Once, at the save that writes the email. Inside an explicit transaction this fires before the commit; a worker
        // that finds nothing yet gets the email at its next poll. Contexts come from a pool (AddPortalDatabase) and EF
        // clears their events when they go back, so nothing is kept per context here.
        EventHandler<SavedChangesEventArgs>? wake = null;
        wake = (_, _) =>
        {
            db.SavedChanges -= wake;
            signal.Notify();
        };
        db.SavedChanges += wake;
    }
}
