using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Portal.Domain.Keys;

public enum LicenseKeyFailure
{
    None,

    /// <summary>Not a compact JWS, or a license file without a readable key.</summary>
    Malformed,

    /// <summary>Signed with anything but ES256 (<c>none</c>, HS256, RS256, ...).</summary>
    UnsupportedAlgorithm,

    /// <summary>The <c>typ</c> header is not <c>license+jwt</c>.</summary>
    WrongType,

    /// <summary>No <c>kid</c>, or a <c>kid</c> the JWKS does not have.</summary>
    UnknownKey,

    /// <summary>The signature does not match the key named by <c>kid</c>: the key was changed or signed by someone else.</summary>
    BadSignature,

    WrongIssuer,

    /// <summary>The key is for another product.</summary>
    WrongProduct,

    /// <summary>A claim is missing or of the wrong type, or the kind and expiry disagree.</summary>
    InvalidClaims,

    /// <summary>An evaluation key past its expiry. The claims are still returned.</summary>
    Expired,

    /// <summary>A key with <c>nbf</c> in the future. The claims are still returned.</summary>
    NotYetValid,
}

/// <summary>The outcome of <see cref="LicenseKeyVerifier.Verify"/>.</summary>
public sealed record LicenseKeyVerification(LicenseKeyFailure Failure, string Message, LicenseKeyClaims? Claims, string? KeyId, string? Issuer)
{
    /// <summary>True when the key is genuine, well-formed and (for an evaluation) not expired.</summary>
    [MemberNotNullWhen(true, nameof(Claims))]
    public bool IsValid => Failure == LicenseKeyFailure.None && Claims is not null;

    internal static LicenseKeyVerification Fail(LicenseKeyFailure failure, string message, string? kid = null) =>
        new(failure, message, null, kid, null);
}

/// <summary>
/// Verifies a license key, or a whole license file, with nothing but the JSON Web Key Set of the license signing keys:
/// what the product embeds. It accepts only compact JWS signed with ES256 by a key of the set, with <c>typ: license+jwt</c>,
/// well-formed claims, and for an evaluation an expiry in the future. The readable header of a license file is ignored:
/// only the signed key counts. Thread-safe.
/// </summary>
public sealed class LicenseKeyVerifier
{
    private static readonly JsonWebTokenHandler Handler = new();
    private readonly Dictionary<string, ECDsaSecurityKey> _keys;
    private readonly TimeProvider _clock;

    /// <param name="jwks">A JWKS document (<c>{"keys":[...]}</c>); EC P-256 signing keys are used, other keys are ignored.</param>
    /// <param name="timeProvider">The clock for evaluation expiry; the system clock by default.</param>
    /// <exception cref="ArgumentException">The JWKS is not valid JSON, has a malformed EC key, or holds no usable key.</exception>
    public LicenseKeyVerifier(string jwks, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(jwks);
        _keys = ReadKeySet(jwks);
        _clock = timeProvider ?? TimeProvider.System;
    }

    /// <summary>When set, the <c>iss</c> claim must equal it (the portal URL).</summary>
    public string? Issuer { get; init; }

    /// <summary>When set, the <c>aud</c> claim must equal it (the product code, e.g. <c>officestatus</c>).</summary>
    public string? ProductCode { get; init; }

    public IReadOnlyCollection<string> KeyIds => _keys.Keys;

