namespace Portal.Domain.Keys;

/// <summary>The <c>LicenseKeys</c> configuration section (docs/rules.md#license-keys).</summary>
public sealed class LicenseKeyOptions
{
    public const string SectionName = "LicenseKeys";
    public const string DefaultIssuer = "https://portal.keymetric.example";

    /// <summary>The <c>iss</c> claim of every key: the portal's public URL.</summary>
    public string Issuer { get; set; } = DefaultIssuer;

    /// <summary>The <c>kid</c> of the configured signing key. Required with <see cref="SigningKeyPem"/> or <see cref="SigningKeyPemPath"/>.</summary>
    public string? KeyId { get; set; }

    /// <summary>The signing key as PEM text (PKCS#8 <c>PRIVATE KEY</c> or SEC1 <c>EC PRIVATE KEY</c>, P-256), e.g. from a secret store.</summary>
    public string? SigningKeyPem { get; set; }

    /// <summary>Path of a PEM file holding the signing key, relative to the content root. Use this or <see cref="SigningKeyPem"/>.</summary>
    public string? SigningKeyPemPath { get; set; }

    /// <summary>Public keys of earlier signing keys, still published so the keys they signed keep verifying.</summary>
    public List<RetiredPublicKeyOptions> RetiredPublicKeys { get; set; } = [];

    public string SettingName(string property) => $"{SectionName}:{property}";
}

/// <summary>One entry of <c>LicenseKeys:RetiredPublicKeys</c>.</summary>
public sealed class RetiredPublicKeyOptions
{
    /// <summary>The <c>kid</c> the key signed with.</summary>
    public string? KeyId { get; set; }

    /// <summary>The public key as PEM (<c>-----BEGIN PUBLIC KEY-----</c>).</summary>
    public string? PublicKeyPem { get; set; }
}
