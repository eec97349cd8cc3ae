using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Domain.Licensing;
using Portal.Domain.Ordering;
using Portal.Payments;
using Portal.Tests.Fakes.Stripe;

namespace Portal.Tests.Payments;

/// <summary>What each Stripe event does to an order, exactly once however often and in whatever order it arrives.</summary>
[Collection(PaymentsCollection.Name)]
public sealed class StripeWebhookEventTests(PaymentsApp app)
{
    private async Task<(TestCustomer Customer, Order Order, FakeCheckoutSession Session)> CheckoutAsync(params (int Seats, int Quantity)[] packs)
    {
        var customer = await app.NewCustomerAsync();
        var order = await app.PlaceOrderAsync(customer, packs.Length == 0 ? [(25, 1), (10, 1)] : packs);
        return (customer, order, await app.CheckoutSessionAsync(customer, order.Id));
    }

    private async Task<(TestCustomer Customer, Order Order, FakeCheckoutSession Session)> FulfilledAsync()
    {
        var checkout = await CheckoutAsync();
        app.Stripe.MarkPaid(checkout.Session.Id);
        Assert.Equal(HttpStatusCode.OK, await app.Stripe.SendAsync(app.Stripe.SessionEvent("checkout.session.completed", checkout.Session.Id)));
        Assert.Equal(OrderStatus.Fulfilled, (await app.OrderAsync(checkout.Order.Id)).Status);
        return checkout;
    }

    private async Task<(int Fulfilments, int Emails)> CountsAsync(Guid orderId)
    {
        await using var db = await app.NewContextAsync();
        var fulfilments = await db.AuditEvents.CountAsync(e => e.Action == "order.fulfilled" && e.EntityId == orderId.ToString());
        var emails = await db.OutboxMessages.CountAsync(m => m.DeduplicationKey == $"registration:{orderId:N}");
        return (fulfilments, emails);
    }

    [Fact]
    public async Task A_paid_checkout_fulfils_the_order_with_the_payment_and_invoice_of_the_session()
    {
        var (customer, order, session) = await FulfilledAsync();

        var fulfilled = await app.OrderAsync(order.Id);
        Assert.Equal(app.Stripe.Session(session.Id).PaymentIntentId, fulfilled.PaymentIntentId);
        Assert.Equal(35, await app.SeatsAsync(customer.OrganizationId));
        Assert.Equal([25, 10], (await app.LicensesAsync(order.Id)).Select(l => l.Seats));
        Assert.Equal((1, 1), await CountsAsync(order.Id));
    }

    [Fact]
    public async Task A_paid_checkout_records_its_event_with_the_fulfilment_not_in_a_second_write()
    {
        var (_, order, session) = await CheckoutAsync();
        app.Stripe.MarkPaid(session.Id);
        var json = app.Stripe.SessionEvent("checkout.session.completed", session.Id);
        var eventId = System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("id").GetString()!;

        Assert.Equal(HttpStatusCode.OK, await app.Stripe.SendAsync(json));

        Assert.Equal(OrderStatus.Fulfilled, (await app.OrderAsync(order.Id)).Status);
        Assert.True(await app.Services.GetRequiredService<PaymentEventService>().IsEventHandledAsync(eventId));
        // Recorded by the fulfilment's own save: the delivery applied the change, it did not record the event afterwards.
        Assert.Contains(app.Logs.Entries, e => e.Message.Contains(eventId) && e.Message.Contains("(Applied)"));
    }

    [Fact]
    public async Task A_duplicate_delivery_of_one_event_issues_one_set_of_licenses()
    {
        var (customer, order, session) = await CheckoutAsync();
        app.Stripe.MarkPaid(session.Id);
        var json = app.Stripe.SessionEvent("checkout.session.completed", session.Id);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
            statuses.Add(await app.Stripe.SendAsync(json));

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal(2, (await app.LicensesAsync(order.Id)).Count);
        Assert.Equal(35, await app.SeatsAsync(customer.OrganizationId));
        Assert.Equal((1, 1), await CountsAsync(order.Id));
        Assert.Contains(app.Logs.Entries, e => e.Message.Contains("delivered again; already handled"));
    }