    /// <summary>Verifies a bare key or the text of a license file.</summary>
    public LicenseKeyVerification Verify(string keyOrLicenseFile)
    {
        ArgumentNullException.ThrowIfNull(keyOrLicenseFile);
        if (!LicenseFile.TryExtractKey(keyOrLicenseFile, out var compact))
            return LicenseKeyVerification.Fail(LicenseKeyFailure.Malformed,
                $"The license file has no readable key between {LicenseFile.BeginMarker} and {LicenseFile.EndMarker}.");
        if (compact.Count(c => c == '.') != 2 || compact.Length > Handler.MaximumTokenSizeInBytes)
            return LicenseKeyVerification.Fail(LicenseKeyFailure.Malformed, "This is not a license key (a signed JWT of three parts).");

        JsonWebToken token;
        try
        {
            token = Handler.ReadJsonWebToken(compact);
        }
        catch (Exception error) when (error is ArgumentException or SecurityTokenMalformedException)
        {
            return LicenseKeyVerification.Fail(LicenseKeyFailure.Malformed, "This is not a license key: its header or payload cannot be read.");
        }

        if (token.Alg != LicenseKeyFormat.Algorithm)
            return LicenseKeyVerification.Fail(LicenseKeyFailure.UnsupportedAlgorithm,
                $"The key uses the algorithm '{token.Alg}'; license keys are signed with {LicenseKeyFormat.Algorithm} only.");
        if (token.Typ != LicenseKeyFormat.TokenType)
            return LicenseKeyVerification.Fail(LicenseKeyFailure.WrongType,
                $"The key has the type '{token.Typ}'; license keys have the type {LicenseKeyFormat.TokenType}.");
        var kid = token.Kid;
        if (string.IsNullOrEmpty(kid) || !_keys.TryGetValue(kid, out var signingKey))
            return LicenseKeyVerification.Fail(LicenseKeyFailure.UnknownKey,
                string.IsNullOrEmpty(kid) ? "The key names no signing key (kid)." : $"The key was signed with an unknown signing key '{kid}'.", kid);

        // The synchronous ValidateToken is obsolete. With an in-memory key (no configuration manager) the task completes
        // synchronously, and the library awaits with ConfigureAwait(false): waiting here cannot deadlock.
        var result = Handler.ValidateTokenAsync(token, Parameters(signingKey)).GetAwaiter().GetResult();
        if (!result.IsValid)
            return Failed(result.Exception, kid);

        return ReadClaims(token, kid);
    }

    private TokenValidationParameters Parameters(ECDsaSecurityKey key) => new()
    {
        IssuerSigningKey = key,
        TryAllIssuerSigningKeys = false,
        RequireSignedTokens = true,
        ValidAlgorithms = [LicenseKeyFormat.Algorithm],
        ValidTypes = [LicenseKeyFormat.TokenType],
        ValidateIssuer = Issuer is not null,
        ValidIssuer = Issuer,
        ValidateAudience = ProductCode is not null,
        ValidAudience = ProductCode,
        // Expiry depends on the kind of license (a perpetual key has none): checked below against the clock.
        ValidateLifetime = false,
        RequireExpirationTime = false,
        ValidateIssuerSigningKey = false,
    };

    private static LicenseKeyVerification Failed(Exception? error, string kid) => error switch
    {
        SecurityTokenInvalidIssuerException => LicenseKeyVerification.Fail(LicenseKeyFailure.WrongIssuer, "The key was not issued by this portal.", kid),
        SecurityTokenInvalidAudienceException => LicenseKeyVerification.Fail(LicenseKeyFailure.WrongProduct, "The key is for another product.", kid),
        SecurityTokenInvalidTypeException => LicenseKeyVerification.Fail(LicenseKeyFailure.WrongType, $"License keys have the type {LicenseKeyFormat.TokenType}.", kid),
        SecurityTokenInvalidAlgorithmException => LicenseKeyVerification.Fail(LicenseKeyFailure.UnsupportedAlgorithm, $"License keys are signed with {LicenseKeyFormat.Algorithm} only.", kid),
        SecurityTokenMalformedException => LicenseKeyVerification.Fail(LicenseKeyFailure.Malformed, "This is not a license key.", kid),
        _ => LicenseKeyVerification.Fail(LicenseKeyFailure.BadSignature,
            "The key's signature does not match: the key was altered or was not signed by the vendor.", kid),
    };

    private LicenseKeyVerification ReadClaims(JsonWebToken token, string kid)
    {
        using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(token.EncodedPayload));
        var root = payload.RootElement;
        var invalid = (string message) => LicenseKeyVerification.Fail(LicenseKeyFailure.InvalidClaims, message, kid);

        if (!Guid.TryParse(String(root, JwtRegisteredClaimNames.Sub), out var licenseId))
            return invalid("The key has no license id (sub).");
        if (String(root, JwtRegisteredClaimNames.Aud) is not { Length: > 0 } productCode)
            return invalid("The key names no product (aud).");
        if (String(root, LicenseKeyFormat.LicenseeClaim) is not { Length: > 0 } licensee)
            return invalid("The key names no licensee (org).");
        if (String(root, LicenseKeyFormat.ProductNameClaim) is not { Length: > 0 } productName)
            return invalid("The key names no product (prd).");
        if (Int(root, LicenseKeyFormat.MajorClaim) is not { } major || major < 1)
            return invalid("The key has no major version (maj).");
        if (Int(root, LicenseKeyFormat.SeatsClaim) is not { } seats || seats < 1)
            return invalid("The key has no seat count (seats).");
        if (LicenseKeyFormat.ParseKind(String(root, LicenseKeyFormat.KindClaim)) is not { } kind)
            return invalid("The key states no license kind (lic).");
        if (Long(root, JwtRegisteredClaimNames.Iat) is not { } issuedAt)
            return invalid("The key has no issue time (iat).");

