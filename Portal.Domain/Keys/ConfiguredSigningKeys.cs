using System.Security.Cryptography;

namespace Portal.Domain.Keys;

/// <summary>The signing key and retired public keys read from <see cref="LicenseKeyOptions"/> (how Production gets its key).</summary>
public sealed class ConfiguredSigningKeys
{
    private ConfiguredSigningKeys(LicenseSigningKey? active, IReadOnlyList<PublishedKey> retired)
    {
        Active = active;
        Retired = retired;
    }

    /// <summary>The configured signing key, or null when none is configured.</summary>
    public LicenseSigningKey? Active { get; }

    /// <summary>The configured retired public keys (published, never used for signing).</summary>
    public IReadOnlyList<PublishedKey> Retired { get; }

    public static string MissingKeyMessage =>
        $"No license signing key is configured. Set {LicenseKeyOptions.SectionName}:{nameof(LicenseKeyOptions.SigningKeyPemPath)} " +
        $"(a PEM file) or {LicenseKeyOptions.SectionName}:{nameof(LicenseKeyOptions.SigningKeyPem)} (the PEM text, from a secret store), " +
        $"and {LicenseKeyOptions.SectionName}:{nameof(LicenseKeyOptions.KeyId)}. Outside Development Portal does not create signing keys itself.";

    /// <summary>
    /// Reads and checks the configured keys. Throws <see cref="InvalidOperationException"/> naming the setting at fault
    /// for an unreadable, inconsistent or non-P-256 key.
    /// </summary>
    /// <param name="options">The bound <c>LicenseKeys</c> section.</param>
    /// <param name="contentRoot">Folder that a relative <see cref="LicenseKeyOptions.SigningKeyPemPath"/> is resolved against.</param>
    public static ConfiguredSigningKeys Load(LicenseKeyOptions options, string contentRoot)
    {
        var retired = options.RetiredPublicKeys.Select((entry, index) => LoadRetired(options, entry, index)).ToList();
        var active = LoadActive(options, contentRoot);

        var kids = retired.Select(key => key.KeyId).Concat(active is null ? [] : [active.KeyId]);
        var duplicate = kids.GroupBy(kid => kid, StringComparer.Ordinal).FirstOrDefault(group => group.Count() > 1);
        if (duplicate is not null)
            throw new InvalidOperationException(
                $"The key id '{duplicate.Key}' appears more than once in {options.SettingName(nameof(LicenseKeyOptions.KeyId))} " +
                $"and {options.SettingName(nameof(LicenseKeyOptions.RetiredPublicKeys))}: every signing key needs its own key id.");
        return new ConfiguredSigningKeys(active, retired);
    }

    private static LicenseSigningKey? LoadActive(LicenseKeyOptions options, string contentRoot)
    {
        var pemSetting = options.SettingName(nameof(LicenseKeyOptions.SigningKeyPem));
        var pathSetting = options.SettingName(nameof(LicenseKeyOptions.SigningKeyPemPath));
        var kidSetting = options.SettingName(nameof(LicenseKeyOptions.KeyId));
        var hasPem = !string.IsNullOrWhiteSpace(options.SigningKeyPem);
        var hasPath = !string.IsNullOrWhiteSpace(options.SigningKeyPemPath);

        if (!hasPem && !hasPath)
        {
            if (!string.IsNullOrWhiteSpace(options.KeyId))
                throw new InvalidOperationException($"{kidSetting} is set but neither {pathSetting} nor {pemSetting} is: configure the key it names.");
            return null;
        }
        if (hasPem && hasPath)
            throw new InvalidOperationException($"Both {pathSetting} and {pemSetting} are set: configure the signing key one way only.");
        if (string.IsNullOrWhiteSpace(options.KeyId))
            throw new InvalidOperationException($"{kidSetting} is not set: the configured signing key needs a key id (the 'kid' of its keys and JWKS entry).");
        if (!EcKeys.IsValidKeyId(options.KeyId))
            throw new InvalidOperationException(
                $"{kidSetting} '{options.KeyId}' is not a valid key id: use up to {SigningKey.KeyIdMaxLength} letters, digits, '-', '_' or '.'.");

        string pem;
        string source;
        if (hasPath)
        {
            var path = Path.GetFullPath(options.SigningKeyPemPath!, contentRoot);
            source = $"{pathSetting} ({path})";
            try
            {
                pem = File.ReadAllText(path);
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                throw new InvalidOperationException($"The license signing key file named by {source} cannot be read: {error.Message}", error);
            }
        }
        else
        {
            pem = options.SigningKeyPem!;
            source = pemSetting;
        }

        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
        }
        catch (Exception error) when (error is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new InvalidOperationException(
                $"{source} does not hold a readable unencrypted EC private key in PEM form (a PKCS#8 \"PRIVATE KEY\" or SEC 1 \"EC PRIVATE KEY\" block).", error);
        }

        if (!IsPrivate(key) || !EcKeys.IsP256(key))
        {
            key.Dispose();
            throw new InvalidOperationException($"{source} must hold an ECDSA P-256 private key (license keys are signed with ES256).");
        }
        return new LicenseSigningKey(options.KeyId!, key);
    }

    private static PublishedKey LoadRetired(LicenseKeyOptions options, RetiredPublicKeyOptions entry, int index)
    {
        var setting = $"{options.SettingName(nameof(LicenseKeyOptions.RetiredPublicKeys))}:{index}";
        if (!EcKeys.IsValidKeyId(entry.KeyId))
            throw new InvalidOperationException(
                $"{setting}:{nameof(RetiredPublicKeyOptions.KeyId)} must be a key id of up to {SigningKey.KeyIdMaxLength} letters, digits, '-', '_' or '.'.");
        var pem = entry.PublicKeyPem ?? "";
        if (!PemEncoding.TryFind(pem, out var fields) || pem[fields.Label] != "PUBLIC KEY")
            throw new InvalidOperationException(
                $"{setting}:{nameof(RetiredPublicKeyOptions.PublicKeyPem)} must be a public key in PEM form (-----BEGIN PUBLIC KEY-----), never a private key.");

        using var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
        }
        catch (Exception error) when (error is ArgumentException or CryptographicException)
        {
            throw new InvalidOperationException($"{setting}:{nameof(RetiredPublicKeyOptions.PublicKeyPem)} is not a readable EC public key.", error);
        }
        if (!EcKeys.IsP256(key))
            throw new InvalidOperationException($"{setting}:{nameof(RetiredPublicKeyOptions.PublicKeyPem)} must be an ECDSA P-256 public key.");
        return PublishedKey.From(entry.KeyId!, key, SigningKeyStatus.Retired);
    }

    private static bool IsPrivate(ECDsa key)
    {
        try
        {
            return key.ExportParameters(includePrivateParameters: true).D is { Length: > 0 };
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
