using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Portal.Load;

/// <summary>
/// Signed <c>checkout.session.completed</c> events, shaped as Stripe sends them (API version pinned by Portal) and
/// signed as Stripe does: <c>Stripe-Signature: t=…,v1=HMAC-SHA256(secret, "t.body")</c>. A minimal equivalent of the test
/// project's fake Stripe (Portal.Tests/Fakes/Stripe/FakeStripe.cs): a console app cannot reference a test project, and the
/// fake's session JSON comes from sessions created through its HTTP API, which the harness does not need.
/// </summary>
public static class StripeEvents
{
    public const string ApiVersion = "2026-10-28.endive";

    /// <summary>A paid checkout of the whole order, as Portal's checkout creates it (order id in metadata and reference).</summary>
    public static string CheckoutCompleted(string eventId, string sessionId, Guid orderId, long amountTotal, string currency)
    {
        var session = new JsonObject
        {
            ["id"] = sessionId,
            ["object"] = "checkout.session",
            ["mode"] = "payment",
            ["status"] = "complete",
            ["payment_status"] = "paid",
            ["amount_subtotal"] = amountTotal,
            ["amount_total"] = amountTotal,
            ["total_details"] = new JsonObject { ["amount_discount"] = 0, ["amount_shipping"] = 0, ["amount_tax"] = 0 },
            ["currency"] = currency.ToLowerInvariant(),
            ["client_reference_id"] = orderId.ToString(),
            ["metadata"] = new JsonObject { ["order_id"] = orderId.ToString() },
            ["payment_intent"] = "pi_" + sessionId[3..],
            ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["livemode"] = false,
        };
        return new JsonObject
        {
            ["id"] = eventId,
            ["object"] = "event",
            ["api_version"] = ApiVersion,
            ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["type"] = "checkout.session.completed",
            ["livemode"] = false,
            ["pending_webhooks"] = 1,
            ["request"] = new JsonObject { ["id"] = null, ["idempotency_key"] = null },
            ["data"] = new JsonObject { ["object"] = session },
        }.ToJsonString();
    }

    /// <summary>The header for a delivery now: Stripe signs every attempt afresh.</summary>
    public static string Sign(string payload, string secret)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{payload}"));
        return $"t={timestamp},v1={Convert.ToHexStringLower(mac)}";
    }
}