        DateOnly? supportEnd = null;
        if (root.TryGetProperty(LicenseKeyFormat.SupportEndClaim, out _))
        {
            if (!DateOnly.TryParseExact(String(root, LicenseKeyFormat.SupportEndClaim), LicenseKeyFormat.DateFormat,
                    CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                return invalid("The key's support end (sup) is not a yyyy-MM-dd date.");
            supportEnd = date;
        }

        var expires = Long(root, JwtRegisteredClaimNames.Exp);
        if (root.TryGetProperty(JwtRegisteredClaimNames.Exp, out _) && expires is null)
            return invalid("The key's expiry (exp) is not a time.");
        if (kind == LicenseKind.Perpetual && expires is not null)
            return invalid("A perpetual key cannot have an expiry.");
        if (kind == LicenseKind.Evaluation && expires is null)
            return invalid("An evaluation key must have an expiry (exp).");
        var notBefore = Long(root, JwtRegisteredClaimNames.Nbf);
        if (root.TryGetProperty(JwtRegisteredClaimNames.Nbf, out _) && notBefore is null)
            return invalid("The key's start (nbf) is not a time.");

        DateTimeOffset? expiresAt;
        DateTimeOffset issued;
        try
        {
            issued = DateTimeOffset.FromUnixTimeSeconds(issuedAt);
            expiresAt = expires is { } exp ? DateTimeOffset.FromUnixTimeSeconds(exp) : null;
        }
        catch (ArgumentOutOfRangeException)
        {
            return invalid("The key has a time out of range.");
        }

        var claims = new LicenseKeyClaims(licenseId, productCode, productName, licensee, major, seats, kind, issued, supportEnd, expiresAt);
        var issuer = String(root, JwtRegisteredClaimNames.Iss);
        var now = _clock.GetUtcNow();
        if (expiresAt is { } expiry && now >= expiry)
            return new(LicenseKeyFailure.Expired, $"The evaluation expired on {expiry:yyyy-MM-dd HH:mm} UTC.", claims, kid, issuer);
        if (notBefore is { } nbf && now.ToUnixTimeSeconds() < nbf)
            return new(LicenseKeyFailure.NotYetValid, "The key is not valid yet.", claims, kid, issuer);
        return new(LicenseKeyFailure.None, "The license key is valid.", claims, kid, issuer);
    }

    private static string? String(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int? Int(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number : null;

    private static long? Long(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : null;

    private static Dictionary<string, ECDsaSecurityKey> ReadKeySet(string jwks)
    {
        var keys = new Dictionary<string, ECDsaSecurityKey>(StringComparer.Ordinal);
        try
        {
            using var document = JsonDocument.Parse(jwks);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("keys", out var array) || array.ValueKind != JsonValueKind.Array)
                throw new ArgumentException("A JWKS is a JSON object with a \"keys\" array.", nameof(jwks));

            foreach (var jwk in array.EnumerateArray())
            {
                if (jwk.ValueKind != JsonValueKind.Object || String(jwk, "kty") != "EC" || String(jwk, "crv") != "P-256")
                    continue;
                if (jwk.TryGetProperty("use", out _) && String(jwk, "use") != "sig")
                    continue;
                if (jwk.TryGetProperty("alg", out _) && String(jwk, "alg") != LicenseKeyFormat.Algorithm)
                    continue;
                var kid = String(jwk, "kid");
                if (string.IsNullOrEmpty(kid))
                    throw new ArgumentException("Every EC key of the JWKS needs a kid.", nameof(jwks));
                if (keys.ContainsKey(kid))
                    throw new ArgumentException($"The JWKS has two keys with the kid '{kid}'.", nameof(jwks));
                var key = EcKeys.FromCoordinates(Base64Url.DecodeFromChars(String(jwk, "x")), Base64Url.DecodeFromChars(String(jwk, "y")));
                keys.Add(kid, new ECDsaSecurityKey(key) { KeyId = kid });
            }
        }
        catch (Exception error) when (error is JsonException or FormatException or CryptographicException)
        {
            throw new ArgumentException($"The JWKS cannot be read: {error.Message}", nameof(jwks), error);
        }

        if (keys.Count == 0)
            throw new ArgumentException("The JWKS has no EC P-256 signing key.", nameof(jwks));
        return keys;
    }
}
