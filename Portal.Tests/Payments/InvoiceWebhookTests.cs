using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Domain.Accounts;
using Portal.Domain.Licensing;
using Portal.Domain.Ordering;
using Portal.Domain.Organizations;
using Portal.Payments;
using Portal.Tests.Fakes.Stripe;

namespace Portal.Tests.Payments;

/// <summary>
/// What Stripe's <c>invoice.*</c> events do to an invoice order, with real signatures through the real webhook: paid
/// once however often and however concurrently it is reported, not paid, overdue, voided or written off; and nothing
/// at all for the invoices Portal did not issue.
/// </summary>
[Collection(PaymentsCollection.Name)]
public sealed class InvoiceWebhookTests(PaymentsApp app)
{
    /// <summary>An invoice order of a new customer, its invoice issued through the fake Stripe.</summary>
    private async Task<(TestCustomer Customer, Order Order, FakeInvoice Invoice)> IssuedAsync(bool keysOnInvoice = false)
    {
        var customer = await app.NewCustomerAsync();
        if (keysOnInvoice)
        {
            await app.Services.GetRequiredService<OrganizationService>().TrustWithKeysOnInvoiceAsync(customer.OrganizationId, true,
                "Long-standing council customer, pays within terms.", Actor.Person("sales-invoices", "sue@keymetric.example", Roles.Sales));
        }
        var (_, order) = await InvoiceOrders.PlaceAsync(app, customer);
        var start = await app.Services.GetRequiredService<InvoicePayments>().IssueAsync(order.Id, InvoiceOrders.PrincipalOf(customer));
        Assert.Equal(InvoiceStartStatus.Issued, start.Status);
        return (customer, order, Assert.Single(app.Stripe.InvoicesForOrder(order.Id)));
    }

    private async Task<(int Fulfilments, int Emails)> CountsAsync(Guid orderId)
    {
        await using var db = await app.NewContextAsync();
        var fulfilments = await db.AuditEvents.CountAsync(e => e.Action == "order.fulfilled" && e.EntityId == orderId.ToString());
        var emails = await db.OutboxMessages.CountAsync(m => m.DeduplicationKey == $"registration:{orderId:N}");
        return (fulfilments, emails);
    }

    [Fact]
    public async Task Paying_on_the_hosted_invoice_page_fulfils_the_order_with_its_licenses_and_registration_email()
    {
        var (customer, order, invoice) = await IssuedAsync();
        Assert.Empty(await app.LicensesAsync(order.Id));
        using var browserAtStripe = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
        var hostedUrl = (await app.OrderAsync(order.Id)).InvoiceUrl!;

        var page = await browserAtStripe.GetStringAsync(hostedUrl);
        var paid = await browserAtStripe.PostAsync($"{hostedUrl}/pay", new FormUrlEncodedContent([]));

        Assert.Contains(invoice.Number!, page);
        Assert.Contains(InvoiceOrders.PurchaseOrder, page);
        Assert.Equal(HttpStatusCode.Redirect, paid.StatusCode);
        var delivered = Assert.Single(app.Stripe.Deliveries, d => d.Type == "invoice.paid" && d.ObjectId == invoice.Id);
        Assert.Equal(HttpStatusCode.OK, delivered.StatusCode);
        var fulfilled = await app.OrderAsync(order.Id);
        Assert.Equal(OrderStatus.Fulfilled, fulfilled.Status);
        Assert.Equal(InvoiceStatus.Paid, fulfilled.InvoiceStatus);
        Assert.Equal(app.Stripe.Invoice(invoice.Id).PaymentIntentId, fulfilled.PaymentIntentId);
        Assert.Equal(hostedUrl, fulfilled.ReceiptUrl);
        Assert.Equal([25, 10, 10], (await app.LicensesAsync(order.Id)).Select(l => l.Seats));
        Assert.Equal(45, await app.SeatsAsync(customer.OrganizationId));
        Assert.Equal((1, 1), await CountsAsync(order.Id));
        Assert.Contains("Invoice paid", await browserAtStripe.GetStringAsync(hostedUrl));
    }

