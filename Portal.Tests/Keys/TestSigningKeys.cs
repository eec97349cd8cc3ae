using System.Security.Cryptography;
using Portal.Domain.Keys;

namespace Portal.Tests.Keys;

/// <summary>
/// Signing keys for tests, generated when the test run starts: no private key is ever committed. <see cref="Pem"/> and
/// <see cref="KeyId"/> are what a test gives <c>LicenseKeys:SigningKeyPem</c> and <c>LicenseKeys:KeyId</c>.
/// </summary>
public static class TestSigningKeys
{
    public const string KeyId = "test-key-1";

    private static readonly Lazy<string> SharedPem = new(() => NewPem());

    /// <summary>A P-256 private key (PKCS#8 PEM), the same for the whole test run.</summary>
    public static string Pem => SharedPem.Value;

    public static string NewPem()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return key.ExportPkcs8PrivateKeyPem();
    }

    public static string PublicPem(string privatePem)
    {
        using var key = ECDsa.Create();
        key.ImportFromPem(privatePem);
        return key.ExportSubjectPublicKeyInfoPem();
    }

    /// <summary>A configuration-mode store (the Production path) over a given or fresh key.</summary>
    public static SigningKeyStore Store(string keyId = KeyId, string? pem = null, params RetiredPublicKeyOptions[] retired) =>
        SigningKeyStore.FromConfiguration(ConfiguredSigningKeys.Load(
            new LicenseKeyOptions { KeyId = keyId, SigningKeyPem = pem ?? NewPem(), RetiredPublicKeys = [.. retired] },
            AppContext.BaseDirectory));

    public static LicenseKeySigner Signer(SigningKeyStore store, string issuer = LicenseKeyOptions.DefaultIssuer) =>
        new(store, new LicenseKeyOptions { Issuer = issuer });

    public static async Task<string> JwksAsync(SigningKeyStore store) =>
        LicenseKeyJwks.Write(await store.GetPublishedKeysAsync());
}
