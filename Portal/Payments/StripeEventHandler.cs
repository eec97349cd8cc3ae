using Portal.Domain.Ordering;
using Stripe;
using Stripe.Checkout;

namespace Portal.Payments;

/// <summary>Turns one verified Stripe event into what it means for an order. Throws when the work must be retried.</summary>
public interface IStripeEventHandler
{
    /// <summary>Handles the event; true when its handling also recorded the event as handled, in the same save.</summary>
    Task<bool> HandleAsync(Event stripeEvent, CancellationToken cancellationToken);
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

    public async Task<bool> HandleAsync(Event stripeEvent, CancellationToken cancellationToken)
    {
        switch (stripeEvent.Type)
        {
            case EventTypes.CheckoutSessionCompleted or EventTypes.CheckoutSessionAsyncPaymentSucceeded:
                return OfSession(stripeEvent) is var (session, orderId) && await PaidAsync(stripeEvent, session, orderId, cancellationToken);
            case EventTypes.CheckoutSessionAsyncPaymentFailed:
                if (OfSession(stripeEvent) is var (_, failedOrderId))
                    Log(stripeEvent, failedOrderId, "payment failed", await payments.PaymentFailedAsync(failedOrderId, cancellationToken));
                return false;
            case EventTypes.CheckoutSessionExpired:
                if (OfSession(stripeEvent) is var (_, expiredOrderId))
                    Log(stripeEvent, expiredOrderId, "expired", await payments.ExpireAsync(expiredOrderId, cancellationToken));
                return false;
            case EventTypes.ChargeRefunded:
                await RefundedAsync(stripeEvent, cancellationToken);
                return false;
            case EventTypes.ChargeDisputeCreated:
                await DisputedAsync(stripeEvent, cancellationToken);
                return false;
            default:
                logger.LogInformation("Stripe event {EventId} ({EventType}) acknowledged; Portal does not use it", stripeEvent.Id, stripeEvent.Type);
                return false;
        }
    }

    /// <summary>Fulfils a paid checkout; true when this fulfilled the order, which records the event with it.</summary>
    private async Task<bool> PaidAsync(Event stripeEvent, Session session, Guid orderId, CancellationToken cancellationToken)
    {
        if (!StripeSessions.IsPaid(session))
        {
            logger.LogInformation("Stripe event {EventId} ({EventType}): checkout {SessionId} of order {OrderId} is complete but {PaymentStatus}; waiting for the delayed payment",
                stripeEvent.Id, stripeEvent.Type, session.Id, orderId, session.PaymentStatus);
            return false;
        }
        var paid = StripeSessions.ToPaidCheckout(session, orderId) with { ReportedBy = new PaymentEvent(stripeEvent.Id, stripeEvent.Type) };
        var outcome = await fulfilment.FulfilAsync(paid, cancellationToken);
        var level = outcome is FulfilmentOutcome.Fulfilled or FulfilmentOutcome.AlreadyFulfilled ? LogLevel.Information : LogLevel.Warning;
        logger.Log(level, "Stripe event {EventId} ({EventType}): order {OrderId} paid {AmountPaid} {Currency} through checkout {SessionId}, payment {PaymentIntentId}: {Outcome}",
            stripeEvent.Id, stripeEvent.Type, orderId, paid.AmountPaid, paid.Currency, session.Id, session.PaymentIntentId, outcome);
        return outcome == FulfilmentOutcome.Fulfilled;
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

    /// <summary>The event's checkout session and the order it pays for; null (logged, then ignored) when either is missing.</summary>
    private (Session Session, Guid OrderId)? OfSession(Event stripeEvent)
    {
        if (stripeEvent.Data.Object is not Session session)
        {
            logger.LogWarning("Stripe event {EventId} ({EventType}) carries no checkout session; ignored", stripeEvent.Id, stripeEvent.Type);
            return null;
        }
        if (StripeSessions.OrderId(session) is not { } orderId)
        {
            logger.LogWarning("Stripe event {EventId} ({EventType}): checkout {SessionId} has no Portal order id; ignored", stripeEvent.Id, stripeEvent.Type, session.Id);
            return null;
        }
        return (session, orderId);
    }

    private void Log(Event stripeEvent, Guid orderId, string what, bool changed) =>
        logger.LogInformation("Stripe event {EventId} ({EventType}): order {OrderId} {What}; order changed: {Changed}",
            stripeEvent.Id, stripeEvent.Type, orderId, what, changed);
}

/// <summary>A payment event arrived before the event that records the payment; its delivery fails so Stripe retries it.</summary>
public sealed class PaymentNotYetRecordedException(string message) : Exception(message);
