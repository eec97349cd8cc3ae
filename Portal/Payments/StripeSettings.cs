namespace Portal.Payments;

/// <summary>
/// The <c>Stripe</c> section. Outside Development <see cref="SecretKey"/> and <see cref="WebhookSecret"/> are required;
/// in Development, without a secret key, checkout goes to the built-in test checkout that takes no money.
/// </summary>
public sealed class StripeSettings
{
    public const string SectionName = "Stripe";

    /// <summary>The portal's public address, used for Stripe's success and cancel URLs; else the request's.</summary>
    public const string PublicBaseUrlKey = "Portal:PublicBaseUrl";

    public const string MissingKeysMessage =
        "Stripe is not configured: set Stripe:SecretKey (the secret API key, sk_live_... or sk_test_...) and Stripe:WebhookSecret " +
        "(the signing secret whsec_... of the webhook endpoint /stripe/webhook). Outside Development Portal does not start without them.";

    /// <summary>Secret API key (sk_live_… or sk_test_…).</summary>
    public string? SecretKey { get; set; }

    /// <summary>Signing secret (whsec_…) of the webhook endpoint that posts to <c>/stripe/webhook</c>.</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>Another address for the Stripe API; only tests set it (a loopback fake).</summary>
    public string? ApiBase { get; set; }

    /// <summary>Let Stripe Tax add tax on top of the order total (needs Stripe Tax set up in the Stripe account).</summary>
    public bool AutomaticTax { get; set; }

    public bool HasSecretKey() => !string.IsNullOrWhiteSpace(SecretKey);

    /// <summary>Where Stripe's hosted checkout pages are served from.</summary>
    public const string HostedCheckoutOrigin = "https://checkout.stripe.com";

    /// <summary>
    /// The origin that starting a checkout redirects the browser to (the Content-Security-Policy's form-action allows it):
    /// Stripe's hosted checkout, or the origin of <see cref="ApiBase"/>, where the tests' fake Stripe serves its hosted page.
    /// </summary>
    public string CheckoutOrigin() =>
        string.IsNullOrWhiteSpace(ApiBase) ? HostedCheckoutOrigin : new Uri(ApiBase).GetLeftPart(UriPartial.Authority);

    public bool HasWebhookSecret() => !string.IsNullOrWhiteSpace(WebhookSecret);
}
