using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Portal.Domain.Keys;

namespace Portal.Benchmarks;

/// <summary>
/// docs/architecture.md#quality-bars: key signing close to raw ECDSA speed. <see cref="LicenseKeySigner.Sign"/> and
/// <see cref="LicenseKeyVerifier.Verify"/> against raw <see cref="ECDsa.SignData(byte[], HashAlgorithmName)"/> and
/// <see cref="ECDsa.VerifyData(byte[], byte[], HashAlgorithmName)"/> (P-256, SHA-256) of the same JWS signing input
/// (the encoded header and payload of a real key), so the ratio is what the JWT layer adds on top of the curve arithmetic.
/// </summary>
[MemoryDiagnoser]
[MinColumn, MedianColumn]
[SimpleJob(warmupCount: 3, iterationCount: 8)]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class SigningBenchmarks
{
    private LicenseKeySigner _signer = null!;
    private LicenseKeyVerifier _verifier = null!;
    private LicenseKeyClaims _claims = null!;
    private string _key = null!;
    private ECDsa _rawPrivate = null!;
    private ECDsa _rawPublic = null!;
    private byte[] _signingInput = null!;
    private byte[] _rawSignature = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var pem = BenchmarkKeys.NewPem();
        var store = BenchmarkKeys.Store(pem);
        _signer = BenchmarkKeys.Signer(store);
        _claims = new LicenseKeyClaims(
            Guid.CreateVersion7(), "officestatus", "OfficeStatus", "Contoso Facilities Ltd", Major: 6, Seats: 25,
            LicenseKind.Perpetual, new DateTimeOffset(2026, 11, 29, 13, 57, 0, TimeSpan.Zero),
            SupportEndsOn: new DateOnly(2027, 11, 29), ExpiresAt: null);
        _key = _signer.Sign(_claims);
        _verifier = new LicenseKeyVerifier(LicenseKeyJwks.Write(await store.GetPublishedKeysAsync()))
        {
            Issuer = LicenseKeyOptions.DefaultIssuer,
            ProductCode = "officestatus",
        };
        if (!_verifier.Verify(_key).IsValid)
            throw new InvalidOperationException("The benchmark key does not verify.");

        _rawPrivate = ECDsa.Create();
        _rawPrivate.ImportFromPem(pem);
        _rawPublic = ECDsa.Create();
        _rawPublic.ImportSubjectPublicKeyInfo(_rawPrivate.ExportSubjectPublicKeyInfo(), out _);
        // The bytes ES256 signs: the encoded header and payload of a real license key (a few hundred bytes).
        _signingInput = Encoding.ASCII.GetBytes(_key[.._key.LastIndexOf('.')]);
        _rawSignature = _rawPrivate.SignData(_signingInput, HashAlgorithmName.SHA256);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _rawPrivate.Dispose();
        _rawPublic.Dispose();
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Sign")]
    public byte[] RawEcdsaSignData() => _rawPrivate.SignData(_signingInput, HashAlgorithmName.SHA256);

    [Benchmark, BenchmarkCategory("Sign")]
    public string LicenseKeySignerSign() => _signer.Sign(_claims);

    [Benchmark(Baseline = true), BenchmarkCategory("Verify")]
    public bool RawEcdsaVerifyData() => _rawPublic.VerifyData(_signingInput, _rawSignature, HashAlgorithmName.SHA256);

    [Benchmark, BenchmarkCategory("Verify")]
    public LicenseKeyVerification LicenseKeyVerifierVerify() => _verifier.Verify(_key);
}
