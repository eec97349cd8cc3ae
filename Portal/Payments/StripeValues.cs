namespace Portal.Payments;

/// <summary>
/// The values of Stripe's API that Portal sends or compares, named once. Stripe.net has constants for event types
/// (<see cref="Stripe.EventTypes"/>) but types these fields as plain strings.
/// </summary>
public static class StripeValues
{
    /// <summary>A Checkout Session's <c>status</c>.</summary>
    public static class SessionStatus
    {
        public const string Open = "open";
        public const string Complete = "complete";
        public const string Expired = "expired";
    }

    /// <summary>A Checkout Session's <c>payment_status</c>; <c>unpaid</c> on a complete session is a delayed payment on its way.</summary>
    public static class PaymentStatus
    {
        public const string Paid = "paid";
    }

    /// <summary>A Checkout Session's <c>mode</c>: Portal sells one-off payments, no subscriptions.</summary>
    public static class SessionMode
    {
        public const string Payment = "payment";
    }

    /// <summary>A price's <c>tax_behavior</c>: Stripe Tax adds tax on top of the order's prices.</summary>
    public static class TaxBehavior
    {
        public const string Exclusive = "exclusive";
    }

    /// <summary>
    /// <c>customer_update[address]</c> and <c>[name]</c>: what the customer types in Checkout is saved on the Stripe customer.
    /// </summary>
    public static class CustomerUpdate
    {
        public const string Auto = "auto";
    }

    /// <summary>A Checkout Session's <c>billing_address_collection</c>: always ask for the full billing address.</summary>
    public static class BillingAddressCollection
    {
        public const string Required = "required";
    }

    /// <summary>An invoice's <c>collection_method</c>: Stripe emails the invoice and the customer pays it within its terms.</summary>
    public static class CollectionMethod
    {
        public const string SendInvoice = "send_invoice";
    }

    /// <summary>An invoice's <c>payment_settings[payment_method_types]</c>: a card, or a bank transfer to the customer's balance.</summary>
    public static class PaymentMethodType
    {
        public const string Card = "card";
        public const string CustomerBalance = "customer_balance";
    }

    /// <summary>
    /// <c>payment_settings[payment_method_options][customer_balance]</c>: the customer funds its balance by a bank transfer
    /// (<c>funding_type</c>) to a Stripe-provided account of the type that takes the invoice's currency (<c>bank_transfer[type]</c>).
    /// </summary>
    public static class BankTransfer
    {
        public const string FundingType = "bank_transfer";

        private static readonly Dictionary<string, string> TypeByCurrency = new(StringComparer.OrdinalIgnoreCase)
        {
            ["usd"] = "us_bank_transfer",
            ["eur"] = "eu_bank_transfer",
            ["gbp"] = "gb_bank_transfer",
            ["jpy"] = "jp_bank_transfer",
            ["mxn"] = "mx_bank_transfer",
        };

        /// <summary>The bank transfer type for a currency; null where Stripe offers no bank transfer in it.</summary>
        public static string? TypeFor(string currency) => TypeByCurrency.GetValueOrDefault(currency);
    }

    /// <summary>An invoice's <c>pending_invoice_items_behavior</c>: only the items added to this invoice, never stray pending ones.</summary>
    public static class PendingInvoiceItems
    {
        public const string Exclude = "exclude";
    }

    /// <summary>An invoice payment's <c>status</c> and its <c>payment.type</c>.</summary>
    public static class InvoicePayment
    {
        public const string Paid = "paid";
        public const string PaymentIntentType = "payment_intent";
    }
}
