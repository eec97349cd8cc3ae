using System.Globalization;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Portal.Domain.Keys;

/// <summary>
/// Signs license keys (docs/rules.md#license-keys) with the store's current key: a compact ES256 JWT with header <c>kid</c> and
/// <c>typ: license+jwt</c>. A perpetual key has no <c>exp</c> and no <c>nbf</c> (R4); an evaluation key has <c>exp</c> (R9).
/// Thread-safe; register one instance.
/// </summary>
public sealed class LicenseKeySigner(SigningKeyStore keys, LicenseKeyOptions options) : ILicenseKeySigner
{
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly string _issuer = string.IsNullOrWhiteSpace(options.Issuer)
        ? throw new InvalidOperationException($"{options.SettingName(nameof(LicenseKeyOptions.Issuer))} must not be empty.")
        : options.Issuer;

    public string Issuer => _issuer;

    /// <summary>
    /// A signed key for <paramref name="claims"/>. <c>iat</c> and <c>exp</c> are whole seconds (sub-seconds are dropped).
    /// Throws <see cref="ArgumentException"/> for claims that no valid key may state.
    /// </summary>
    public string Sign(LicenseKeyClaims claims)
    {
        ArgumentNullException.ThrowIfNull(claims);
        Check(claims);
        var key = keys.Current;

        var payload = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            [JwtRegisteredClaimNames.Sub] = claims.LicenseId.ToString("D"),
            [LicenseKeyFormat.LicenseeClaim] = claims.Licensee,
            [LicenseKeyFormat.ProductNameClaim] = claims.ProductName,
            [LicenseKeyFormat.MajorClaim] = claims.Major,
            [LicenseKeyFormat.SeatsClaim] = claims.Seats,
            [LicenseKeyFormat.KindClaim] = LicenseKeyFormat.KindName(claims.Kind),
        };
        if (claims.SupportEndsOn is { } supportEnd)
            payload[LicenseKeyFormat.SupportEndClaim] = supportEnd.ToString(LicenseKeyFormat.DateFormat, CultureInfo.InvariantCulture);

        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _issuer,
            Audience = claims.ProductCode,
            IssuedAt = claims.IssuedAt.UtcDateTime,
            Expires = claims.ExpiresAt?.UtcDateTime,
            Claims = payload,
            TokenType = LicenseKeyFormat.TokenType,
            SigningCredentials = key.Credentials,
        });
    }

    private static void Check(LicenseKeyClaims claims)
    {
        if (claims.LicenseId == Guid.Empty)
            throw new ArgumentException("A license key needs the license id.", nameof(claims));
        if (string.IsNullOrWhiteSpace(claims.ProductCode))
            throw new ArgumentException("A license key needs the product code (its audience).", nameof(claims));
        if (string.IsNullOrWhiteSpace(claims.ProductName))
            throw new ArgumentException("A license key needs the product name.", nameof(claims));
        if (string.IsNullOrWhiteSpace(claims.Licensee))
            throw new ArgumentException("A license key needs the licensee.", nameof(claims));
        if (claims.Major < 1)
            throw new ArgumentException("A license key is for a major version of at least 1.", nameof(claims));
        if (claims.Seats < 1)
            throw new ArgumentException("A license key covers at least one seat.", nameof(claims));
        switch (claims.Kind)
        {
            case LicenseKind.Perpetual when claims.ExpiresAt is not null:
                throw new ArgumentException("A perpetual license never expires (R4): its key has no expiry.", nameof(claims));
            case LicenseKind.Evaluation when claims.ExpiresAt is null:
                throw new ArgumentException("An evaluation key needs its expiry (R9).", nameof(claims));
            case LicenseKind.Evaluation when claims.ExpiresAt <= claims.IssuedAt:
                throw new ArgumentException("An evaluation key must expire after it is issued.", nameof(claims));
            case LicenseKind.Perpetual or LicenseKind.Evaluation:
                break;
            default:
                throw new ArgumentException($"Unknown license kind {claims.Kind}.", nameof(claims));
        }
    }
}
