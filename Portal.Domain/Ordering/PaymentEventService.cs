using Microsoft.EntityFrameworkCore;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.History;
using Portal.Domain.Licensing;

namespace Portal.Domain.Ordering;

/// <summary>
/// What happens to an order after checkout besides fulfilment: expiry, failed delayed payments, refunds and disputes
/// (R10: both revoke the order's licenses), and the record of which provider events have been handled.
/// </summary>
/// <summary>What a refund or dispute did to the order paid with that payment.</summary>
public enum PaymentEventOutcome
{
    Applied,
    AlreadyApplied,

    /// <summary>
    /// No order records that payment (yet): Stripe can report a refund before the payment's own event has fulfilled the
    /// order, so the caller should ask for the event again later rather than drop it.
    /// </summary>
    NoOrderPaidWithIt,
}

public sealed class PaymentEventService(IDbContextFactory<PortalDbContext> dbFactory, LicensingService licensing, AuditLog audit, TimeProvider clock)
{
    // Compiled (CompiledQuery): every webhook delivery asks it first.
    private static readonly CompiledQuery<Func<PortalDbContext, string, CancellationToken, Task<bool>>> IsRecorded = new(() =>
        EF.CompileAsyncQuery((PortalDbContext db, string eventId, CancellationToken _) => db.ProcessedPaymentEvents.Any(e => e.Id == eventId)));

    /// <summary>Whether the event's handling has been recorded as done (so a redelivery needs no handling).</summary>
    public Task<bool> IsEventHandledAsync(string eventId, CancellationToken cancellationToken = default) =>
        IsRecordedAsync(eventId, cancellationToken);

    /// <summary>
    /// Records that an event has been handled, after its handling committed; false when it was recorded before (two
    /// deliveries handled it at once). Recording after handling means a crash in between leaves the event unrecorded,
    /// so its redelivery is handled again, harmlessly: what each event does depends on the order's state.
    /// </summary>
    public async Task<bool> TryRecordEventAsync(string eventId, string type, CancellationToken cancellationToken = default)
    {
        // No look first: the webhook asked IsEventHandledAsync just before handling, so only two deliveries handled at
        // once get here for one id, and the unique key decides between them.
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.ProcessedPaymentEvents.Add(new ProcessedPaymentEvent(eventId, type, clock.GetUtcNow()));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            if (await IsRecordedAsync(eventId, cancellationToken))
                return false;
            throw;
        }
    }

    public Task<bool> ExpireAsync(Guid orderId, CancellationToken cancellationToken = default) =>
        ChangePendingAsync(orderId, (db, order) =>
        {
            order.MarkExpired(clock.GetUtcNow());
            audit.Record(db, Actor.Stripe, "order.expired", nameof(Order), order.Id, order.OrganizationId,
                "Checkout was not completed; the order expired without payment.");
        }, cancellationToken);

    public Task<bool> PaymentFailedAsync(Guid orderId, CancellationToken cancellationToken = default) =>
        ChangePendingAsync(orderId, (db, order) =>
        {
            order.MarkPaymentFailed(clock.GetUtcNow());
            audit.Record(db, Actor.Stripe, "order.payment-failed", nameof(Order), order.Id, order.OrganizationId,
                "The payment for the order failed; no licenses were issued.");
        }, cancellationToken);

    /// <summary>
    /// A refund made in Stripe. A full refund marks the order Refunded and revokes its licenses (an upgraded license
    /// gets its old one back); a partial refund only flags the order for staff.
    /// </summary>
    public Task<PaymentEventOutcome> RefundedAsync(string paymentIntentId, bool fullyRefunded, CancellationToken cancellationToken = default) =>
        ChangePaidAsync(paymentIntentId, async (db, order) =>
        {
            var now = clock.GetUtcNow();
            if (!fullyRefunded)
            {
                order.FlagDispute("Partially refunded in Stripe; licenses unchanged until staff decide.", now);
                audit.Record(db, Actor.Stripe, "order.partially-refunded", nameof(Order), order.Id, order.OrganizationId,
                    "Part of the payment was refunded.", visibleToCustomer: false);
                return true;
            }
            if (order.Status == OrderStatus.Refunded)
                return false;
            order.MarkRefunded("Refunded in Stripe.", now);
            audit.Record(db, Actor.Stripe, "order.refunded", nameof(Order), order.Id, order.OrganizationId,
                $"The payment of {new Money(order.Total, order.Currency)} was refunded; the order's licenses are revoked.");
            await RevokeLicensesAsync(db, order, "the payment was refunded", cancellationToken);
            return true;
        }, cancellationToken);

    /// <summary>A dispute (chargeback) opened in Stripe: the order is flagged for staff and its licenses revoked (R10).</summary>
    public Task<PaymentEventOutcome> DisputedAsync(string paymentIntentId, string reason, CancellationToken cancellationToken = default) =>
        ChangePaidAsync(paymentIntentId, async (db, order) =>
        {
            if (order.Disputed)
                return false;
            order.FlagDispute($"Payment disputed: {reason}", clock.GetUtcNow());
            audit.Record(db, Actor.Stripe, "order.disputed", nameof(Order), order.Id, order.OrganizationId,
                "The payment was disputed with the card issuer; the order's licenses are revoked.");
            await RevokeLicensesAsync(db, order, "the payment was disputed", cancellationToken);
            return true;
        }, cancellationToken);

    private async Task RevokeLicensesAsync(PortalDbContext db, Order order, string why, CancellationToken cancellationToken)
    {
        var licenses = await db.Licenses.Where(l => l.OrderId == order.Id && l.Status != LicenseStatus.Revoked).ToListAsync(cancellationToken);
        foreach (var license in licenses)
        {
            licensing.Revoke(db, license, $"Order {order.Id:N}: {why}.", Actor.Stripe);
            if (license.UpgradedFromId is { } oldId)
            {
                var old = await db.Licenses.SingleAsync(l => l.Id == oldId, cancellationToken);
                licensing.Reinstate(db, old, $"its upgrade was withdrawn because {why}", Actor.Stripe);
            }
        }
    }

    private async Task<bool> ChangePendingAsync(Guid orderId, Action<PortalDbContext, Order> change, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var order = await db.Orders.SingleOrDefaultAsync(o => o.Id == orderId, cancellationToken);
        if (order is not { Status: OrderStatus.Pending })
            return false;
        change(db, order);
        return await SaveOnceAsync(db, cancellationToken);
    }

    private async Task<PaymentEventOutcome> ChangePaidAsync(
        string paymentIntentId, Func<PortalDbContext, Order, Task<bool>> change, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var order = await db.Orders.SingleOrDefaultAsync(o => o.PaymentIntentId == paymentIntentId, cancellationToken);
        if (order is null)
            return PaymentEventOutcome.NoOrderPaidWithIt;
        if (!await change(db, order))
            return PaymentEventOutcome.AlreadyApplied;
        return await SaveOnceAsync(db, cancellationToken) ? PaymentEventOutcome.Applied : PaymentEventOutcome.AlreadyApplied;
    }

    private static async Task<bool> SaveOnceAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            return false;
        }
    }

    private async Task<bool> IsRecordedAsync(string eventId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await IsRecorded.For(db)(db, eventId, cancellationToken);
    }
}