    /// <summary>
    /// Stripe's invoice.paid event does not carry the invoice's payments: Portal asks for them, so that refunding the
    /// payment in Stripe finds the order and revokes its licenses (R10).
    /// </summary>
    [Fact]
    public async Task R10_refunding_a_paid_invoices_payment_revokes_the_licenses()
    {
        var (_, order, invoice) = await IssuedAsync();
        using var browserAtStripe = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
        await browserAtStripe.PostAsync($"{(await app.OrderAsync(order.Id)).InvoiceUrl}/pay", new FormUrlEncodedContent([]));
        var paymentIntentId = app.Stripe.Invoice(invoice.Id).PaymentIntentId!;
        Assert.Single(app.Stripe.RequestsTo("GET", "/v1/invoice_payments"), r => r.Query.GetValueOrDefault("invoice") == invoice.Id);

        var refunded = await app.Stripe.SendAsync(FakeStripe.EventJson("charge.refunded", new JsonObject
        {
            ["id"] = "ch_invoice_refund", ["object"] = "charge", ["amount"] = order.Total.Minor, ["amount_captured"] = order.Total.Minor,
            ["amount_refunded"] = order.Total.Minor, ["currency"] = order.Total.Currency.ToLowerInvariant(), ["paid"] = true,
            ["refunded"] = true, ["payment_intent"] = paymentIntentId, ["status"] = "succeeded", ["livemode"] = false,
        }));

        Assert.Equal(HttpStatusCode.OK, refunded);
        Assert.Equal(OrderStatus.Refunded, (await app.OrderAsync(order.Id)).Status);
        Assert.All(await app.LicensesAsync(order.Id), license => Assert.Equal(LicenseStatus.Revoked, license.Status));
    }

