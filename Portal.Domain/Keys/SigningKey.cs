namespace Portal.Domain.Keys;

public enum SigningKeyStatus
{
    /// <summary>Signs new license keys. Normally exactly one key is active.</summary>
    Active,

    /// <summary>Signs nothing any more, but stays published in the JWKS so the keys it signed keep verifying.</summary>
    Retired,
}

/// <summary>
/// A license signing key kept in the database: the public key (published in the JWKS) and, for keys Portal created
/// itself, the private key protected with ASP.NET Core Data Protection. Production keys come from configuration
/// instead (<see cref="LicenseKeyOptions"/>); rows are never deleted, so every key ever used stays verifiable.
/// </summary>
public sealed class SigningKey
{
    public const int KeyIdMaxLength = 64;

    private SigningKey(string id, DateTimeOffset createdAt, byte[] publicKey, byte[]? protectedPrivateKey)
    {
        Id = id;
        CreatedAt = createdAt;
        Status = SigningKeyStatus.Active;
        PublicKey = publicKey;
        ProtectedPrivateKey = protectedPrivateKey;
    }

    /// <summary>The key id: the <c>kid</c> of the JWT header and of the JWKS entry.</summary>
    public string Id { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }
    public SigningKeyStatus Status { get; private set; }
    public DateTimeOffset? RetiredAt { get; private set; }

    /// <summary>The public key as DER SubjectPublicKeyInfo.</summary>
    public byte[] PublicKey { get; private set; }

    /// <summary>
    /// The PKCS#8 private key protected with Data Protection (purpose <see cref="SigningKeyStore.ProtectionPurpose"/>),
    /// never the raw key. Null for a published key whose private key Portal does not hold.
    /// </summary>
    public byte[]? ProtectedPrivateKey { get; private set; }

    internal static SigningKey Create(string id, DateTimeOffset createdAt, byte[] publicKey, byte[] protectedPrivateKey)
    {
        if (!EcKeys.IsValidKeyId(id))
            throw new DomainException($"'{id}' is not a valid key id: use up to {KeyIdMaxLength} letters, digits, '-', '_' or '.'.");
        return new SigningKey(id, createdAt, publicKey, protectedPrivateKey);
    }

    /// <summary>Stops signing with this key; it stays published.</summary>
    public void Retire(DateTimeOffset now)
    {
        if (Status == SigningKeyStatus.Retired)
            return;
        Status = SigningKeyStatus.Retired;
        RetiredAt = now;
    }
}
