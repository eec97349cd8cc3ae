using Portal.Domain;
using Portal.Domain.Ordering;
using Stripe.Checkout;

namespace Portal.Payments;

/// <summary>Reads what Portal needs from a Stripe checkout session, the same way for the webhook and the return page.</summary>
public static class StripeSessions
{
    public const string OrderIdKey = "order_id";

    /// <summary>The order the session pays for: <c>metadata.order_id</c>, else <c>client_reference_id</c>.</summary>
    public static Guid? OrderId(Session session)
    {
        if (session.Metadata is { } metadata && metadata.TryGetValue(OrderIdKey, out var fromMetadata) && Guid.TryParse(fromMetadata, out var id))
            return id;
        return Guid.TryParse(session.ClientReferenceId, out var fromReference) ? fromReference : null;
    }

    /// <summary>Paid now; "unpaid" on a completed session is a delayed payment (e.g. a bank debit) still on its way.</summary>
    public static bool IsPaid(Session session) => session.PaymentStatus == StripeValues.PaymentStatus.Paid;

    /// <summary>The customer finished Checkout: the payment is made or, when delayed, on its way.</summary>
    public static bool IsComplete(Session session) => session.Status == StripeValues.SessionStatus.Complete;

    /// <summary>
    /// What was paid for the order's lines: the session total less any tax Stripe Tax added on top (tax is charged
    /// exclusive of the order's prices), so that <see cref="FulfilmentService"/> compares it with the order total.
    /// </summary>
    public static PaidCheckout ToPaidCheckout(Session session, Guid orderId) =>
        new(orderId, session.Id, session.PaymentIntentId,
            new Money((session.AmountTotal ?? 0) - (session.TotalDetails?.AmountTax ?? 0), (session.Currency ?? "").ToUpperInvariant()),
            session.Invoice?.HostedInvoiceUrl);
}
