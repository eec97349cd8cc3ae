using Microsoft.EntityFrameworkCore;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.History;
using Portal.Domain.Licensing;

namespace Portal.Domain.Ordering;

/// <summary>
/// The one door through which payments change orders: a paid checkout is fulfilled, an expired or failed one closed, a
/// refund or dispute revokes the order's licenses (R10, docs/rules.md). Each report is handled once per provider event:
/// an event recorded before is answered <see cref="PaymentReportOutcome.AlreadyHandled"/>, and a change is saved with
/// its event's record (<see cref="HandledPaymentEvents"/>), the way eShop's IdentifiedCommandHandler treats duplicate
/// commands. Concurrent deliveries of one event are settled by the order's concurrency token and the record's key.
/// </summary>
public sealed class PaymentEventService(
    IDbContextFactory<PortalDbContext> dbFactory,
    FulfilmentService fulfilment,
    LicensingService licensing,
    InvoiceEmail invoiceEmail,
    ReceiptEmail receipt,
    AuditLog audit,
    TimeProvider clock)
{
    public async Task<PaymentReportResult> HandleAsync(PaymentReport report, CancellationToken cancellationToken = default)
    {
        if (report.ReportedBy is { } reportedBy && await IsEventHandledAsync(reportedBy.Id, cancellationToken))
            return new PaymentReportResult(PaymentReportOutcome.AlreadyHandled, null, "delivered again; already handled");

        var result = report switch
        {
            PaidCheckout paid => Describe(paid, await fulfilment.FulfilAsync(paid, cancellationToken)),
            CheckoutExpired expired => await ChangePendingAsync(expired.OrderId, report.ReportedBy, "expired", (db, order) =>
            {
                order.MarkExpired(clock.GetUtcNow());
                audit.Record(db, Actor.Stripe, "order.expired", nameof(Order), order.Id, order.OrganizationId,
                    "Checkout was not completed; the order expired without payment.");
            }, cancellationToken),
            CheckoutPaymentFailed failed => await ChangePendingAsync(failed.OrderId, report.ReportedBy, "payment failed", (db, order) =>
            {
                order.MarkPaymentFailed(clock.GetUtcNow());
                audit.Record(db, Actor.Stripe, "order.payment-failed", nameof(Order), order.Id, order.OrganizationId,
                    "The payment for the order failed; no licenses were issued.");
            }, cancellationToken),
            PaymentRefunded refunded => await RefundedAsync(refunded, cancellationToken),
            InvoiceIssued issued => await InvoiceIssuedAsync(issued, cancellationToken),
            InvoicePaid invoicePaid => await InvoicePaidAsync(invoicePaid, cancellationToken),
            InvoicePaymentFailed failed => await ChangeInvoiceAsync(failed.OrderId, failed.InvoiceId, report.ReportedBy, "invoice payment failed",
                async (db, order) => order.MarkInvoicePaymentFailed()
                    && await InvoiceNewsAsync(db, order, InvoiceNews.PaymentFailed, "invoice.payment-failed",
                        $"An attempt to pay invoice {InvoiceName(order)} failed; it is still open.", cancellationToken), cancellationToken),
            InvoiceOverdue overdue => await ChangeInvoiceAsync(overdue.OrderId, overdue.InvoiceId, report.ReportedBy, "invoice overdue",
                async (db, order) => order.MarkInvoiceOverdue()
                    && await InvoiceNewsAsync(db, order, InvoiceNews.Overdue, "invoice.overdue",
                        $"Invoice {InvoiceName(order)} for {order.Total} is overdue.", cancellationToken), cancellationToken),
            InvoiceCancelled cancelled => await InvoiceCancelledAsync(cancelled, cancellationToken),
            PaymentDisputed disputed => await DisputedAsync(disputed, cancellationToken),
            PaymentEventNotUsed notUsed => new PaymentReportResult(notUsed.Expected ? PaymentReportOutcome.Unchanged : PaymentReportOutcome.Ignored, null, notUsed.Why),
            _ => throw new ArgumentOutOfRangeException(nameof(report), report.GetType().Name, "Not a payment report this service knows."),
        };

        // A change saved its event with it; an event that changed nothing is recorded now, unless it is to come again.
        if (report.ReportedBy is { } unchangedBy && !result.SavedWithItsChange && !result.DeliverAgain
            && !await RecordAloneAsync(unchangedBy, cancellationToken))
            return result with { Outcome = PaymentReportOutcome.AlreadyHandled, Summary = $"{result.Summary}; already handled by another delivery at the same time" };
        return result;
    }

    /// <summary>Whether the event's handling has been recorded as done (so a redelivery needs no handling).</summary>
    public async Task<bool> IsEventHandledAsync(string eventId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await HandledPaymentEvents.IsRecordedAsync(db, eventId, cancellationToken);
    }

    private async Task<bool> RecordAloneAsync(PaymentEvent reportedBy, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await HandledPaymentEvents.RecordAloneAsync(db, reportedBy, clock.GetUtcNow(), cancellationToken);
    }

    private static PaymentReportResult Describe(FulfilmentReport paid, FulfilmentOutcome outcome)
    {
        var how = paid switch
        {
            PaidCheckout checkout => $"paid {checkout.AmountPaid} through checkout {checkout.CheckoutSessionId}",
            InvoiceIssued issued => $"was invoiced {issued.InvoiceTotal} on invoice {issued.Invoice.InvoiceId} (keys on invoice)",
            InvoicePaid invoice => $"paid {invoice.AmountPaid} on invoice {invoice.Invoice.InvoiceId}",
            _ => $"reported {paid.Amount}",
        };
        return outcome switch
        {
            FulfilmentOutcome.Fulfilled => new(PaymentReportOutcome.Applied, paid.OrderId, $"order {paid.OrderId} {how}; fulfilled"),
            FulfilmentOutcome.AlreadyFulfilled => new(PaymentReportOutcome.Unchanged, paid.OrderId, $"order {paid.OrderId} was already fulfilled"),
            FulfilmentOutcome.NeedsReview => new(PaymentReportOutcome.NeedsReview, paid.OrderId,
                $"order {paid.OrderId} {how} but needs review; no licenses issued"),
            FulfilmentOutcome.NotPayable => new(PaymentReportOutcome.NotPayable, paid.OrderId,
                $"order {paid.OrderId} {how} but can no longer be paid (expired, failed, refunded or cancelled); no licenses issued"),
            _ => new(PaymentReportOutcome.NotPayable, paid.OrderId, $"order {paid.OrderId} {how}, but there is no such order"),
        };
    }

    /// <summary>
    /// An issued invoice: an organization trusted with keys on invoice gets its licenses now; any other order records
    /// the invoice, and its Billing contacts hear where to pay it.
    /// </summary>
    private async Task<PaymentReportResult> InvoiceIssuedAsync(InvoiceIssued issued, CancellationToken cancellationToken)
    {
        if (await FulfilsOnIssueAsync(issued, cancellationToken))
            return Describe(issued, await fulfilment.FulfilAsync(issued, cancellationToken));
        return await ChangeInvoiceAsync(issued.OrderId, issued.Invoice.InvoiceId, issued.ReportedBy, "invoiced", async (db, order) =>
            order.Status == OrderStatus.Pending && order.RecordInvoice(issued.Invoice)
            && await InvoiceNewsAsync(db, order, InvoiceNews.Sent, "invoice.sent",
                $"Invoice {InvoiceName(order)} for {order.Total} sent{DueText(order)}; the licenses follow its payment.", cancellationToken),
            cancellationToken);
    }

    /// <summary>
    /// A paid invoice fulfils its order; an order fulfilled before (keys on invoice) records the payment and sends the
    /// receipt.
    /// </summary>
    private async Task<PaymentReportResult> InvoicePaidAsync(InvoicePaid paid, CancellationToken cancellationToken)
    {
        var outcome = await fulfilment.FulfilAsync(paid, cancellationToken);
        if (outcome != FulfilmentOutcome.AlreadyFulfilled)
            return Describe(paid, outcome);
        return await ChangeInvoiceAsync(paid.OrderId, paid.Invoice.InvoiceId, paid.ReportedBy, "invoice paid", async (db, order) =>
        {
            if (!order.MarkInvoicePaid())
                return false;
            audit.Record(db, Actor.Stripe, "invoice.paid", nameof(Order), order.Id, order.OrganizationId,
                $"Invoice {InvoiceName(order)} of {order.Total} was paid.");
            var organization = await db.Organizations.SingleAsync(o => o.Id == order.OrganizationId, cancellationToken);
            await receipt.QueueForOrderAsync(db, order, organization, clock.GetUtcNow(), cancellationToken);
            return true;
        }, cancellationToken);
    }

    /// <summary>A voided or uncollectible invoice cancels its order; licenses issued on it (keys on invoice) are revoked (R10).</summary>
    private Task<PaymentReportResult> InvoiceCancelledAsync(InvoiceCancelled cancelled, CancellationToken cancellationToken) =>
        ChangeInvoiceAsync(cancelled.OrderId, cancelled.InvoiceId, cancelled.ReportedBy, cancelled.Uncollectible ? "invoice uncollectible" : "invoice voided",
            async (db, order) =>
            {
                if (order.Status is not (OrderStatus.Pending or OrderStatus.Fulfilled))
                    return false;
                var wasFulfilled = order.Status == OrderStatus.Fulfilled;
                if (!order.CancelForInvoice(cancelled.Uncollectible, clock.GetUtcNow()))
                    return false;
                var why = cancelled.Uncollectible ? "the invoice was marked uncollectible" : "the invoice was voided";
                if (wasFulfilled)
                    await RevokeLicensesAsync(db, order, why, cancellationToken);
                return await InvoiceNewsAsync(db, order, cancelled.Uncollectible ? InvoiceNews.Uncollectible : InvoiceNews.Voided,
                    cancelled.Uncollectible ? "invoice.uncollectible" : "invoice.voided",
                    $"Invoice {InvoiceName(order)} for {order.Total}: {why}; the order is cancelled{(wasFulfilled ? " and its licenses are revoked" : "")}.",
                    cancellationToken);
            }, cancellationToken);

    /// <summary>
    /// Whether the issued invoice is the one an invoice order of an organization trusted with keys on invoice waits for
    /// (or the order has none yet); news of any other invoice is no reason to fulfil, nor to put the order to review.
    /// </summary>
    private async Task<bool> FulfilsOnIssueAsync(InvoiceIssued issued, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var invoiceId = issued.Invoice.InvoiceId;
        return await db.Orders
            .Where(o => o.Id == issued.OrderId && o.PaymentMethod == PaymentMethod.Invoice && (o.InvoiceId == null || o.InvoiceId == invoiceId))
            .Join(db.Organizations, o => o.OrganizationId, org => org.Id, (_, org) => org.KeysOnInvoice)
            .SingleOrDefaultAsync(cancellationToken);
    }

    private async Task<bool> InvoiceNewsAsync(PortalDbContext db, Order order, InvoiceNews news, string action, string summary, CancellationToken cancellationToken)
    {
        audit.Record(db, Actor.Stripe, action, nameof(Order), order.Id, order.OrganizationId, summary);
        var organization = await db.Organizations.SingleAsync(o => o.Id == order.OrganizationId, cancellationToken);
        await invoiceEmail.QueueAsync(db, order, organization, news, cancellationToken);
        return true;
    }

    internal static string InvoiceName(Order order) => order.InvoiceNumber ?? order.InvoiceId ?? "(no number yet)";

    internal static string DueText(Order order) =>
        order.InvoiceDueAt is { } due ? $", due on {due.ToString("d MMMM yyyy", System.Globalization.CultureInfo.InvariantCulture)}" : "";

    /// <summary>Changes the order an invoice is for, when that invoice is the order's (or the order has none yet).</summary>
    private Task<PaymentReportResult> ChangeInvoiceAsync(
        Guid orderId, string invoiceId, PaymentEvent? reportedBy, string what, Func<PortalDbContext, Order, Task<bool>> change, CancellationToken cancellationToken) =>
        ApplyAsync(reportedBy, async db =>
        {
            var order = await db.Orders.SingleOrDefaultAsync(o => o.Id == orderId, cancellationToken);
            if (order is null)
                return new(PaymentReportOutcome.Ignored, orderId, $"invoice {invoiceId}: {what}, but there is no order {orderId}");
            if (!order.IsPaidBy(invoiceId))
                return new(PaymentReportOutcome.Ignored, orderId, $"invoice {invoiceId}: {what}, but order {orderId} is not paid by that invoice");
            return await change(db, order)
                ? new(PaymentReportOutcome.Applied, orderId, $"invoice {invoiceId} of order {orderId}: {what}")
                : new(PaymentReportOutcome.Unchanged, orderId, $"invoice {invoiceId} of order {orderId}: {what}; already so");
        }, cancellationToken);

    /// <summary>
    /// A full refund marks the order Refunded and revokes its licenses (an upgraded license gets its old one back); a
    /// partial refund only flags the order for staff.
    /// </summary>
    private Task<PaymentReportResult> RefundedAsync(PaymentRefunded refund, CancellationToken cancellationToken) =>
        ChangePaidAsync(refund.PaymentIntentId, refund.ReportedBy, refund.Fully ? "fully refunded" : "partially refunded", async (db, order) =>
        {
            var now = clock.GetUtcNow();
            if (!refund.Fully)
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
                $"The payment of {order.Total} was refunded; the order's licenses are revoked.");
            await RevokeLicensesAsync(db, order, "the payment was refunded", cancellationToken);
            return true;
        }, cancellationToken);

    /// <summary>A dispute (chargeback): the order is flagged for staff and its licenses revoked (R10).</summary>
    private Task<PaymentReportResult> DisputedAsync(PaymentDisputed dispute, CancellationToken cancellationToken) =>
        ChangePaidAsync(dispute.PaymentIntentId, dispute.ReportedBy, $"disputed ({dispute.Reason})", async (db, order) =>
        {
            if (order.Disputed)
                return false;
            order.FlagDispute($"Payment disputed: {dispute.Reason}", clock.GetUtcNow());
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

    /// <summary>Saves that lose a race are tried again from the read this many times in all.</summary>
    private const int Attempts = 3;

    private Task<PaymentReportResult> ChangePendingAsync(
        Guid orderId, PaymentEvent? reportedBy, string what, Action<PortalDbContext, Order> change, CancellationToken cancellationToken) =>
        ApplyAsync(reportedBy, async db =>
        {
            var order = await db.Orders.SingleOrDefaultAsync(o => o.Id == orderId, cancellationToken);
            if (order is not { Status: OrderStatus.Pending })
                return new(PaymentReportOutcome.Unchanged, orderId,
                    order is null ? $"order {orderId} {what}, but there is no such order" : $"order {orderId} {what}, but it is {order.Status}; unchanged");
            change(db, order);
            return new(PaymentReportOutcome.Applied, orderId, $"order {orderId} {what}");
        }, cancellationToken);

    private Task<PaymentReportResult> ChangePaidAsync(
        string paymentIntentId, PaymentEvent? reportedBy, string what, Func<PortalDbContext, Order, Task<bool>> change, CancellationToken cancellationToken) =>
        ApplyAsync(reportedBy, async db =>
        {
            var order = await db.Orders.SingleOrDefaultAsync(o => o.PaymentIntentId == paymentIntentId, cancellationToken);
            if (order is null)
                return new(PaymentReportOutcome.PaymentNotYetRecorded, null,
                    $"payment {paymentIntentId} {what}, but no order records that payment yet; it must be delivered again");
            return await change(db, order)
                ? new(PaymentReportOutcome.Applied, order.Id, $"payment {paymentIntentId} of order {order.Id} {what}")
                : new(PaymentReportOutcome.Unchanged, order.Id, $"payment {paymentIntentId} of order {order.Id} {what}; already applied");
        }, cancellationToken);

    /// <summary>
    /// Reads and changes the order, then saves the change with its event. A save that lost to a concurrent change of the
    /// order (its concurrency token) is tried again from the read, unless that change was this event's own duplicate.
    /// </summary>
    private async Task<PaymentReportResult> ApplyAsync(
        PaymentEvent? reportedBy, Func<PortalDbContext, Task<PaymentReportResult>> change, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            db.ChangeTracker.Clear();
            if (attempt > 1 && reportedBy is not null && await HandledPaymentEvents.IsRecordedAsync(db, reportedBy.Id, cancellationToken))
                return new(PaymentReportOutcome.AlreadyHandled, null, "already handled by another delivery at the same time");
            var result = await change(db);
            if (result.Outcome != PaymentReportOutcome.Applied)
                return result;
            HandledPaymentEvents.RecordWith(db, reportedBy, clock.GetUtcNow());
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return result;
            }
            catch (DbUpdateConcurrencyException) when (attempt < Attempts)
            {
            }
        }
    }
}
