using Portal.Tests.Fakes.Stripe;
using System.Net;
using Portal.Endpoints;
using Portal.Payments;
using Portal.Tests.Integration;

namespace Portal.Tests.Security;

/// <summary>
/// Issue 8: sign-in, two-factor codes, registration and password reset (and, issue 20, accepting an invitation) share
/// one per-address budget of form posts, and Stripe's webhook has its own; past either the app answers 429 with
/// Retry-After (never 503), and nothing else is limited.
/// </summary>
public sealed class RateLimitTests
{
    private static readonly string[] AccountForms =
    [
        "/Account/Login", "/Account/LoginWith2fa", "/Account/Register", "/Account/ForgotPassword", "/Account/ResetPassword",
        "/Account/ResendEmailConfirmation", "/invitations/some-token",
    ];

    [Fact]
    public async Task Account_form_posts_beyond_the_limit_answer_429_on_every_account_form_and_the_webhook_keeps_its_own_budget()
    {
        await using var app = new PortalAppFactory()
            .With(RateLimits.AccountPostsSetting, "3")
            .With(RateLimits.WebhookPostsSetting, "5")
            .With("Stripe:WebhookSecret", FakeStripe.WebhookSecret);
        using var client = app.CreateClient();

        for (var attempt = 1; attempt <= 3; attempt++)
            Assert.NotEqual(HttpStatusCode.TooManyRequests, (await client.PostAsync("/Account/Login", Empty())).StatusCode);
        foreach (var path in AccountForms)
        {
            var refused = await client.PostAsync(path, Empty());
            Assert.True(refused.StatusCode == HttpStatusCode.TooManyRequests, $"{path} answered {(int)refused.StatusCode}");
            Assert.Equal("60", refused.Headers.GetValues("Retry-After").Single());
            Assert.Contains("Too many attempts", await refused.Content.ReadAsStringAsync());
        }

        // Reading the pages and other posts are not limited, and the webhook's budget is untouched.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Account/Login")).StatusCode);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, (await client.PostAsync("/Account/Logout", Empty())).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostWebhookAsync(client)).StatusCode);
    }

    [Fact]
    public async Task Webhook_deliveries_beyond_their_own_limit_answer_429_not_503()
    {
        await using var app = new PortalAppFactory()
            .With(RateLimits.AccountPostsSetting, "3")
            .With(RateLimits.WebhookPostsSetting, "5")
            .With("Stripe:WebhookSecret", FakeStripe.WebhookSecret);
        using var client = app.CreateClient();

        for (var delivery = 1; delivery <= 5; delivery++)
            Assert.Equal(HttpStatusCode.BadRequest, (await PostWebhookAsync(client)).StatusCode); // unsigned: refused, but not limited
        var refused = await PostWebhookAsync(client);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("60", refused.Headers.GetValues("Retry-After").Single());
        Assert.Contains("Too many webhook deliveries", await refused.Content.ReadAsStringAsync());
        // The account forms keep their own budget.
        Assert.NotEqual(HttpStatusCode.TooManyRequests, (await client.PostAsync("/Account/Login", Empty())).StatusCode);
    }

    [Theory]
    [InlineData(RateLimits.AccountPostsSetting)]
    [InlineData(RateLimits.WebhookPostsSetting)]
    public async Task A_limit_below_one_stops_the_app_with_a_clear_message(string setting)
    {
        await using var app = new PortalAppFactory().With(setting, "0");

        var refused = Assert.Throws<InvalidOperationException>(() => app.Services);

        Assert.Contains($"{setting} must be at least 1", refused.Message);
    }

    private static FormUrlEncodedContent Empty() => new([]);

    private static Task<HttpResponseMessage> PostWebhookAsync(HttpClient client) =>
        client.PostAsync(CheckoutPaths.Webhook, new StringContent("""{"id":"evt_rate","object":"event"}""", System.Text.Encoding.UTF8, "application/json"));
}
