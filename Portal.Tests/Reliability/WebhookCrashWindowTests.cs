using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Portal.Domain.Ordering;
using Portal.Payments;
using Portal.Tests.Builders;
using Portal.Tests.Fakes.Stripe;
using Stripe;

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
        await using var fx = await DomainFixture.CreateAsync();
        var payments = fx.Get<PaymentEventService>();
        var handler = new FirstDeliveryNeverFinishes();
        var webhook = new StripeWebhook(new StripeSettings { WebhookSecret = FakeStripe.WebhookSecret }, payments, handler, fx.Clock,
            NullLogger<StripeWebhook>.Instance);
        var json = FakeStripe.EventJson("checkout.session.completed", new JsonObject { ["id"] = "cs_test_1", ["object"] = "checkout.session" });
        var eventId = JsonNode.Parse(json)!["id"]!.GetValue<string>();
        using var dying = new CancellationTokenSource();

        var first = webhook.HandleAsync(Delivery(json, fx), dying.Token);
        await handler.FirstStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var recordedWhileHandling = await payments.IsEventHandledAsync(eventId);
        var again = await webhook.HandleAsync(Delivery(json, fx), CancellationToken.None);
        var duplicate = await webhook.HandleAsync(Delivery(json, fx), CancellationToken.None);
        await dying.CancelAsync();
        await first;

        Assert.False(recordedWhileHandling);
        Assert.Equal(StatusCodes.Status200OK, ((IStatusCodeHttpResult)again).StatusCode);
        Assert.Equal(StatusCodes.Status200OK, ((IStatusCodeHttpResult)duplicate).StatusCode);
        Assert.Equal(1, handler.Finished);
        Assert.True(await payments.IsEventHandledAsync(eventId));
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

    /// <summary>The first delivery's handling hangs, as in a process about to be killed; later ones finish.</summary>
    private sealed class FirstDeliveryNeverFinishes : IStripeEventHandler
    {
        private int _calls;

        public TaskCompletionSource FirstStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Finished { get; private set; }

        public async Task<bool> HandleAsync(Event stripeEvent, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _calls) == 1)
            {
                FirstStarted.SetResult();
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            Finished++;
            return false;
        }
    }
}
