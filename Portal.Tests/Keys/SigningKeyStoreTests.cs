using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Portal.Domain;
using Portal.Domain.Keys;
using Portal.Tests.Builders;

namespace Portal.Tests.Keys;

/// <summary>Where signing keys come from: the database in Development, configuration in Production; and rotation.</summary>
public sealed class SigningKeyStoreTests
{
    private static readonly LicenseKeyClaims Claims = new(
        Guid.CreateVersion7(), "officestatus", "OfficeStatus", "Contoso Facilities Ltd", 6, 10, LicenseKind.Perpetual,
        new DateTimeOffset(2026, 11, 29, 10, 0, 0, TimeSpan.Zero), new DateOnly(2027, 11, 29), null);

    [Fact]
    public async Task Development_creates_a_key_on_first_use_and_stores_its_private_key_protected()
    {
        await using var database = await KeysDatabase.CreateAsync();
        var start = database.StartApp();

        var signing = start.Store.Current;

        await using var db = database.CreateContext();
        var row = await db.SigningKeys.SingleAsync();
        Assert.Equal((signing.KeyId, SigningKeyStatus.Active), (row.Id, row.Status));
        using var loaded = ECDsa.Create();
        loaded.ImportSubjectPublicKeyInfo(row.PublicKey, out _);
        Assert.Equal(signing.SecurityKey.ECDsa.ExportSubjectPublicKeyInfo(), row.PublicKey);

        // Not the raw key: not PKCS#8, and the private scalar appears nowhere in it.
        var privateScalar = signing.SecurityKey.ECDsa.ExportParameters(includePrivateParameters: true).D!;
        Assert.NotNull(row.ProtectedPrivateKey);
        Assert.NotEqual(signing.SecurityKey.ECDsa.ExportPkcs8PrivateKey(), row.ProtectedPrivateKey);
        Assert.Equal(-1, row.ProtectedPrivateKey.AsSpan().IndexOf(privateScalar));
        Assert.ThrowsAny<CryptographicException>(() => ECDsa.Create().ImportPkcs8PrivateKey(row.ProtectedPrivateKey, out _));

        // ...but Data Protection with the store's purpose gives the key back.
        var pkcs8 = start.Services.GetRequiredService<IDataProtectionProvider>()
            .CreateProtector(SigningKeyStore.ProtectionPurpose).Unprotect(row.ProtectedPrivateKey);
        using var unprotected = ECDsa.Create();
        unprotected.ImportPkcs8PrivateKey(pkcs8, out _);
        Assert.Equal(privateScalar, unprotected.ExportParameters(includePrivateParameters: true).D);
    }

    [Fact]
    public async Task A_second_start_reuses_the_stored_key()
    {
        await using var database = await KeysDatabase.CreateAsync();
        var first = database.StartApp().Store;
        var key = TestSigningKeys.Signer(first).Sign(Claims);

        var second = database.StartApp().Store;

        Assert.Equal(first.Current.KeyId, second.Current.KeyId);
        // The second start really has the private key: what it signs verifies with the first start's JWKS.
        var verifier = new LicenseKeyVerifier(await TestSigningKeys.JwksAsync(first));
        Assert.True(verifier.Verify(TestSigningKeys.Signer(second).Sign(Claims)).IsValid);
        Assert.True(verifier.Verify(key).IsValid);
        await using var db = database.CreateContext();
        Assert.Equal(1, await db.SigningKeys.CountAsync());
    }

