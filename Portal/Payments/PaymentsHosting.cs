namespace Portal.Payments;

public static class PaymentsHosting
{
    /// <summary>
    /// Stripe (docs/architecture.md): checkout, the webhook and the return page's model; orders, fulfilment and payment
    /// events are the domain's (AddPortalDomain).
    /// Outside Development Portal refuses to start without <c>Stripe:SecretKey</c> and <c>Stripe:WebhookSecret</c>;
    /// Development without a secret key uses the built-in test checkout.
    /// </summary>
    public static WebApplicationBuilder AddPortalPayments(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(StripeSettings.SectionName);
        var environment = builder.Environment;
        builder.Services.AddSingleton(_ => Checked(section.Get<StripeSettings>() ?? new StripeSettings(), environment));
        builder.Services.AddSingleton<StripeApi>();
        builder.Services.AddSingleton<StripeCheckout>();
        builder.Services.AddSingleton<StripeWebhook>();
        builder.Services.AddSingleton<CheckoutStatus>();
        builder.Services.AddSingleton<TestCheckout>();
        builder.Services.AddSingleton<InvoicePayments>();
        // Resolving the settings at start refuses to start outside Development without the Stripe keys.
        builder.Services.AddHostedService<StripeStartupCheck>();
        return builder;
    }

    private static StripeSettings Checked(StripeSettings settings, IHostEnvironment environment)
    {
        if (environment.IsDevelopment() || (settings.HasSecretKey() && settings.HasWebhookSecret()))
            return settings;
        var missing = new[] { settings.HasSecretKey() ? null : "Stripe:SecretKey", settings.HasWebhookSecret() ? null : "Stripe:WebhookSecret" }
            .OfType<string>().ToList();
        throw new InvalidOperationException($"{string.Join(" and ", missing)} {(missing.Count == 1 ? "is" : "are")} not set. {StripeSettings.MissingKeysMessage}");
    }

    private sealed class StripeStartupCheck(StripeSettings settings, StripeApi stripe, ILogger<StripeStartupCheck> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (stripe.IsTestMode)
            {
                logger.LogWarning("No Stripe:SecretKey is set: checkout uses the built-in TEST checkout (/checkout/test/{{order}}) and invoices are " +
                    "TEST invoices (/checkout/test-invoice/{{order}}), which take no money");
                return Task.CompletedTask;
            }
            logger.LogInformation("Stripe checkout is on (API version {ApiVersion}, automatic tax {AutomaticTax}); the webhook endpoint {WebhookPath} must use that API version",
                StripeApi.ApiVersion, settings.AutomaticTax, CheckoutPaths.Webhook);
            if (!settings.HasWebhookSecret())
                logger.LogWarning("No Stripe:WebhookSecret is set: {WebhookPath} refuses every event, so orders are fulfilled only from the checkout return page", CheckoutPaths.Webhook);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
