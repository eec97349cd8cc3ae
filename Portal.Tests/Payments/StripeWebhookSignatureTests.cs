using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Portal.Domain.Ordering;
using Portal.Tests.Fakes.Stripe;

namespace Portal.Tests.Payments;

/// <summary>
/// The webhook trusts only what Stripe signed with the endpoint's secret, within 300 s, in the API version Portal is
/// pinned to. Everything else is refused with 400 (never a 500) and a logged reason, changes nothing and is not recorded
/// as handled: the genuine delivery of the same event still works afterwards.
/// </summary>
[Collection(PaymentsCollection.Name)]
public sealed class StripeWebhookSignatureTests(PaymentsApp app)
{
    public enum Delivery
    {
        Forged,
        Stale,
        OtherSecret,
        MissingHeader,
        GarbledHeader,
        OtherApiVersion,
        NoApiVersion,
        NotAnEvent,
    }

    [Theory]
    [InlineData(Delivery.Forged, "signature")]
    [InlineData(Delivery.Stale, "signature")]
    [InlineData(Delivery.OtherSecret, "signature")]
    [InlineData(Delivery.MissingHeader, "signature")]
    [InlineData(Delivery.GarbledHeader, "signature")]
    [InlineData(Delivery.OtherApiVersion, "api-version")]
    [InlineData(Delivery.NoApiVersion, "api-version")]
    [InlineData(Delivery.NotAnEvent, "body")]
    public async Task A_refused_delivery_answers_400_with_a_logged_reason_and_changes_nothing(Delivery delivery, string problem)
    {
        var customer = await app.NewCustomerAsync();
        var order = await app.PlaceOrderAsync(customer, (10, 1));
        var session = app.Stripe.MarkPaid((await app.CheckoutSessionAsync(customer, order.Id)).Id);
        var eventId = FakeStripe.NewEventId();
        var genuine = app.Stripe.SessionEvent("checkout.session.completed", session.Id, eventId);
        var logsBefore = app.Logs.Entries.Count;

        var (payload, signature) = delivery switch
        {
            Delivery.Forged => (genuine.Replace($"\"amount_total\":{session.AmountTotal}", "\"amount_total\":50"), FakeStripe.Sign(genuine)),
            Delivery.Stale => (genuine, FakeStripe.Sign(genuine, DateTimeOffset.UtcNow.AddSeconds(-301))),
            Delivery.OtherSecret => (genuine, FakeStripe.Sign(genuine, secret: "whsec_someone_elses_endpoint")),
            Delivery.MissingHeader => (genuine, null),
            Delivery.GarbledHeader => (genuine, "v1=deadbeef"),
            Delivery.OtherApiVersion => SignedWith(FakeStripe.EventJson("checkout.session.completed", app.Stripe.SessionJson(session.Id), eventId, apiVersion: "2025-03-31.basil")),
            Delivery.NoApiVersion => SignedWith(FakeStripe.EventJson("checkout.session.completed", app.Stripe.SessionJson(session.Id), eventId, apiVersion: null)),
            _ => SignedWith("{\"this is\": \"not an event\""),
        };
        if (delivery == Delivery.Forged)
            Assert.NotEqual(genuine, payload);

        var status = await app.Stripe.DeliverAsync(payload, signature);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(OrderStatus.Pending, (await app.OrderAsync(order.Id)).Status);
        Assert.Empty(await app.LicensesAsync(order.Id));
        var refusal = Assert.Single(app.Logs.Entries.Skip(logsBefore), entry => entry.Message.StartsWith("Stripe webhook refused", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, refusal.Level);
        Assert.Contains($"({problem})", refusal.Message);
        if (delivery == Delivery.OtherApiVersion)
            Assert.Contains("2025-03-31.basil", refusal.Message);
        if (delivery == Delivery.NoApiVersion)
            Assert.Contains("no api_version", refusal.Message);

        // Nothing was recorded as handled: Stripe's genuine delivery of the same event is still handled.
        Assert.Equal(HttpStatusCode.OK, await app.Stripe.DeliverAsync(genuine, FakeStripe.Sign(genuine)));
        Assert.Equal(OrderStatus.Fulfilled, (await app.OrderAsync(order.Id)).Status);
        Assert.Equal(10, Assert.Single(await app.LicensesAsync(order.Id)).Seats);
    }

    [Fact]
    public async Task A_genuine_event_of_the_pinned_api_version_within_the_tolerance_is_accepted()
    {
        var customer = await app.NewCustomerAsync();
        var order = await app.PlaceOrderAsync(customer, (1, 2));
        var session = app.Stripe.MarkPaid((await app.CheckoutSessionAsync(customer, order.Id)).Id);
        var json = app.Stripe.SessionEvent("checkout.session.completed", session.Id);

        var status = await app.Stripe.DeliverAsync(json, FakeStripe.Sign(json, DateTimeOffset.UtcNow.AddSeconds(-280)));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(OrderStatus.Fulfilled, (await app.OrderAsync(order.Id)).Status);
        await using var db = await app.NewContextAsync();
        Assert.True(await db.ProcessedPaymentEvents.AnyAsync(e => e.Type == "checkout.session.completed"));
    }

    private static (string Payload, string Signature) SignedWith(string payload) => (payload, FakeStripe.Sign(payload));
}
