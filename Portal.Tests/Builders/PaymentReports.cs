using Portal.Domain;
using Portal.Domain.Ordering;

namespace Portal.Tests.Builders;

/// <summary>
/// What Stripe's webhook reports about an order, as the domain receives it (<see cref="PaymentEventService.HandleAsync"/>).
/// Each order has a checkout session and a payment of its own, so reports about several orders never mix.
/// </summary>
public static class PaymentReports
{
    public static string CheckoutSessionOf(Order order) => $"cs_test_{order.Id:N}";

    public static string PaymentIntentOf(Order order) => $"pi_test_{order.Id:N}";

    /// <summary>
    /// The order's checkout paid: its total in its currency unless <paramref name="amount"/> or <paramref name="currency"/>
    /// say otherwise; reported by the event <paramref name="eventId"/>, or by none (as the checkout return page reports).
    /// </summary>
    public static PaidCheckout Paid(Order order, long? amount = null, string? currency = null, string? eventId = null, string? receiptUrl = null) =>
        new(order.Id, CheckoutSessionOf(order), PaymentIntentOf(order),
            new Money(amount ?? order.Total.Minor, currency?.ToUpperInvariant() ?? order.Total.Currency),
            receiptUrl, eventId is null ? null : new PaymentEvent(eventId, "checkout.session.completed"));

    /// <summary>The order's payment refunded, in full unless <paramref name="fully"/> is false.</summary>
    public static PaymentRefunded Refunded(Order order, bool fully = true, string? eventId = null) =>
        new(PaymentIntentOf(order), fully, eventId is null ? null : new PaymentEvent(eventId, "charge.refunded"));

    /// <summary>The order's payment disputed with the card issuer.</summary>
    public static PaymentDisputed Disputed(Order order, string reason) => new(PaymentIntentOf(order), reason);
}
