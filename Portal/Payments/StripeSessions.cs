using Portal.Domain;
using Portal.Domain.Ordering;
using Portal.Domain.Organizations;
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
            session.Invoice?.HostedInvoiceUrl)
        {
            Billing = CollectedBilling(session.CustomerDetails),
        };

    /// <summary>
    /// The billing address and tax ID the customer gave at Checkout (<c>customer_details</c>), for the organization to
    /// keep: the address when it has a street and a city, the first tax ID of a kind Portal knows (<see cref="TaxId.Types"/>);
    /// null when neither is usable.
    /// </summary>
    public static CollectedBillingDetails? CollectedBilling(SessionCustomerDetails? details)
    {
        if (details is null)
            return null;
        var address = AddressOf(details.Address);
        var taxId = (details.TaxIds ?? []).Select(TaxIdOf).FirstOrDefault(t => t is not null);
        return address.IsEmpty && taxId is null ? null : new CollectedBillingDetails(address, taxId);
    }

    private static PostalAddress AddressOf(Stripe.Address? address)
    {
        if (address is null)
            return PostalAddress.None;
        try
        {
            return PostalAddress.Create(address.Line1, address.Line2, address.PostalCode, address.City, address.State);
        }
        catch (DomainException)
        {
            // An address without a street or a city (Checkout collected a partial one) is no billing address.
            return PostalAddress.None;
        }
    }

    private static TaxId? TaxIdOf(SessionCustomerDetailsTaxId collected)
    {
        if (TaxId.Types.All(t => t.Code != collected.Type))
            return null;
        try
        {
            return TaxId.Create(collected.Type, collected.Value);
        }
        catch (DomainException)
        {
            return null;
        }
    }
}