    [Fact]
    public async Task Fifty_concurrent_deliveries_of_the_same_event_issue_one_set_of_licenses()
    {
        var (customer, order, session) = await CheckoutAsync();
        app.Stripe.MarkPaid(session.Id);
        var eventId = FakeStripe.NewEventId();
        var json = app.Stripe.SessionEvent("checkout.session.completed", session.Id, eventId);
        var logsBefore = app.Logs.Entries.Count;

        var statuses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => app.Stripe.SendAsync(json))));

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal(2, (await app.LicensesAsync(order.Id)).Count);
        Assert.Equal(35, await app.SeatsAsync(customer.OrganizationId));
        Assert.Equal((1, 1), await CountsAsync(order.Id));
        // Duplicates are an expected race: no warning or error about them, from the webhook or from EF Core.
        var logged = app.Logs.Entries.Skip(logsBefore).ToList();
        Assert.Equal(49, logged.Count(e => e.Message.Contains(eventId) && e.Message.Contains("(AlreadyHandled)")));
        Assert.DoesNotContain(logged, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task The_return_page_and_the_webhooks_racing_issue_one_set_of_licenses()
    {
        var (customer, order, session) = await CheckoutAsync();
        app.Stripe.MarkPaid(session.Id);
        var completed = app.Stripe.SessionEvent("checkout.session.completed", session.Id);
        var succeeded = app.Stripe.SessionEvent("checkout.session.async_payment_succeeded", session.Id);

        var pageRequests = Enumerable.Range(0, 8).Select(_ => Task.Run(() => customer.Client.GetAsync(CheckoutPaths.ReturnForSession(session.Id)))).ToList();
        var webhookRequests = Enumerable.Range(0, 8).Select(i => Task.Run(() => app.Stripe.SendAsync(i % 2 == 0 ? completed : succeeded))).ToList();
        var webhooks = await Task.WhenAll(webhookRequests);
        var pages = await Task.WhenAll(pageRequests);

        Assert.All(webhooks, status => Assert.Equal(HttpStatusCode.OK, status));
        foreach (var page in pages)
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("Payment received — your licenses are ready", await page.Content.ReadAsStringAsync());
        }
        Assert.Equal(2, (await app.LicensesAsync(order.Id)).Count);
        Assert.Equal(35, await app.SeatsAsync(customer.OrganizationId));
        Assert.Equal((1, 1), await CountsAsync(order.Id));
    }

    [Theory]
    [InlineData(-100, null)]
    [InlineData(0, "eur")]
    public async Task A_payment_that_does_not_match_the_order_needs_review_and_issues_nothing(long difference, string? currency)
    {
        var (customer, order, session) = await CheckoutAsync();
        app.Stripe.MarkPaid(session.Id, amountTotal: order.Total.Minor + difference, currency: currency);

        Assert.Equal(HttpStatusCode.OK, await app.Stripe.SendAsync(app.Stripe.SessionEvent("checkout.session.completed", session.Id)));

        var reviewed = await app.OrderAsync(order.Id);
        Assert.Equal(OrderStatus.NeedsReview, reviewed.Status);
        Assert.Contains("order total is USD 1,395.00", reviewed.StatusReason);
        Assert.Empty(await app.LicensesAsync(order.Id));
        Assert.Equal(0, await app.SeatsAsync(customer.OrganizationId));
        Assert.Equal((0, 0), await CountsAsync(order.Id));
        var page = await customer.Client.GetStringAsync(CheckoutPaths.ReturnForSession(session.Id));
        Assert.Contains("Your order needs review", page);
        Assert.Contains("You do not need to pay again", page);
    }

    [Fact]
    public async Task A_delayed_payment_waits_and_is_fulfilled_when_it_succeeds()
    {
        var (customer, order, session) = await CheckoutAsync();
        app.Stripe.MarkPaid(session.Id, paymentStatus: "unpaid");

        Assert.Equal(HttpStatusCode.OK, await app.Stripe.SendAsync(app.Stripe.SessionEvent("checkout.session.completed", session.Id)));
        var waiting = WebUtility.HtmlDecode(await customer.Client.GetStringAsync(CheckoutPaths.ReturnForSession(session.Id)));

        Assert.Equal(OrderStatus.Pending, (await app.OrderAsync(order.Id)).Status);
        Assert.Empty(await app.LicensesAsync(order.Id));
        Assert.Contains("We're processing your payment", waiting);
        Assert.Contains("Check again", waiting);

        app.Stripe.MarkPaid(session.Id);
        Assert.Equal(HttpStatusCode.OK, await app.Stripe.SendAsync(app.Stripe.SessionEvent("checkout.session.async_payment_succeeded", session.Id)));

        Assert.Equal(OrderStatus.Fulfilled, (await app.OrderAsync(order.Id)).Status);
        Assert.Equal(35, await app.SeatsAsync(customer.OrganizationId));
        var done = await customer.Client.GetStringAsync(CheckoutPaths.ReturnForSession(session.Id));
        Assert.Contains("Payment received — your licenses are ready", done);
        Assert.DoesNotContain("Check again", done);
    }

    [Fact]
    public async Task A_failed_delayed_payment_fails_the_order_and_issues_nothing()
    {
        var (customer, order, session) = await CheckoutAsync();
        app.Stripe.MarkPaid(session.Id, paymentStatus: "unpaid");
        await app.Stripe.SendAsync(app.Stripe.SessionEvent("checkout.session.completed", session.Id));

        Assert.Equal(HttpStatusCode.OK, await app.Stripe.SendAsync(app.Stripe.SessionEvent("checkout.session.async_payment_failed", session.Id)));

        Assert.Equal(OrderStatus.Failed, (await app.OrderAsync(order.Id)).Status);
        Assert.Empty(await app.LicensesAsync(order.Id));
        Assert.Contains("The payment failed", await customer.Client.GetStringAsync(CheckoutPaths.ReturnForOrder(order.Id)));
    }

    [Fact]
    public async Task An_expired_checkout_expires_the_order_and_checkout_cannot_start_again()
    {
        var (customer, order, session) = await CheckoutAsync();

        Assert.Equal(HttpStatusCode.OK, await app.Stripe.SendAsync(app.Stripe.SessionEvent("checkout.session.expired", session.Id)));

        Assert.Equal(OrderStatus.Expired, (await app.OrderAsync(order.Id)).Status);
        var another = await app.PlaceOrderAsync(customer, (1, 1));
        var again = await app.StartCheckoutAsync(customer, order.Id, formPageOrderId: another.Id);
        Assert.Equal(HttpStatusCode.SeeOther, again.StatusCode);
        Assert.Equal(CheckoutPaths.ReturnForOrder(order.Id), again.Headers.Location!.ToString());
        Assert.Single(app.Stripe.SessionsForOrder(order.Id));
        Assert.Contains("This checkout expired", await customer.Client.GetStringAsync(CheckoutPaths.ReturnForOrder(order.Id)));
    }

    [Fact]
    public async Task A_full_refund_refunds_the_order_revokes_its_licenses_and_history_says_why()
    {
        var (customer, order, session) = await FulfilledAsync();

        var refund = app.Stripe.ChargeRefundedEvent(session.Id);
        Assert.Equal(HttpStatusCode.OK, await app.Stripe.SendAsync(refund));
        Assert.Equal(HttpStatusCode.OK, await app.Stripe.SendAsync(refund));

        var refunded = await app.OrderAsync(order.Id);
        Assert.Equal(OrderStatus.Refunded, refunded.Status);
        Assert.All(await app.LicensesAsync(order.Id), license =>
        {
            Assert.Equal(LicenseStatus.Revoked, license.Status);
            Assert.Contains("the payment was refunded", license.RevocationReason);
        });
        Assert.Equal(0, await app.SeatsAsync(customer.OrganizationId));
        var history = await app.HistoryAsync(customer.OrganizationId);
        Assert.Contains(history, entry => entry.StartsWith("order.refunded:") && entry.Contains("was refunded; the order's licenses are revoked"));
        Assert.Equal(2, history.Count(entry => entry.StartsWith("license.revoked:") && entry.Contains("refunded")));
        Assert.Contains("This order was refunded", await customer.Client.GetStringAsync(CheckoutPaths.ReturnForOrder(order.Id)));
    }

    [Fact]
    public async Task A_refund_that_overtakes_the_payment_event_is_delivered_again_and_then_revokes_the_licenses()
    {
        var (customer, order, session) = await CheckoutAsync();
        app.Stripe.MarkPaid(session.Id);
        var refund = app.Stripe.ChargeRefundedEvent(session.Id);

        // The refund arrives first: no order records the payment yet, so the delivery fails and Stripe keeps it.
        Assert.Equal(HttpStatusCode.InternalServerError, await app.Stripe.SendAsync(refund));
        Assert.Equal(HttpStatusCode.OK, await app.Stripe.SendAsync(app.Stripe.SessionEvent("checkout.session.completed", session.Id)));
        Assert.Equal(35, await app.SeatsAsync(customer.OrganizationId));
        Assert.Equal(HttpStatusCode.OK, await app.Stripe.SendAsync(refund));

        Assert.Equal(OrderStatus.Refunded, (await app.OrderAsync(order.Id)).Status);
        Assert.All(await app.LicensesAsync(order.Id), license => Assert.Equal(LicenseStatus.Revoked, license.Status));
        Assert.Equal(0, await app.SeatsAsync(customer.OrganizationId));
    }

    [Fact]
    public async Task A_partial_refund_flags_the_order_and_keeps_its_licenses()
    {
        var (customer, order, session) = await FulfilledAsync();

        Assert.Equal(HttpStatusCode.OK, await app.Stripe.SendAsync(app.Stripe.ChargeRefundedEvent(session.Id, amountRefunded: 1000)));

        var flagged = await app.OrderAsync(order.Id);
        Assert.Equal(OrderStatus.Fulfilled, flagged.Status);
        Assert.Contains("Partially refunded", flagged.StatusReason);
        Assert.Equal(35, await app.SeatsAsync(customer.OrganizationId));
    }

    [Fact]
    public async Task A_dispute_flags_the_order_for_staff_and_revokes_its_licenses()
    {
        var (customer, order, session) = await FulfilledAsync();

        Assert.Equal(HttpStatusCode.OK, await app.Stripe.SendAsync(app.Stripe.DisputeCreatedEvent(session.Id, "product_not_received")));

        var disputed = await app.OrderAsync(order.Id);
        Assert.True(disputed.Disputed);
        Assert.Equal("Payment disputed: product not received", disputed.StatusReason);
        Assert.All(await app.LicensesAsync(order.Id), license => Assert.Equal(LicenseStatus.Revoked, license.Status));
        Assert.Equal(0, await app.SeatsAsync(customer.OrganizationId));
        Assert.Contains(await app.HistoryAsync(customer.OrganizationId), entry => entry.StartsWith("order.disputed:"));
        Assert.Contains("The payment for this order is disputed", await customer.Client.GetStringAsync(CheckoutPaths.ReturnForOrder(order.Id)));
    }

    [Fact]
    public async Task An_event_type_Portal_does_not_use_is_acknowledged()
    {
        var json = FakeStripe.EventJson("customer.updated", new System.Text.Json.Nodes.JsonObject { ["id"] = "cus_123", ["object"] = "customer" });

        Assert.Equal(HttpStatusCode.OK, await app.Stripe.SendAsync(json));
        Assert.Contains(app.Logs.Entries, e => e.Message.Contains("(customer.updated): acknowledged; Portal does not use it"));
    }

    [Fact]
    public async Task An_event_whose_handling_fails_answers_500_and_is_handled_when_Stripe_delivers_it_again()
    {
        var (customer, order, session) = await CheckoutAsync();
        app.Stripe.MarkPaid(session.Id);
        var eventId = FakeStripe.NewEventId();
        var json = app.Stripe.SessionEvent("checkout.session.completed", session.Id, eventId);
        app.FailOnce[eventId] = true;

        Assert.Equal(HttpStatusCode.InternalServerError, await app.Stripe.SendAsync(json));
        Assert.Equal(OrderStatus.Pending, (await app.OrderAsync(order.Id)).Status);
        Assert.Contains(app.Logs.Entries, e => e.Level == LogLevel.Error && e.Message.Contains(eventId) && e.Message.Contains("could not be handled"));

        Assert.Equal(HttpStatusCode.OK, await app.Stripe.SendAsync(json));
        Assert.Equal(OrderStatus.Fulfilled, (await app.OrderAsync(order.Id)).Status);
        Assert.Equal(35, await app.SeatsAsync(customer.OrganizationId));
    }

    [Fact]
    public async Task The_return_page_of_another_organizations_session_shows_and_fulfils_nothing()
    {
        var (_, order, session) = await CheckoutAsync();
        app.Stripe.MarkPaid(session.Id);
        var intruder = await app.NewCustomerAsync();

        var page = await intruder.Client.GetAsync(CheckoutPaths.ReturnForSession(session.Id));

        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.DoesNotContain(order.Id.ToString(), await page.Content.ReadAsStringAsync());
        Assert.Equal(OrderStatus.Pending, (await app.OrderAsync(order.Id)).Status);
        Assert.Empty(await app.LicensesAsync(order.Id));
    }
}