    [Fact]
    public async Task Fifty_concurrent_deliveries_of_invoice_paid_fulfil_the_order_once_and_are_all_answered_200()
    {
        var (customer, order, invoice) = await IssuedAsync();
        app.Stripe.MarkInvoicePaid(invoice.Id);
        var eventId = FakeStripe.NewEventId();
        var json = app.Stripe.InvoiceEvent("invoice.paid", invoice.Id, eventId);
        var logsBefore = app.Logs.Entries.Count;

        var statuses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => app.Stripe.SendAsync(json))));

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal(3, (await app.LicensesAsync(order.Id)).Count);
        Assert.Equal(45, await app.SeatsAsync(customer.OrganizationId));
        Assert.Equal((1, 1), await CountsAsync(order.Id));
        var logged = app.Logs.Entries.Skip(logsBefore).ToList();
        Assert.Equal(49, logged.Count(e => e.Message.Contains(eventId) && e.Message.Contains("(AlreadyHandled)")));
        Assert.DoesNotContain(logged, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task Invoice_paid_reported_twice_by_two_events_and_again_later_fulfils_once()
    {
        var (customer, order, invoice) = await IssuedAsync();
        var first = app.Stripe.InvoiceEvent("invoice.paid", invoice.Id);

        Assert.Equal(HttpStatusCode.OK, await app.Stripe.SendInvoiceEventAsync("invoice.paid", invoice.Id));
        Assert.Equal(HttpStatusCode.OK, await app.Stripe.SendInvoiceEventAsync("invoice.paid", invoice.Id));
        Assert.Equal(HttpStatusCode.OK, await app.Stripe.SendAsync(first));
        Assert.Equal(HttpStatusCode.OK, await app.Stripe.SendAsync(first));

        Assert.Equal(OrderStatus.Fulfilled, (await app.OrderAsync(order.Id)).Status);
        Assert.Equal(45, await app.SeatsAsync(customer.OrganizationId));
        Assert.Equal((1, 1), await CountsAsync(order.Id));
        Assert.Single(await app.HistoryAsync(customer.OrganizationId), h => h.StartsWith("order.fulfilled: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_invoice_paid_for_another_amount_puts_the_order_to_review_and_issues_nothing()
    {
        var (_, order, invoice) = await IssuedAsync();
        app.Stripe.MarkInvoicePaid(invoice.Id, amountPaid: invoice.Total - 100);

        Assert.Equal(HttpStatusCode.OK, await app.Stripe.SendAsync(app.Stripe.InvoiceEvent("invoice.paid", invoice.Id)));

        Assert.Equal(OrderStatus.NeedsReview, (await app.OrderAsync(order.Id)).Status);
        Assert.Empty(await app.LicensesAsync(order.Id));
    }

    [Fact]
    public async Task A_trusted_organization_gets_its_keys_when_the_invoice_is_issued_and_voiding_it_revokes_them()
    {
        var (customer, order, invoice) = await IssuedAsync(keysOnInvoice: true);
        var issued = await app.OrderAsync(order.Id);
        Assert.Equal(OrderStatus.Fulfilled, issued.Status);
        Assert.Equal(InvoiceStatus.Open, issued.InvoiceStatus);
        Assert.Equal(45, await app.SeatsAsync(customer.OrganizationId));
        Assert.Equal((1, 1), await CountsAsync(order.Id));

        Assert.Equal(HttpStatusCode.OK, await app.Stripe.SendInvoiceEventAsync("invoice.voided", invoice.Id));

        var voided = await app.OrderAsync(order.Id);
        Assert.Equal(OrderStatus.Cancelled, voided.Status);
        Assert.Equal(InvoiceStatus.Void, voided.InvoiceStatus);
        Assert.All(await app.LicensesAsync(order.Id), license => Assert.Equal(LicenseStatus.Revoked, license.Status));
        Assert.Equal(0, await app.SeatsAsync(customer.OrganizationId));
        Assert.Contains(await app.HistoryAsync(customer.OrganizationId), h => h.StartsWith("invoice.voided: ", StringComparison.Ordinal) && h.Contains("revoked"));
    }

    [Fact]
    public async Task A_trusted_organizations_invoice_paid_later_records_the_payment_without_issuing_again()
    {
        var (customer, order, invoice) = await IssuedAsync(keysOnInvoice: true);

        Assert.Equal(HttpStatusCode.OK, await app.Stripe.SendInvoiceEventAsync("invoice.paid", invoice.Id));

        var paid = await app.OrderAsync(order.Id);
        Assert.Equal(OrderStatus.Fulfilled, paid.Status);
        Assert.Equal(InvoiceStatus.Paid, paid.InvoiceStatus);
        Assert.Equal(45, await app.SeatsAsync(customer.OrganizationId));
        Assert.Equal((1, 1), await CountsAsync(order.Id));
        Assert.Contains(await app.HistoryAsync(customer.OrganizationId), h => h.StartsWith("invoice.paid: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_uncollectible_invoice_cancels_the_unpaid_order_and_issues_nothing()
    {
        var (customer, order, invoice) = await IssuedAsync();

        Assert.Equal(HttpStatusCode.OK, await app.Stripe.SendInvoiceEventAsync("invoice.marked_uncollectible", invoice.Id));

        var cancelled = await app.OrderAsync(order.Id);
        Assert.Equal(OrderStatus.Cancelled, cancelled.Status);
        Assert.Equal(InvoiceStatus.Uncollectible, cancelled.InvoiceStatus);
        Assert.Empty(await app.LicensesAsync(order.Id));
        Assert.Contains(await app.HistoryAsync(customer.OrganizationId), h => h.StartsWith("invoice.uncollectible: ", StringComparison.Ordinal));
        // A payment that comes after all is not turned into licenses.
        Assert.Equal(HttpStatusCode.OK, await app.Stripe.SendInvoiceEventAsync("invoice.paid", invoice.Id));
        Assert.Empty(await app.LicensesAsync(order.Id));
    }

    [Fact]
    public async Task A_failed_payment_and_an_overdue_invoice_show_on_the_order_which_stays_payable()
    {
        var (customer, order, invoice) = await IssuedAsync();

        Assert.Equal(HttpStatusCode.OK, await app.Stripe.SendInvoiceEventAsync("invoice.payment_failed", invoice.Id));
        Assert.Equal(InvoiceStatus.PaymentFailed, (await app.OrderAsync(order.Id)).InvoiceStatus);
        Assert.Equal(HttpStatusCode.OK, await app.Stripe.SendInvoiceEventAsync("invoice.overdue", invoice.Id));
        var overdue = await app.OrderAsync(order.Id);
        Assert.True(overdue.InvoiceOverdue);
        Assert.Equal(OrderStatus.Pending, overdue.Status);
        var history = await app.HistoryAsync(customer.OrganizationId);
        Assert.Contains(history, h => h.StartsWith("invoice.payment-failed: ", StringComparison.Ordinal));
        Assert.Contains(history, h => h.StartsWith("invoice.overdue: ", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.OK, await app.Stripe.SendInvoiceEventAsync("invoice.paid", invoice.Id));
        var paid = await app.OrderAsync(order.Id);
        Assert.Equal(OrderStatus.Fulfilled, paid.Status);
        Assert.False(paid.InvoiceOverdue);
    }

    [Theory]
    [InlineData("invoice.paid")]
    [InlineData("invoice.finalized")]
    [InlineData("invoice.voided")]
    public async Task An_event_of_a_checkouts_receipt_invoice_is_acknowledged_quietly_and_changes_nothing(string type)
    {
        var customer = await app.NewCustomerAsync();
        var order = await app.PlaceOrderAsync(customer, (10, 1));
        var session = await app.CheckoutSessionAsync(customer, order.Id);
        app.Stripe.MarkPaid(session.Id);
        Assert.Equal(HttpStatusCode.OK, await app.Stripe.SendAsync(app.Stripe.SessionEvent("checkout.session.completed", session.Id)));
        var receipt = app.Stripe.Invoice(app.Stripe.Session(session.Id).InvoiceId!);
        Assert.True(receipt.IsReceipt);
        var eventId = FakeStripe.NewEventId();

        var status = await app.Stripe.SendAsync(app.Stripe.InvoiceEvent(type, receipt.Id, eventId));

        Assert.Equal(HttpStatusCode.OK, status);
        var entry = Assert.Single(app.Logs.Entries, e => e.Message.Contains(eventId));
        Assert.Equal(LogLevel.Information, entry.Level);
        Assert.Contains("not one Portal issued", entry.Message);
        var unchanged = await app.OrderAsync(order.Id);
        Assert.Equal(OrderStatus.Fulfilled, unchanged.Status);
        Assert.Null(unchanged.InvoiceId);
        Assert.Single(await app.LicensesAsync(order.Id), l => l.Status != LicenseStatus.Revoked);
        Assert.True(await app.Services.GetRequiredService<PaymentEventService>().IsEventHandledAsync(eventId));
    }

    [Fact]
    public async Task An_invoice_event_for_a_card_order_is_not_applied_and_staff_are_warned()
    {
        var customer = await app.NewCustomerAsync();
        var card = await app.PlaceOrderAsync(customer, (5, 1));
        var (_, invoiced) = await InvoiceOrders.PlaceAsync(app, customer);
        await app.Services.GetRequiredService<InvoicePayments>().IssueAsync(invoiced.Id, InvoiceOrders.PrincipalOf(customer));
        var invoice = Assert.Single(app.Stripe.InvoicesForOrder(invoiced.Id));
        var json = app.Stripe.InvoiceEvent("invoice.voided", invoice.Id).Replace(invoiced.Id.ToString(), card.Id.ToString(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, await app.Stripe.SendAsync(json));

        Assert.Equal(OrderStatus.Pending, (await app.OrderAsync(card.Id)).Status);
        Assert.Equal(OrderStatus.Pending, (await app.OrderAsync(invoiced.Id)).Status);
        Assert.Contains(app.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("is not paid by that invoice"));
    }
}
