using System.Net;
using System.Text;
using Portal.Payments;
using Portal.Tests.Fakes.Stripe;

namespace Portal.Tests.Reliability;

/// <summary>
/// Stripe's side of webhook delivery: every attempt is signed afresh (a new timestamp, as Stripe does) and posted to an
/// instance's <c>/stripe/webhook</c>. An event counts as delivered only when answered 2xx; anything else, including no
/// answer at all from a dead process, means Stripe sends it again later.
/// </summary>
public sealed class WebhookSender : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(30) })
    {
        Timeout = TimeSpan.FromSeconds(60),
    };

    private int _attempts;

    /// <summary>Every POST made, answered or not.</summary>
    public int Attempts => _attempts;

    /// <summary>The instance's answer, or null when the connection failed (refused, reset: the process is gone).</summary>
    public async Task<HttpStatusCode?> SendAsync(PortalProcess instance, string eventJson)
    {
        Interlocked.Increment(ref _attempts);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(instance.BaseAddress, CheckoutPaths.Webhook))
        {
            Content = new StringContent(eventJson, Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", FakeStripe.Sign(eventJson));
        try
        {
            using var response = await _http.SendAsync(request);
            return response.StatusCode;
        }
        catch (Exception noAnswer) when (noAnswer is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    public static bool IsDelivered(HttpStatusCode? answer) => answer is { } status && (int)status is >= 200 and < 300;

    public void Dispose() => _http.Dispose();
}
