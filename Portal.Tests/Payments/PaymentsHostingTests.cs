using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Portal.Payments;
using Portal.Tests.Integration;
using Portal.Tests.Keys;
using StripeConfiguration = Stripe.StripeConfiguration;

namespace Portal.Tests.Payments;

/// <summary>How Portal starts with Stripe, and that the README and sample settings say what the code does.</summary>
public sealed class PaymentsHostingTests
{
    private static PortalAppFactory Production() =>
        new PortalAppFactory("Production")
            .With("Smtp:Host", "127.0.0.1")
            .With("LicenseKeys:SigningKeyPem", TestSigningKeys.Pem)
            .With("LicenseKeys:KeyId", TestSigningKeys.KeyId);

    [Theory]
    [InlineData(null, null, "Stripe:SecretKey and Stripe:WebhookSecret are not set.")]
    [InlineData("sk_test_x", null, "Stripe:WebhookSecret is not set.")]
    [InlineData(null, "whsec_x", "Stripe:SecretKey is not set.")]
    public async Task Outside_development_portal_refuses_to_start_without_the_Stripe_keys_and_names_them(string? secretKey, string? webhookSecret, string missing)
    {
        await using var app = Production().With("Stripe:SecretKey", secretKey).With("Stripe:WebhookSecret", webhookSecret);

        var error = Assert.Throws<InvalidOperationException>(() => app.CreateClient());

        Assert.StartsWith(missing, error.Message);
        Assert.Contains("Stripe:SecretKey (", error.Message);
        Assert.Contains("Stripe:WebhookSecret (", error.Message);
    }

    [Fact]
    public async Task Outside_development_with_the_Stripe_keys_portal_starts_and_has_no_test_checkout()
    {
        await using var app = Production().With("Stripe:SecretKey", "sk_test_x").With("Stripe:WebhookSecret", "whsec_x");
        app.CreateClient().Dispose();

        Assert.False(app.Services.GetRequiredService<Portal.Payments.TestCheckout>().IsAvailable);
        Assert.False(app.Services.GetRequiredService<StripeApi>().IsTestMode);
    }

    [Fact]
    public void Stripe_net_pins_the_API_version_that_the_README_tells_the_webhook_endpoint_to_use_with_the_events_to_enable()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));

        Assert.Equal("2026-10-28.endive", StripeConfiguration.ApiVersion);
        Assert.Equal(StripeConfiguration.ApiVersion, StripeApi.ApiVersion);
        Assert.Contains($"`{StripeConfiguration.ApiVersion}`", readme);
        Assert.All(StripeEventReports.HandledTypes, type => Assert.Contains($"`{type}`", readme));
        Assert.Contains("/stripe/webhook`", readme);
    }

    [Fact]
    public void The_sample_settings_document_every_Stripe_setting_with_a_comment_line()
    {
        var path = Path.Combine(RepositoryRoot(), "appsettings.sample.json");
        var sample = new ConfigurationBuilder().AddJsonFile(path, optional: false).Build();
        var lines = File.ReadAllLines(path);

        var keys = typeof(StripeSettings).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(property => $"{StripeSettings.SectionName}:{property.Name}")
            .Append(StripeSettings.PublicBaseUrlKey);
        foreach (var key in keys)
        {
            Assert.True(sample.GetSection(key).Exists(), $"appsettings.sample.json lacks {key}");
            var name = key.Split(':')[1];
            var line = Array.FindIndex(lines, l => l.TrimStart().StartsWith($"\"{name}\":", StringComparison.Ordinal));
            Assert.True(line > 0 && lines[line - 1].TrimStart().StartsWith("//", StringComparison.Ordinal), $"{key} has no comment line above it");
        }
    }

    private static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Portal.sln")))
            folder = folder.Parent;
        return folder?.FullName ?? throw new InvalidOperationException("Portal.sln not found above the test folder.");
    }
}
