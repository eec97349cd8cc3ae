namespace Portal.Domain.Keys;

public enum LicenseKind
{
    Perpetual,
    Evaluation,
}

/// <summary>What a license key states (docs/rules.md#license-keys). Evaluations carry an expiry; perpetual licenses never do (R4).</summary>
public sealed record LicenseKeyClaims(
    Guid LicenseId,
    string ProductCode,
    string ProductName,
    string Licensee,
    int Major,
    int Seats,
    LicenseKind Kind,
    DateTimeOffset IssuedAt,
    DateOnly? SupportEndsOn,
    DateTimeOffset? ExpiresAt);

/// <summary>Signs license keys with the current signing key.</summary>
public interface ILicenseKeySigner
{
    /// <summary>A compact ES256 JWT (header <c>kid</c>, <c>typ: license+jwt</c>).</summary>
    string Sign(LicenseKeyClaims claims);
}
