using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Portal.Domain.Keys;

/// <summary>
/// A loaded private signing key with its id, ready to sign: the <see cref="ECDsa"/>, the security key and the signing
/// credentials are made once and reused for every key signed (the library caches its signature provider per key).
/// </summary>
public sealed class LicenseSigningKey
{
    internal LicenseSigningKey(string keyId, ECDsa key)
    {
        KeyId = keyId;
        SecurityKey = new ECDsaSecurityKey(key) { KeyId = keyId };
        Credentials = new SigningCredentials(SecurityKey, SecurityAlgorithms.EcdsaSha256);
        PublicKey = PublishedKey.From(keyId, key, SigningKeyStatus.Active);
    }

    public string KeyId { get; }
    public ECDsaSecurityKey SecurityKey { get; }
    public SigningCredentials Credentials { get; }

    /// <summary>The public half, as published in the JWKS.</summary>
    public PublishedKey PublicKey { get; }
}

/// <summary>A public key as published in the JWKS.</summary>
public sealed record PublishedKey(string KeyId, byte[] X, byte[] Y, SigningKeyStatus Status)
{
    internal static PublishedKey From(string keyId, ECDsa key, SigningKeyStatus status)
    {
        var q = key.ExportParameters(includePrivateParameters: false).Q;
        return new PublishedKey(keyId, q.X!, q.Y!, status);
    }
}
