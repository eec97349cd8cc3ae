using Microsoft.Extensions.Time.Testing;
using Portal.Domain.Keys;

namespace Portal.Tests.Keys;

/// <summary>Signing (Portal) against verifying with only the JWKS (what the product embeds): docs/rules.md#license-keys.</summary>
public sealed class LicenseKeyTests
{
    private static readonly DateTimeOffset Issued = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

    private static LicenseKeyClaims Perpetual(int seats = 25) => new(
        Guid.Parse("0193a1b2-7c4d-7e8f-9a0b-1c2d3e4f5a6b"), "officestatus", "OfficeStatus", "Contoso Facilities Ltd",
        Major: 6, Seats: seats, LicenseKind.Perpetual, Issued, SupportEndsOn: new DateOnly(2027, 11, 29), ExpiresAt: null);

    private static LicenseKeyClaims Evaluation() => new(
        Guid.Parse("0193a1b2-7c4d-7e8f-9a0b-aaaaaaaaaaaa"), "officestatus", "OfficeStatus", "Fabrikam, Inc.",
        Major: 6, Seats: 5, LicenseKind.Evaluation, Issued, SupportEndsOn: null, ExpiresAt: Issued.AddDays(30));

    private static async Task<(LicenseKeySigner Signer, LicenseKeyVerifier Verifier)> SetUp(FakeTimeProvider? clock = null)
    {
        var store = TestSigningKeys.Store();
        return (TestSigningKeys.Signer(store), new LicenseKeyVerifier(await TestSigningKeys.JwksAsync(store), clock));
    }

    [Fact]
    public async Task A_perpetual_key_verifies_with_only_the_jwks_and_states_every_claim_and_no_expiry()
    {
        var (signer, verifier) = await SetUp(new FakeTimeProvider(new DateTimeOffset(2099, 1, 1, 0, 0, 0, TimeSpan.Zero)));

        var key = signer.Sign(Perpetual());
        var result = verifier.Verify(key);

        Assert.True(result.IsValid, result.Message);
        Assert.Equal(Perpetual(), result.Claims);
        Assert.Equal((TestSigningKeys.KeyId, LicenseKeyOptions.DefaultIssuer), (result.KeyId, result.Issuer));
        var header = Jwt.Header(key);
        Assert.Equal(("ES256", "license+jwt", TestSigningKeys.KeyId),
            (header["alg"]!.GetValue<string>(), header["typ"]!.GetValue<string>(), header["kid"]!.GetValue<string>()));
        var payload = Jwt.Payload(key);
        // Exactly these claims: no exp and no nbf, a perpetual key never expires (R4).
        Assert.Equal(["aud", "iat", "iss", "lic", "maj", "org", "prd", "seats", "sub", "sup"], payload.Select(claim => claim.Key).Order(StringComparer.Ordinal));
        Assert.Equal(("perpetual", 6, 25, "2027-11-29", Issued.ToUnixTimeSeconds()),
            (payload["lic"]!.GetValue<string>(), payload["maj"]!.GetValue<int>(), payload["seats"]!.GetValue<int>(),
                payload["sup"]!.GetValue<string>(), payload["iat"]!.GetValue<long>()));
    }

    [Fact]
    public async Task An_evaluation_key_verifies_and_carries_its_expiry()
    {
        var (signer, verifier) = await SetUp(new FakeTimeProvider(Issued.AddDays(29)));

        var key = signer.Sign(Evaluation());
        var result = verifier.Verify(key);

        Assert.True(result.IsValid, result.Message);
        Assert.Equal(Evaluation(), result.Claims);
        var payload = Jwt.Payload(key);
        Assert.Equal(Issued.AddDays(30).ToUnixTimeSeconds(), payload["exp"]!.GetValue<long>());
        Assert.Equal("evaluation", payload["lic"]!.GetValue<string>());
        Assert.False(payload.ContainsKey("sup"), "no support end was given");
        Assert.False(payload.ContainsKey("nbf"));
    }

    [Fact]
    public async Task An_evaluation_key_is_refused_from_its_expiry_on_but_still_says_what_it_was()
    {
        var clock = new FakeTimeProvider(Issued.AddDays(30).AddSeconds(-1));
        var (signer, verifier) = await SetUp(clock);
        var key = signer.Sign(Evaluation());
        Assert.True(verifier.Verify(key).IsValid);

        clock.Advance(TimeSpan.FromSeconds(1));
        var result = verifier.Verify(key);

        Assert.False(result.IsValid);
        Assert.Equal(LicenseKeyFailure.Expired, result.Failure);
        Assert.Equal(Evaluation(), result.Claims);
    }

    [Fact]
    public async Task Changing_the_seats_in_the_payload_breaks_the_signature()
    {
        var (signer, verifier) = await SetUp();
        var key = signer.Sign(Perpetual(seats: 25));
        var payload = Jwt.Payload(key);
        payload["seats"] = 2500;

        var result = verifier.Verify(Jwt.WithPayload(key, payload));

        Assert.Equal(LicenseKeyFailure.BadSignature, result.Failure);
        Assert.Null(result.Claims);
    }

