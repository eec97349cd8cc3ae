using System.Security.Cryptography;
using Portal.Domain.Keys;

namespace Portal.Benchmarks;

/// <summary>
/// License signing as Production does it (a configured P-256 key, <see cref="SigningKeyStore.FromConfiguration"/>),
/// over a key generated when the benchmark starts: no private key is ever committed.
/// </summary>
public static class BenchmarkKeys
{
    public const string KeyId = "bench-key-1";

    public static string NewPem()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return key.ExportPkcs8PrivateKeyPem();
    }

    public static SigningKeyStore Store(string pem) =>
        SigningKeyStore.FromConfiguration(ConfiguredSigningKeys.Load(
            new LicenseKeyOptions { KeyId = KeyId, SigningKeyPem = pem }, AppContext.BaseDirectory));

    public static LicenseKeySigner Signer(SigningKeyStore store) => new(store, new LicenseKeyOptions());

    public static LicenseKeySigner NewSigner() => Signer(Store(NewPem()));
}
