using System.Data.Common;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Portal.Domain.Ordering;
using Portal.Payments;
using Portal.Tests.Builders;
using Portal.Tests.Fakes.Stripe;
using Portal.Tests.Payments;

namespace Portal.Tests.Reliability;

/// <summary>
/// <c>invoice.paid</c> across a crash, as <see cref="WebhookCrashWindowTests"/> for checkouts: a delivery that dies after
/// its fulfilment was saved but before Stripe got the answer is not fulfilled again when Stripe delivers it again; one
/// that dies while it is being handled is handled on the next delivery.
/// </summary>
public sealed class InvoiceCrashWindowTests
{
    private const string InvoiceId = "in_test_crash_1";

    [Fact]
    public async Task An_invoice_paid_whose_delivery_died_after_its_fulfilment_was_saved_is_not_fulfilled_again()
    {
        var hang = new SaveOfEventHangsAfterCommit();
        await using var fx = await DomainFixture.CreateAsync(services => services.AddSingleton<IInterceptor>(hang));
        var (payments, webhook, order) = await IssuedInvoiceOrderAsync(fx);
        var json = InvoicePaidJson(order);
        hang.EventId = JsonNode.Parse(json)!["id"]!.GetValue<string>();
        using var dying = new CancellationTokenSource();

        var first = webhook.HandleAsync(Delivery(json, fx), dying.Token);
        await hang.Saved.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var again = await webhook.HandleAsync(Delivery(json, fx), CancellationToken.None);
        var duplicate = await webhook.HandleAsync(Delivery(json, fx), CancellationToken.None);
        await dying.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);