    [Fact]
    public async Task A_key_signed_by_another_p256_key_under_the_same_kid_is_refused()
    {
        var (_, verifier) = await SetUp();
        var impostor = TestSigningKeys.Signer(TestSigningKeys.Store(TestSigningKeys.KeyId));

        var result = verifier.Verify(impostor.Sign(Perpetual()));

        Assert.Equal(LicenseKeyFailure.BadSignature, result.Failure);
    }

    [Fact]
    public async Task A_key_signed_by_a_key_the_jwks_does_not_have_is_refused()
    {
        var (_, verifier) = await SetUp();
        var stranger = TestSigningKeys.Signer(TestSigningKeys.Store("someone-elses-key"));

        var result = verifier.Verify(stranger.Sign(Perpetual()));

        Assert.Equal(LicenseKeyFailure.UnknownKey, result.Failure);
        Assert.Contains("someone-elses-key", result.Message);
    }

    [Fact]
    public async Task An_unsigned_alg_none_key_is_refused()
    {
        var (signer, verifier) = await SetUp();
        var genuine = signer.Sign(Perpetual());

        var result = verifier.Verify(Jwt.Unsigned(TestSigningKeys.KeyId, Jwt.Payload(genuine)));

        Assert.Equal(LicenseKeyFailure.UnsupportedAlgorithm, result.Failure);
        Assert.Null(result.Claims);
    }

    [Fact]
    public async Task An_hs256_key_keyed_with_the_public_jwks_is_refused()
    {
        var store = TestSigningKeys.Store();
        var jwks = await TestSigningKeys.JwksAsync(store);
        var verifier = new LicenseKeyVerifier(jwks);
        var genuine = TestSigningKeys.Signer(store).Sign(Perpetual());

        var result = verifier.Verify(Jwt.Hs256(TestSigningKeys.KeyId, Jwt.Payload(genuine), System.Text.Encoding.UTF8.GetBytes(jwks)));

        Assert.Equal(LicenseKeyFailure.UnsupportedAlgorithm, result.Failure);
    }

    [Fact]
    public async Task The_issuer_and_the_product_are_checked_when_the_verifier_is_given_them()
    {
        var store = TestSigningKeys.Store();
        var jwks = await TestSigningKeys.JwksAsync(store);
        var key = TestSigningKeys.Signer(store, issuer: "https://portal.keymetric.example").Sign(Perpetual());

        Assert.True(new LicenseKeyVerifier(jwks) { Issuer = "https://portal.keymetric.example", ProductCode = "officestatus" }.Verify(key).IsValid);
        Assert.Equal(LicenseKeyFailure.WrongIssuer, new LicenseKeyVerifier(jwks) { Issuer = "https://evil.example" }.Verify(key).Failure);
        Assert.Equal(LicenseKeyFailure.WrongProduct, new LicenseKeyVerifier(jwks) { ProductCode = "otherproduct" }.Verify(key).Failure);
    }

    [Fact]
    public async Task A_license_file_verifies_from_its_key_and_its_readable_header_is_not_trusted()
    {
        var (signer, verifier) = await SetUp();
        var file = LicenseFile.Format(Perpetual(seats: 25), signer.Sign(Perpetual(seats: 25)));
        Assert.Contains("Seats: 25\n", file);

        var edited = verifier.Verify(file.Replace("Seats: 25", "Seats: 2500"));

        Assert.True(edited.IsValid, edited.Message);
        Assert.Equal(25, edited.Claims.Seats);
    }

    [Fact]
    public async Task Garbage_is_malformed_not_an_exception()
    {
        var (_, verifier) = await SetUp();

        Assert.Equal(LicenseKeyFailure.Malformed, verifier.Verify("").Failure);
        Assert.Equal(LicenseKeyFailure.Malformed, verifier.Verify("not a key").Failure);
        Assert.Equal(LicenseKeyFailure.Malformed, verifier.Verify("a.b.c").Failure);
        Assert.Equal(LicenseKeyFailure.Malformed, verifier.Verify($"{LicenseFile.BeginMarker}\nabc\n").Failure);
    }

    [Fact]
    public void The_signer_refuses_a_perpetual_key_with_an_expiry_and_an_evaluation_without_one()
    {
        var signer = TestSigningKeys.Signer(TestSigningKeys.Store());

        Assert.Throws<ArgumentException>(() => signer.Sign(Perpetual() with { ExpiresAt = Issued.AddDays(1) }));
        Assert.Throws<ArgumentException>(() => signer.Sign(Evaluation() with { ExpiresAt = null }));
        Assert.Throws<ArgumentException>(() => signer.Sign(Perpetual(seats: 0)));
    }

    [Fact]
    public void A_verifier_needs_a_jwks_with_a_p256_key()
    {
        Assert.Throws<ArgumentException>(() => new LicenseKeyVerifier("not json"));
        Assert.Throws<ArgumentException>(() => new LicenseKeyVerifier("""{"keys":[]}"""));
        Assert.Throws<ArgumentException>(() => new LicenseKeyVerifier("""{"keys":[{"kty":"EC","crv":"P-256","kid":"k","x":"AAAA","y":"AAAA"}]}"""));
    }
}