    [Fact]
    public async Task Rotation_publishes_then_activates_a_new_key_and_keys_signed_before_it_still_verify()
    {
        await using var database = await KeysDatabase.CreateAsync();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 10, 0, 0, TimeSpan.Zero));
        var store = database.StartApp(clock).Store;
        var signer = TestSigningKeys.Signer(store);
        var oldKid = store.Current.KeyId;
        var signedBefore = signer.Sign(Claims);

        clock.Advance(TimeSpan.FromDays(400));
        var newKid = await store.PublishNewKeyAsync(DomainFixture.Admin);
        await store.ActivateAsync(newKid, oldKid, DomainFixture.Admin);
        var signedAfter = signer.Sign(Claims);

        Assert.NotEqual(oldKid, newKid);
        Assert.Equal(newKid, store.Current.KeyId);
        Assert.Equal(newKid, Jwt.Header(signedAfter)["kid"]!.GetValue<string>());
        var published = await store.GetPublishedKeysAsync();
        Assert.Equal([(newKid, SigningKeyStatus.Active), (oldKid, SigningKeyStatus.Retired)], published.Select(k => (k.KeyId, k.Status)));

        var verifier = new LicenseKeyVerifier(LicenseKeyJwks.Write(published));
        Assert.True(verifier.Verify(signedBefore).IsValid);
        Assert.True(verifier.Verify(signedAfter).IsValid);

        // A later start signs with the new key and still publishes the old one.
        var restarted = database.StartApp(clock).Store;
        Assert.Equal(newKid, restarted.Current.KeyId);
        Assert.True(new LicenseKeyVerifier(await TestSigningKeys.JwksAsync(restarted)).Verify(signedBefore).IsValid);
        await using var db = database.CreateContext();
        var old = await db.SigningKeys.SingleAsync(k => k.Id == oldKid);
        Assert.Equal((SigningKeyStatus.Retired, clock.GetUtcNow()), (old.Status, old.RetiredAt));
        Assert.Equal(
            [$"License signing key {oldKid} created on first use.", $"License signing key {newKid} published; it signs nothing until an admin makes it active."],
            await db.AuditEvents.Where(e => e.Action == "signing-key.created").OrderBy(e => e.Id).Select(e => e.Summary).ToListAsync());
    }

    [Fact]
    public async Task Configured_key_signs_and_configured_retired_keys_stay_published()
    {
        var oldPem = TestSigningKeys.NewPem();
        var oldSigner = TestSigningKeys.Signer(TestSigningKeys.Store("key-2025", oldPem));
        var signedWithOld = oldSigner.Sign(Claims);

        var store = TestSigningKeys.Store("key-2026", retired: new RetiredPublicKeyOptions { KeyId = "key-2025", PublicKeyPem = TestSigningKeys.PublicPem(oldPem) });
        var published = await store.GetPublishedKeysAsync();

        Assert.Equal("key-2026", store.Current.KeyId);
        Assert.Equal([("key-2026", SigningKeyStatus.Active), ("key-2025", SigningKeyStatus.Retired)], published.Select(k => (k.KeyId, k.Status)));
        var verifier = new LicenseKeyVerifier(LicenseKeyJwks.Write(published));
        Assert.True(verifier.Verify(signedWithOld).IsValid);
        Assert.True(verifier.Verify(TestSigningKeys.Signer(store).Sign(Claims)).IsValid);
        var refused = await Assert.ThrowsAsync<DomainException>(() => store.PublishNewKeyAsync(DomainFixture.Admin));
        Assert.Contains("LicenseKeys:RetiredPublicKeys", refused.Message);
    }

    [Fact]
    public void A_configured_pem_file_path_is_read_relative_to_the_content_root()
    {
        var folder = Directory.CreateTempSubdirectory("portal-keys-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "signing.pem"), TestSigningKeys.Pem);

            var configured = ConfiguredSigningKeys.Load(new LicenseKeyOptions { SigningKeyPemPath = "signing.pem", KeyId = "file-key" }, folder);

            Assert.Equal("file-key", configured.Active!.KeyId);
            Assert.Equal(
                TestSigningKeys.PublicPem(TestSigningKeys.Pem),
                configured.Active.SecurityKey.ECDsa.ExportSubjectPublicKeyInfoPem());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Deliberately fake: a PEM "PRIVATE KEY" block whose content is the text "not a key", so it must be refused.</summary>
    private static readonly string FakePrivateKeyPem = new(PemEncoding.Write("PRIVATE KEY", "not a key"u8));

    public static TheoryData<string, LicenseKeyOptions> BadSettings()
    {
        using var rsa = RSA.Create(2048);
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        return new()
        {
            { "LicenseKeys:KeyId", new LicenseKeyOptions { SigningKeyPem = TestSigningKeys.Pem } },
            { "LicenseKeys:KeyId", new LicenseKeyOptions { SigningKeyPem = TestSigningKeys.Pem, KeyId = "has spaces" } },
            { "LicenseKeys:SigningKeyPem", new LicenseKeyOptions { SigningKeyPem = FakePrivateKeyPem, KeyId = "k" } },
            { "LicenseKeys:SigningKeyPem", new LicenseKeyOptions { SigningKeyPem = rsa.ExportPkcs8PrivateKeyPem(), KeyId = "k" } },
            { "LicenseKeys:SigningKeyPem", new LicenseKeyOptions { SigningKeyPem = p384.ExportPkcs8PrivateKeyPem(), KeyId = "k" } },
            { "LicenseKeys:SigningKeyPem", new LicenseKeyOptions { SigningKeyPem = TestSigningKeys.PublicPem(TestSigningKeys.Pem), KeyId = "k" } },
            { "LicenseKeys:SigningKeyPemPath", new LicenseKeyOptions { SigningKeyPemPath = "/nonexistent/signing.pem", KeyId = "k" } },
            { "LicenseKeys:SigningKeyPemPath", new LicenseKeyOptions { SigningKeyPemPath = "a.pem", SigningKeyPem = TestSigningKeys.Pem, KeyId = "k" } },
            { "LicenseKeys:SigningKeyPem", new LicenseKeyOptions { KeyId = "k" } },
            {
                "LicenseKeys:RetiredPublicKeys:0:PublicKeyPem",
                new LicenseKeyOptions { RetiredPublicKeys = [new RetiredPublicKeyOptions { KeyId = "old", PublicKeyPem = TestSigningKeys.Pem }] }
            },
            {
                "LicenseKeys:KeyId",
                new LicenseKeyOptions
                {
                    SigningKeyPem = TestSigningKeys.Pem, KeyId = "same",
                    RetiredPublicKeys = [new RetiredPublicKeyOptions { KeyId = "same", PublicKeyPem = TestSigningKeys.PublicPem(TestSigningKeys.NewPem()) }],
                }
            },
        };
    }

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void Bad_key_settings_are_refused_with_a_message_naming_the_setting(string setting, LicenseKeyOptions options)
    {
        var error = Assert.Throws<InvalidOperationException>(() => ConfiguredSigningKeys.Load(options, AppContext.BaseDirectory));

        Assert.Contains(setting, error.Message);
    }

    [Fact]
    public void No_configured_key_is_not_an_error_for_the_loader_but_the_configuration_store_refuses_it()
    {
        var configured = ConfiguredSigningKeys.Load(new LicenseKeyOptions(), AppContext.BaseDirectory);

        Assert.Null(configured.Active);
        var error = Assert.Throws<InvalidOperationException>(() => SigningKeyStore.FromConfiguration(configured));
        Assert.Contains("LicenseKeys:SigningKeyPem", error.Message);
    }
}
