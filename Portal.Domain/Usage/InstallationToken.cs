using System.Security.Cryptography;
using System.Text;

namespace Portal.Domain.Usage;

/// <summary>
/// Lets one installation post its usage reports to <c>POST /api/usage</c> for one organization. The secret is shown once
/// when the token is created; Portal keeps only its SHA-256 hash (the secret is 256 random bits, so a plain hash is as
/// strong as a slow one) and its last four characters, to tell tokens apart. The first report binds the token to the
/// installation that sent it; a revoked token is refused.
/// </summary>
public sealed class InstallationToken
{
    public const int NameMaxLength = 100;
    public const string Prefix = "kmu_";

    /// <summary>Tokens an organization may hold that are not revoked.</summary>
    public const int MaxActivePerOrganization = 50;

    private InstallationToken(Guid id, Guid organizationId, string name, byte[] hash, string hint, DateTimeOffset createdAt, string createdBy)
    {
        Id = id;
        OrganizationId = organizationId;
        Name = name;
        Hash = hash;
        Hint = hint;
        CreatedAt = createdAt;
        CreatedBy = createdBy;
    }

    public Guid Id { get; private set; }
    public Guid OrganizationId { get; private set; }

    /// <summary>What the member called it, such as the server it is for.</summary>
    public string Name { get; private set; }

    public byte[] Hash { get; private set; }

    /// <summary>The secret's last four characters, shown as kmu_…abcd.</summary>
    public string Hint { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }
    public string CreatedBy { get; private set; }
    public DateTimeOffset? LastUsedAt { get; private set; }

    /// <summary>The installation its first report came from; every later report must come from it.</summary>
    public Guid? InstallationId { get; private set; }

    public DateTimeOffset? RevokedAt { get; private set; }
    public string? RevokedBy { get; private set; }

    public bool IsRevoked => RevokedAt is not null;

    public string Display => $"{Prefix}…{Hint}";

    /// <summary>A new token and its secret, which exists only in the value returned here.</summary>
    internal static (InstallationToken Token, string Secret) Create(Guid organizationId, string name, DateTimeOffset now, string createdBy)
    {
        if (CheckName(name) is { } problem)
            throw new DomainException(problem);
        var secret = Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        var token = new InstallationToken(Guid.CreateVersion7(now), organizationId, name.Trim(), HashOf(secret), secret[^4..], now, createdBy);
        return (token, secret);
    }

    /// <summary>What is wrong with a token's name (null when it is fine), for the form and for <see cref="Create"/>.</summary>
    public static string? CheckName(string? name) =>
        string.IsNullOrWhiteSpace(name) ? "Name the token after the installation it is for, such as its server."
        : name.Trim().Length > NameMaxLength ? $"A token's name is at most {NameMaxLength} characters."
        : null;

    /// <summary>The hash a presented secret is looked up by; null for anything that cannot be a token.</summary>
    public static byte[]? HashOfPresented(string? secret) =>
        secret is { Length: > 4 and <= 100 } && secret.StartsWith(Prefix, StringComparison.Ordinal) ? HashOf(secret) : null;

    /// <summary>Whether this token may report for <paramref name="installation"/>; binds it on its first report.</summary>
    internal void Use(Installation installation, DateTimeOffset now)
    {
        if (IsRevoked)
            throw new UsageTokenRefusedException("This installation token was revoked.");
        if (installation.OrganizationId != OrganizationId)
            throw new UsageTokenRefusedException("This installation reports to another organization; this token cannot report for it.");
        if (InstallationId is { } bound && bound != installation.Id)
            throw new UsageTokenRefusedException("This token belongs to another installation. Create a token for each installation.");
        InstallationId = installation.Id;
        LastUsedAt = now;
    }

    internal void Revoke(DateTimeOffset now, string revokedBy)
    {
        if (IsRevoked)
            throw new DomainException($"The token {Name} is already revoked.");
        RevokedAt = now;
        RevokedBy = revokedBy;
    }

    private static byte[] HashOf(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>An installation token that may not be used for what it was presented with: the API answers 401 and stores nothing.</summary>
public sealed class UsageTokenRefusedException(string message) : Exception(message);
