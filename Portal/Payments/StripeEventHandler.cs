using Portal.Domain.Ordering;
using Stripe;
using Stripe.Checkout;

namespace Portal.Payments;

/// <summary>Turns one verified Stripe event into what it means for an order. Throws when the work must be retried.</summary>
public interface IStripeEventHandler
{
    Task HandleAsync(Event stripeEvent, CancellationToken cancellationToken);
}

/// <summary>
/// The events of DESIGN 5: a paid checkout fulfils the order (a completed checkout with a delayed payment waits for
/// <c>async_payment_succeeded</c>), a failed or expired one closes it, a refund or dispute revokes its licenses (R10).
/// Anything else is acknowledged and ignored.
/// </summary>
public sealed class StripeEventHandler(FulfilmentService fulfilment, PaymentEventService payments, ILogger<StripeEventHandler> logger)
    : IStripeEventHandler
{
    /// <summary>The event types to enable on the Stripe webhook endpoint.</summary>
    public static readonly IReadOnlyList<string> HandledTypes =
    [
        EventTypes.CheckoutSessionCompleted,
        EventTypes.CheckoutSessionAsyncPaymentSucceeded,
        EventTypes.CheckoutSessionAsyncPaymentFailed,
        EventTypes.CheckoutSessionExpired,
        EventTypes.ChargeRefunded,
        EventTypes.ChargeDisputeCreated,
    ];

    public Task HandleAsync(Event stripeEvent, CancellationToken cancellationToken) => stripeEvent.Type switch
    {
        EventTypes.CheckoutSessionCompleted or EventTypes.CheckoutSessionAsyncPaymentSucceeded =>
            WithSessionAsync(stripeEvent, (session, orderId) => PaidAsync(stripeEvent, session, orderId, cancellationToken)),
        EventTypes.CheckoutSessionAsyncPaymentFailed =>
            WithSessionAsync(stripeEvent, async (_, orderId) => Log(stripeEvent, orderId, "payment failed", await payments.PaymentFailedAsync(orderId, cancellationToken))),
        EventTypes.CheckoutSessionExpired =>
            WithSessionAsync(stripeEvent, async (_, orderId) => Log(stripeEvent, orderId, "expired", await payments.ExpireAsync(orderId, cancellationToken))),
        EventTypes.ChargeRefunded => RefundedAsync(stripeEvent, cancellationToken),
        EventTypes.ChargeDisputeCreated => DisputedAsync(stripeEvent, cancellationToken),
        _ => Ignored(stripeEvent),
    };

    private async Task PaidAsync(Event stripeEvent, Session session, Guid orderId, CancellationToken cancellationToken)
    {
        if (!StripeSessions.IsPaid(session))
        {
            logger.LogInformation("Stripe event {EventId} ({EventType}): checkout {SessionId} of order {OrderId} is complete but {PaymentStatus}; waiting for the delayed payment",
                stripeEvent.Id, stripeEvent.Type, session.Id, orderId, session.PaymentStatus);
            return;
        }
        var paid = StripeSessions.ToPaidCheckout(session, orderId);
        var outcome = await fulfilment.FulfilAsync(paid, cancellationToken);
        var level = outcome is FulfilmentOutcome.Fulfilled or FulfilmentOutcome.AlreadyFulfilled ? LogLevel.Information : LogLevel.Warning;
        logger.Log(level, "Stripe event {EventId} ({EventType}): order {OrderId} paid {AmountPaid} {Currency} through checkout {SessionId}, payment {PaymentIntentId}: {Outcome}",
            stripeEvent.Id, stripeEvent.Type, orderId, paid.AmountPaid, paid.Currency, session.Id, session.PaymentIntentId, outcome);
    }

    private async Task RefundedAsync(Event stripeEvent, CancellationToken cancellationToken)
    {
        if (stripeEvent.Data.Object is not Charge { PaymentIntentId: { Length: > 0 } paymentIntentId } charge)
        {
            logger.LogWarning("Stripe event {EventId} ({EventType}) names no payment intent; ignored", stripeEvent.Id, stripeEvent.Type);
            return;
        }
        var fully = charge.AmountRefunded >= charge.Amount;
        var outcome = await payments.RefundedAsync(paymentIntentId, fully, cancellationToken);
        logger.LogWarning("Stripe event {EventId} ({EventType}): payment {PaymentIntentId} refunded {AmountRefunded} of {Amount} {Currency} ({Extent}): {Outcome}",
            stripeEvent.Id, stripeEvent.Type, paymentIntentId, charge.AmountRefunded, charge.Amount, charge.Currency, fully ? "full" : "partial", outcome);
        RetryLaterWhenNoOrderYet(stripeEvent, paymentIntentId, outcome);
    }

    private async Task DisputedAsync(Event stripeEvent, CancellationToken cancellationToken)
    {
        var dispute = stripeEvent.Data.Object as Dispute;
        var paymentIntentId = dispute?.PaymentIntentId ?? dispute?.Charge?.PaymentIntentId;
        if (dispute is null || string.IsNullOrEmpty(paymentIntentId))
        {
            logger.LogWarning("Stripe event {EventId} ({EventType}) names no payment intent; ignored", stripeEvent.Id, stripeEvent.Type);
            return;
        }
        var reason = string.IsNullOrWhiteSpace(dispute.Reason) ? "no reason given" : dispute.Reason.Replace('_', ' ');
        var outcome = await payments.DisputedAsync(paymentIntentId, reason, cancellationToken);
        logger.LogWarning("Stripe event {EventId} ({EventType}): payment {PaymentIntentId} disputed ({Reason}): {Outcome}",
            stripeEvent.Id, stripeEvent.Type, paymentIntentId, dispute.Reason, outcome);
        RetryLaterWhenNoOrderYet(stripeEvent, paymentIntentId, outcome);
    }

    /// <summary>
    /// A refund or dispute can overtake the payment's own event. Failing the delivery makes Stripe send it again later
    /// (with backoff, for up to three days), by which time the order is fulfilled and the refund revokes its licenses.
    /// </summary>
    private static void RetryLaterWhenNoOrderYet(Event stripeEvent, string paymentIntentId, PaymentEventOutcome outcome)
    {
        if (outcome == PaymentEventOutcome.NoOrderPaidWithIt)
            throw new PaymentNotYetRecordedException(
                $"Stripe event {stripeEvent.Id} ({stripeEvent.Type}) is about payment {paymentIntentId}, which no order records yet; Stripe will deliver it again.");
    }

    private Task WithSessionAsync(Event stripeEvent, Func<Session, Guid, Task> handle)
    {
        if (stripeEvent.Data.Object is not Session session)
        {
            logger.LogWarning("Stripe event {EventId} ({EventType}) carries no checkout session; ignored", stripeEvent.Id, stripeEvent.Type);
            return Task.CompletedTask;
        }
        if (StripeSessions.OrderId(session) is not { } orderId)
        {
            logger.LogWarning("Stripe event {EventId} ({EventType}): checkout {SessionId} has no Portal order id; ignored", stripeEvent.Id, stripeEvent.Type, session.Id);
            return Task.CompletedTask;
        }
        return handle(session, orderId);
    }

    private void Log(Event stripeEvent, Guid orderId, string what, bool changed) =>
        logger.LogInformation("Stripe event {EventId} ({EventType}): order {OrderId} {What}; order changed: {Changed}",
            stripeEvent.Id, stripeEvent.Type, orderId, what, changed);

    private Task Ignored(Event stripeEvent)
    {
        logger.LogInformation("Stripe event {EventId} ({EventType}) acknowledged; Portal does not use it", stripeEvent.Id, stripeEvent.Type);
        return Task.CompletedTask;
    }
}

/// <summary>A payment event arrived before the event that records the payment; its delivery fails so Stripe retries it.</summary>
public sealed class PaymentNotYetRecordedException(string message) : Exception(message);
