using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Keys;
using Portal.Tests.Integration;

namespace Portal.Tests.Keys;

/// <summary>The real app: the JWKS endpoint, the Development key and the Production start-up rule.</summary>
public sealed class LicenseKeyHostingTests
{
    private static readonly LicenseKeyClaims Claims = new(
        Guid.CreateVersion7(), "officestatus", "OfficeStatus", "Contoso Facilities Ltd", 6, 10, LicenseKind.Perpetual,
        new DateTimeOffset(2026, 11, 29, 10, 0, 0, TimeSpan.Zero), new DateOnly(2027, 11, 29), null);

    private static async Task<string> GetJwksAsync(HttpClient client)
    {
        var response = await client.GetAsync("/.well-known/jwks.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl is { Public: true, MaxAge: { } maxAge } && maxAge <= TimeSpan.FromHours(1),
            $"the JWKS is cacheable for a short time; Cache-Control was '{response.Headers.CacheControl}'");
        return await response.Content.ReadAsStringAsync();
    }

    private static string[] KeyIds(string jwks) =>
        JsonDocument.Parse(jwks).RootElement.GetProperty("keys").EnumerateArray().Select(key => key.GetProperty("kid").GetString()!).ToArray();

    [Fact]
    public async Task The_jwks_endpoint_publishes_the_development_key_anonymously_and_it_verifies_what_the_app_signs()
    {
        await using var app = new PortalAppFactory();
        using var client = app.CreateClient();

        var jwks = await GetJwksAsync(client);

        var key = JsonDocument.Parse(jwks).RootElement.GetProperty("keys").EnumerateArray().Single();
        Assert.Equal(("EC", "P-256", "sig", "ES256"),
            (key.GetProperty("kty").GetString(), key.GetProperty("crv").GetString(), key.GetProperty("use").GetString(), key.GetProperty("alg").GetString()));
        Assert.False(key.TryGetProperty("d", out _), "the private key is never published");
        var signed = app.Services.GetRequiredService<ILicenseKeySigner>().Sign(Claims);
        var result = new LicenseKeyVerifier(jwks).Verify(signed);
        Assert.True(result.IsValid, result.Message);
        Assert.Equal(key.GetProperty("kid").GetString(), result.KeyId);
    }

    [Fact]
    public async Task A_second_development_start_on_the_same_database_keeps_the_key()
    {
        await using var first = new PortalAppFactory();
        using var firstClient = first.CreateClient();
        var firstKids = KeyIds(await GetJwksAsync(firstClient));

        await using var second = new PortalAppFactory().With("Portal:DataFolder", first.DataFolder);
        using var secondClient = second.CreateClient();
        var secondKids = KeyIds(await GetJwksAsync(secondClient));

        Assert.Single(firstKids);
        Assert.Equal(firstKids, secondKids);
    }

    [Fact]
    public async Task Outside_development_portal_refuses_to_start_without_a_signing_key()
    {
        await using var app = new PortalAppFactory("Production").With("Smtp:Host", "127.0.0.1").With("Stripe:SecretKey", "sk_test_x").With("Stripe:WebhookSecret", "whsec_x");

        var error = Assert.Throws<InvalidOperationException>(() => app.CreateClient());

        Assert.Contains("LicenseKeys:SigningKeyPemPath", error.Message);
        Assert.Contains("LicenseKeys:SigningKeyPem ", error.Message);
        Assert.Contains("LicenseKeys:KeyId", error.Message);
    }

    [Fact]
    public async Task Outside_development_the_configured_key_signs_and_is_published_with_the_retired_ones()
    {
        var retiredPem = TestSigningKeys.NewPem();
        await using var app = new PortalAppFactory("Production")
            .With("Smtp:Host", "127.0.0.1").With("Stripe:SecretKey", "sk_test_x").With("Stripe:WebhookSecret", "whsec_x")
            .With("LicenseKeys:SigningKeyPem", TestSigningKeys.Pem)
            .With("LicenseKeys:KeyId", TestSigningKeys.KeyId)
            .With("LicenseKeys:Issuer", "https://portal.test.example")
            .With("LicenseKeys:RetiredPublicKeys:0:KeyId", "retired-1")
            .With("LicenseKeys:RetiredPublicKeys:0:PublicKeyPem", TestSigningKeys.PublicPem(retiredPem));
        app.ClientOptions.BaseAddress = new Uri("https://localhost");
        using var client = app.CreateClient();

        var jwks = await GetJwksAsync(client);

        Assert.Equal([TestSigningKeys.KeyId, "retired-1"], KeyIds(jwks));
        var verifier = new LicenseKeyVerifier(jwks) { Issuer = "https://portal.test.example", ProductCode = "officestatus" };
        Assert.True(verifier.Verify(app.Services.GetRequiredService<ILicenseKeySigner>().Sign(Claims)).IsValid);
        var signedWithRetired = TestSigningKeys.Signer(TestSigningKeys.Store("retired-1", retiredPem), "https://portal.test.example").Sign(Claims);
        Assert.True(verifier.Verify(signedWithRetired).IsValid);
    }
}
