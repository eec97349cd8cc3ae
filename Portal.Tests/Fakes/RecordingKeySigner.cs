using System.Collections.Concurrent;
using Portal.Domain.Keys;

namespace Portal.Tests.Fakes;

/// <summary>
/// Stands in for the ES256 signer in domain-rule tests, which care about what a key states, not the cryptography
/// (that is proven in Portal.Tests/Keys). Keeps every claim set it was asked to sign.
/// </summary>
public sealed class RecordingKeySigner : ILicenseKeySigner
{
    private readonly ConcurrentQueue<LicenseKeyClaims> _signed = new();

    public IReadOnlyList<LicenseKeyClaims> Signed => _signed.ToArray();

    public LicenseKeyClaims LastFor(Guid licenseId) => Signed.Last(c => c.LicenseId == licenseId);

    public string Sign(LicenseKeyClaims claims)
    {
        _signed.Enqueue(claims);
        return $"test-key.{claims.LicenseId:N}.{_signed.Count}";
    }
}