        Assert.Equal(StatusCodes.Status200OK, ((IStatusCodeHttpResult)again).StatusCode);
        Assert.Equal(StatusCodes.Status200OK, ((IStatusCodeHttpResult)duplicate).StatusCode);
        Assert.True(await payments.IsEventHandledAsync(hang.EventId));
        await AssertFulfilledOnceAsync(fx, order);
    }

    [Fact]
    public async Task An_invoice_paid_whose_delivery_died_during_handling_is_handled_when_Stripe_delivers_it_again()
    {
        var hang = new OrderReadHangsOnceArmed();
        await using var fx = await DomainFixture.CreateAsync(services => services.AddSingleton<IInterceptor>(hang));
        var (payments, webhook, order) = await IssuedInvoiceOrderAsync(fx);
        var json = InvoicePaidJson(order);
        var eventId = JsonNode.Parse(json)!["id"]!.GetValue<string>();
        using var dying = new CancellationTokenSource();
        hang.Armed = true;

        var first = webhook.HandleAsync(Delivery(json, fx), dying.Token);
        await hang.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var recordedWhileHandling = await payments.IsEventHandledAsync(eventId);
        var again = await webhook.HandleAsync(Delivery(json, fx), CancellationToken.None);
        var duplicate = await webhook.HandleAsync(Delivery(json, fx), CancellationToken.None);
        await dying.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);

        Assert.False(recordedWhileHandling);
        Assert.Equal(StatusCodes.Status200OK, ((IStatusCodeHttpResult)again).StatusCode);
        Assert.Equal(StatusCodes.Status200OK, ((IStatusCodeHttpResult)duplicate).StatusCode);
        Assert.True(await payments.IsEventHandledAsync(eventId));
        await AssertFulfilledOnceAsync(fx, order);
    }

    /// <summary>Contoso's invoice order (two packs), its invoice issued through the door as <see cref="InvoicePayments"/> issues it.</summary>
    private static async Task<(PaymentEventService Payments, StripeWebhook Webhook, Order Order)> IssuedInvoiceOrderAsync(DomainFixture fx)
    {
        var payments = fx.Get<PaymentEventService>();
        var webhook = new StripeWebhook(new StripeSettings { WebhookSecret = FakeStripe.WebhookSecret }, new StripeApi(new StripeSettings()), payments, fx.Clock,
            NullLogger<StripeWebhook>.Instance);
        var (_, order) = await InvoiceOrders.PlaceAsync(fx.Get<IServiceProvider>(), fx.Contoso.Id, DomainFixture.CustomerIn(fx.Contoso.Id), packs: [(10, 1), (5, 1)]);
        var issued = await payments.HandleAsync(new InvoiceIssued(order.Id,
            new IssuedInvoice(InvoiceId, "KMS-0001", fx.Clock.GetUtcNow().AddDays(30), $"https://invoice.stripe.test/{InvoiceId}", null), order.Total));
        Assert.Equal(PaymentReportOutcome.Applied, issued.Outcome);
        return (payments, webhook, order);
    }

    /// <summary>Stripe's <c>invoice.paid</c> for the order's invoice, paid in full by a payment intent.</summary>
    private static string InvoicePaidJson(Order order) => FakeStripe.EventJson("invoice.paid", new JsonObject
    {
        ["id"] = InvoiceId, ["object"] = "invoice", ["status"] = "paid", ["number"] = "KMS-0001", ["collection_method"] = "send_invoice",
        ["currency"] = order.Total.Currency.ToLowerInvariant(), ["total"] = order.Total.Minor, ["total_excluding_tax"] = order.Total.Minor,
        ["amount_due"] = order.Total.Minor, ["amount_paid"] = order.Total.Minor, ["amount_remaining"] = 0,
        ["hosted_invoice_url"] = $"https://invoice.stripe.test/{InvoiceId}",
        ["metadata"] = new JsonObject { ["order_id"] = order.Id.ToString() },
        ["payments"] = new JsonObject
        {
            ["object"] = "list",
            ["data"] = new JsonArray(new JsonObject
            {
                ["id"] = "inpay_test_1", ["object"] = "invoice_payment", ["status"] = "paid", ["amount_paid"] = order.Total.Minor,
                ["payment"] = new JsonObject { ["type"] = "payment_intent", ["payment_intent"] = "pi_test_invoice_1" },
            }),
        },
    });

    private static async Task AssertFulfilledOnceAsync(DomainFixture fx, Order order)
    {
        await using var db = fx.Db();
        var fulfilled = await db.Orders.SingleAsync(o => o.Id == order.Id);
        Assert.Equal(OrderStatus.Fulfilled, fulfilled.Status);
        Assert.Equal(InvoiceStatus.Paid, fulfilled.InvoiceStatus);
        Assert.Equal("pi_test_invoice_1", fulfilled.PaymentIntentId);
        Assert.Equal(2, await db.Licenses.CountAsync(l => l.OrderId == order.Id));
        Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.Action == "order.fulfilled" && e.EntityId == order.Id.ToString()));
        Assert.Equal(1, await db.OutboxMessages.CountAsync(m => m.DeduplicationKey == $"registration:{order.Id:N}"));
    }

    private static HttpRequest Delivery(string json, DomainFixture fx)
    {
        var body = Encoding.UTF8.GetBytes(json);
        var context = new DefaultHttpContext();
        context.Request.Method = HttpMethods.Post;
        context.Request.Body = new MemoryStream(body);
        context.Request.ContentLength = body.Length;
        context.Request.Headers["Stripe-Signature"] = FakeStripe.Sign(json, fx.Clock.GetUtcNow());
        return context.Request;
    }

    /// <summary>
    /// The save that records <see cref="EventId"/> commits, then hangs before it returns: the process dies between its
    /// fulfilment and Stripe hearing 200.
    /// </summary>
    private sealed class SaveOfEventHangsAfterCommit : SaveChangesInterceptor
    {
        private DbContext? _recording;

        public string EventId { get; set; } = "";

        public TaskCompletionSource Saved { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override ValueTask<InterceptionResult<int>> SavingChangesAsync(
            DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            if (eventData.Context!.ChangeTracker.Entries<ProcessedPaymentEvent>().Any(e => e.State == EntityState.Added && e.Entity.Id == EventId))
                Interlocked.CompareExchange(ref _recording, eventData.Context, null);
            return ValueTask.FromResult(result);
        }

        public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
        {
            if (ReferenceEquals(eventData.Context, _recording) && Saved.TrySetResult())
                await Task.Delay(Timeout.Infinite, cancellationToken);
            return result;
        }
    }

    /// <summary>Once armed, the first read of an order hangs, as in a process about to be killed mid-handling; later ones run.</summary>
    private sealed class OrderReadHangsOnceArmed : DbCommandInterceptor
    {
        private int _hung;

        public bool Armed { get; set; }

        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (Armed && command.CommandText.Contains("FROM \"Orders\"", StringComparison.Ordinal) && Interlocked.Exchange(ref _hung, 1) == 0)
            {
                Started.SetResult();
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            return result;
        }
    }
}
