namespace Portal.Payments;

/// <summary>The portal addresses of the payment flow, in one place for the endpoints, pages and Stripe's return URLs.</summary>
public static class CheckoutPaths
{
    public const string Webhook = "/stripe/webhook";
    public const string Return = "/checkout/return";

    /// <summary>Stripe puts the session id in place of <c>{CHECKOUT_SESSION_ID}</c> when it sends the customer back.</summary>
    public const string ReturnFromStripe = Return + "?session_id={CHECKOUT_SESSION_ID}";

    /// <summary><c>POST</c>: starts (or resumes) the checkout of an order.</summary>
    public static string Start(Guid orderId) => $"/checkout/{orderId}";

    public static string ReturnForOrder(Guid orderId, bool stripeUnavailable = false) =>
        $"{Return}?order_id={orderId}{(stripeUnavailable ? "&unavailable=true" : "")}";

    public static string ReturnForSession(string sessionId) => $"{Return}?session_id={Uri.EscapeDataString(sessionId)}";

    /// <summary>The customer's page of one order.</summary>
    public static string OrderDetail(Guid orderId) => $"/orders/{orderId}";

    /// <summary>The Development test checkout page (no Stripe key configured).</summary>
    public static string Test(Guid orderId) => $"/checkout/test/{orderId}";

    /// <summary><c>POST</c>: the test checkout's "Pay (test)" button.</summary>
    public static string TestPay(Guid orderId) => $"/checkout/test/{orderId}/pay";

    /// <summary>The Development test invoice page (no Stripe key configured), standing in for Stripe's hosted invoice page.</summary>
    public static string TestInvoice(Guid orderId) => $"/checkout/test-invoice/{orderId}";

    /// <summary><c>POST</c>: the test invoice's "Pay (test)" button.</summary>
    public static string TestInvoicePay(Guid orderId) => $"/checkout/test-invoice/{orderId}/pay";
}
