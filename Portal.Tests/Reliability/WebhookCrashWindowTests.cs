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

namespace Portal.Tests.Reliability;

/// <summary>
/// The window the crash test found: an event whose delivery dies while it is being handled (the process is killed) must
/// be handled when Stripe delivers it again, not answered "already handled".
/// </summary>
public sealed class WebhookCrashWindowTests
{
    [Fact]
    public async Task An_event_whose_delivery_died_during_handling_is_handled_when_Stripe_delivers_it_again()
    {
        var hang = new FirstOrderReadHangs();
        await using var fx = await DomainFixture.CreateAsync(services => services.AddSingleton<IInterceptor>(hang));
        var payments = fx.Get<PaymentEventService>();
        var webhook = new StripeWebhook(new StripeSettings { WebhookSecret = FakeStripe.WebhookSecret }, new StripeApi(new StripeSettings()), payments, fx.Clock,
            NullLogger<StripeWebhook>.Instance);
        var order = await fx.Order().Packs((10, 1)).PlaceAsync();
        var json = FakeStripe.EventJson("checkout.session.completed", new JsonObject
        {
            ["id"] = "cs_test_1", ["object"] = "checkout.session", ["status"] = "complete", ["payment_status"] = "paid",
            ["amount_total"] = order.Total.Minor, ["currency"] = order.Total.Currency.ToLowerInvariant(), ["payment_intent"] = "pi_test_1",
            ["metadata"] = new JsonObject { ["order_id"] = order.Id.ToString() },
        });
        var eventId = JsonNode.Parse(json)!["id"]!.GetValue<string>();
        using var dying = new CancellationTokenSource();

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
        await using var db = fx.Db();
        Assert.Equal(OrderStatus.Fulfilled, (await db.Orders.SingleAsync(o => o.Id == order.Id)).Status);
        Assert.Equal(1, await db.Licenses.CountAsync(l => l.OrderId == order.Id));
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

    /// <summary>The first read of an order hangs, as in a process about to be killed mid-handling; later ones run.</summary>
    private sealed class FirstOrderReadHangs : DbCommandInterceptor
    {
        private int _hung;

        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (command.CommandText.Contains("FROM \"Orders\"", StringComparison.Ordinal) && Interlocked.Exchange(ref _hung, 1) == 0)
            {
                Started.SetResult();
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            return result;
        }
    }
}
