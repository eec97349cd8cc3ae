namespace Portal.Domain.Keys;

public enum SigningKeyStatus
{
    /// <summary>Signs new license keys. Exactly one key is active.</summary>
    Active,

    /// <summary>Signs nothing any more, but stays published in the JWKS so the keys it signed keep verifying.</summary>
    Retired,

    /// <summary>
    /// Published in the JWKS but not signing yet, so that products and verifiers that fetch the JWKS learn the key
    /// before the first license key signed with it reaches them. An admin makes it active later.
    /// </summary>
    Published,
}

/// <summary>
/// A license signing key kept in the database: the public key (published in the JWKS) and, for keys Portal created
/// itself, the private key protected with ASP.NET Core Data Protection. Production keys come from configuration
/// instead (<see cref="LicenseKeyOptions"/>); rows are never deleted, so every key ever used stays verifiable.
/// Published → Active → Retired, or Published → Retired; a retired key never signs again.
/// </summary>
public sealed class SigningKey
{
    public const int KeyIdMaxLength = 64;

    private SigningKey(string id, DateTimeOffset createdAt, SigningKeyStatus status, byte[] publicKey, byte[]? protectedPrivateKey)
    {
        Id = id;
        CreatedAt = createdAt;
        Status = status;
        PublicKey = publicKey;
        ProtectedPrivateKey = protectedPrivateKey;
        Version = Guid.NewGuid();
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

    /// <summary>Concurrency token: two admins changing the keys at the same moment cannot both succeed.</summary>
    public Guid Version { get; private set; }

    /// <summary>A key that signs from now on (the first key of a new database).</summary>
    internal static SigningKey CreateActive(string id, DateTimeOffset createdAt, byte[] publicKey, byte[] protectedPrivateKey) =>
        Create(id, createdAt, SigningKeyStatus.Active, publicKey, protectedPrivateKey);

    /// <summary>A key that is published now and made active later.</summary>
    internal static SigningKey CreatePublished(string id, DateTimeOffset createdAt, byte[] publicKey, byte[] protectedPrivateKey) =>
        Create(id, createdAt, SigningKeyStatus.Published, publicKey, protectedPrivateKey);

    private static SigningKey Create(string id, DateTimeOffset createdAt, SigningKeyStatus status, byte[] publicKey, byte[] protectedPrivateKey)
    {
        if (!EcKeys.IsValidKeyId(id))
            throw new DomainException($"'{id}' is not a valid key id: use up to {KeyIdMaxLength} letters, digits, '-', '_' or '.'.");
        return new SigningKey(id, createdAt, status, publicKey, protectedPrivateKey);
    }

    /// <summary>Makes a published key the one that signs; the caller supersedes the previously active key.</summary>
    internal void Activate()
    {
        switch (Status)
        {
            case SigningKeyStatus.Active:
                throw new DomainException($"Key {Id} is already the active key.");
            case SigningKeyStatus.Retired:
                throw new DomainException($"Key {Id} was retired on {RetiredAt:yyyy-MM-dd}; a retired key never signs again. Create a new key instead.");
        }
        if (ProtectedPrivateKey is null)
            throw new DomainException($"Portal does not hold the private key of {Id}, so it cannot sign with it.");
        Status = SigningKeyStatus.Active;
        Version = Guid.NewGuid();
    }

    /// <summary>The active key steps down because another key was made active; it stays published.</summary>
    internal void Supersede(DateTimeOffset now)
    {
        if (Status != SigningKeyStatus.Active)
            throw new InvalidOperationException($"Only the active key is superseded; {Id} is {Status}.");
        Status = SigningKeyStatus.Retired;
        RetiredAt = now;
        Version = Guid.NewGuid();
    }

    /// <summary>Retires a key that is not signing: it will never sign, and it stays published.</summary>
    internal void Retire(DateTimeOffset now)
    {
        switch (Status)
        {
            case SigningKeyStatus.Active:
                throw new DomainException($"Key {Id} is the active key and signs every new license key. Make another key active first; that retires this one.");
            case SigningKeyStatus.Retired:
                throw new DomainException($"Key {Id} was already retired on {RetiredAt:yyyy-MM-dd}.");
        }
        Status = SigningKeyStatus.Retired;
        RetiredAt = now;
        Version = Guid.NewGuid();
    }
}
