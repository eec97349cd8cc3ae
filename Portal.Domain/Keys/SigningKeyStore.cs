using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.History;

namespace Portal.Domain.Keys;

/// <summary>
/// Where license signing keys come from, and the key ring that the signer and the JWKS read. Two modes:
/// <list type="bullet">
/// <item><b>Configuration</b> (Production): the private key from <see cref="LicenseKeyOptions"/>; rotate by configuring a new
/// key and id and moving the old public key to <c>LicenseKeys:RetiredPublicKeys</c>.</item>
/// <item><b>Database</b> (Development): the first use creates a key and keeps it in <see cref="SigningKey"/>, the private key
/// protected with Data Protection; <see cref="RotateAsync"/> makes a new active key and retires the old one.</item>
/// </list>
/// In both modes the loaded keys are cached for the life of the process: signing never reloads a key. One instance per app.
/// </summary>
public sealed class SigningKeyStore
{
    /// <summary>Data Protection purpose of the private keys kept in the database.</summary>
    public const string ProtectionPurpose = "Portal.LicenseKeys.v1";

    private readonly IReadOnlyList<PublishedKey> _configuredRetired;
    private readonly IDbContextFactory<PortalDbContext>? _databases;
    private readonly IDataProtector? _protector;
    private readonly TimeProvider _clock;
    private readonly SemaphoreSlim _loading = new(1, 1);
    private volatile KeyRing? _ring;

    private SigningKeyStore(
        KeyRing? ring, IReadOnlyList<PublishedKey> configuredRetired, IDbContextFactory<PortalDbContext>? databases,
        IDataProtector? protector, TimeProvider clock)
    {
        _ring = ring;
        _configuredRetired = configuredRetired;
        _databases = databases;
        _protector = protector;
        _clock = clock;
    }

    /// <summary>Keys from configuration only; the database is not used.</summary>
    public static SigningKeyStore FromConfiguration(ConfiguredSigningKeys configured)
    {
        var active = configured.Active ?? throw new InvalidOperationException(ConfiguredSigningKeys.MissingKeyMessage);
        var ring = KeyRing.Create(active, [active.PublicKey, .. configured.Retired]);
        return new SigningKeyStore(ring, configured.Retired, databases: null, protector: null, TimeProvider.System);
    }

    /// <summary>
    /// Keys kept in the database, created on first use. <paramref name="configured"/> may add retired public keys from
    /// configuration; it must not hold a signing key (use <see cref="FromConfiguration"/> then).
    /// </summary>
    public static SigningKeyStore InDatabase(
        IDbContextFactory<PortalDbContext> databases, IDataProtectionProvider dataProtection, TimeProvider clock,
        ConfiguredSigningKeys? configured = null)
    {
        if (configured?.Active is not null)
            throw new ArgumentException("A configured signing key is used with FromConfiguration, not kept in the database.", nameof(configured));
        return new SigningKeyStore(
            ring: null, configured?.Retired ?? [], databases, dataProtection.CreateProtector(ProtectionPurpose), clock);
    }

    /// <summary>Whether keys are created and rotated in the database (Development) rather than configured.</summary>
    public bool KeysInDatabase => _databases is not null;

    /// <summary>The key that signs new license keys. The first call in database mode loads (or creates) it.</summary>
    public LicenseSigningKey Current => (_ring ?? Load()).Active;

    /// <summary>Every published public key: the active one first, then the retired ones, newest first.</summary>
    public async ValueTask<IReadOnlyList<PublishedKey>> GetPublishedKeysAsync(CancellationToken cancellationToken = default) =>
        (_ring ?? await LoadAsync(cancellationToken)).Published;

    /// <summary>
    /// Makes a new active key and retires the current one, which stays published so that the keys it signed keep
    /// verifying. Database mode only; returns the new key id.
    /// </summary>
    public async Task<string> RotateAsync(Actor actor, CancellationToken cancellationToken = default)
    {
        actor.Require("rotate license signing keys", Roles.Admin);
        if (_databases is null)
            throw new DomainException(
                $"License signing keys come from configuration here. To rotate, configure a new {LicenseKeyOptions.SectionName}:" +
                $"{nameof(LicenseKeyOptions.SigningKeyPem)} (or {nameof(LicenseKeyOptions.SigningKeyPemPath)}) and " +
                $"{nameof(LicenseKeyOptions.KeyId)}, and add the old public key and id to {LicenseKeyOptions.SectionName}:" +
                $"{nameof(LicenseKeyOptions.RetiredPublicKeys)}.");

        await _loading.WaitAsync(cancellationToken);
        try
        {
            await using var db = await _databases.CreateDbContextAsync(cancellationToken);
            var now = _clock.GetUtcNow();
            foreach (var active in await db.SigningKeys.Where(k => k.Status == SigningKeyStatus.Active).ToListAsync(cancellationToken))
                active.Retire(now);
            var (row, key) = NewKey(now);
            db.SigningKeys.Add(row);
            RecordNewKey(db, row, actor, "rotated in");
            await db.SaveChangesAsync(cancellationToken);

            var rows = await db.SigningKeys.AsNoTracking().ToListAsync(cancellationToken);
            _ring = BuildRing(rows, new LicenseSigningKey(row.Id, key));
            return row.Id;
        }
        finally
        {
            _loading.Release();
        }
    }

    private void RecordNewKey(PortalDbContext db, SigningKey key, Actor actor, string how) =>
        new AuditLog(_clock).Record(db, actor, "signing-key.created", nameof(SigningKey), key.Id, organizationId: null,
            $"License signing key {key.Id} {how}.", visibleToCustomer: false);

    /// <summary>Forgets the cached keys so the next use reads them again (database mode: keys rotated by another instance).</summary>
    public void Reload()
    {
        if (_databases is not null)
            _ring = null;
    }

    private KeyRing Load()
    {
        _loading.Wait();
        try
        {
            if (_ring is { } loaded)
                return loaded;
            using var db = _databases!.CreateDbContext();
            var rows = db.SigningKeys.AsNoTracking().ToList();
            var signing = NewestSigningRow(rows) is { } row ? Unprotect(row) : null;
            if (signing is null)
            {
                var (created, key) = NewKey(_clock.GetUtcNow());
                db.SigningKeys.Add(created);
                RecordNewKey(db, created, Actor.System, "created on first use");
                db.SaveChanges();
                rows.Add(created);
                signing = new LicenseSigningKey(created.Id, key);
            }
            return _ring = BuildRing(rows, signing);
        }
        finally
        {
            _loading.Release();
        }
    }

    private async ValueTask<KeyRing> LoadAsync(CancellationToken cancellationToken)
    {
        await _loading.WaitAsync(cancellationToken);
        try
        {
            if (_ring is { } loaded)
                return loaded;
            await using var db = await _databases!.CreateDbContextAsync(cancellationToken);
            var rows = await db.SigningKeys.AsNoTracking().ToListAsync(cancellationToken);
            var signing = NewestSigningRow(rows) is { } row ? Unprotect(row) : null;
            if (signing is null)
            {
                var (created, key) = NewKey(_clock.GetUtcNow());
                db.SigningKeys.Add(created);
                RecordNewKey(db, created, Actor.System, "created on first use");
                await db.SaveChangesAsync(cancellationToken);
                rows.Add(created);
                signing = new LicenseSigningKey(created.Id, key);
            }
            return _ring = BuildRing(rows, signing);
        }
        finally
        {
            _loading.Release();
        }
    }

    // Ordered in memory: SQLite cannot order by DateTimeOffset, and there are only a handful of keys.
    private static SigningKey? NewestSigningRow(List<SigningKey> rows) =>
        rows.Where(k => k.Status == SigningKeyStatus.Active && k.ProtectedPrivateKey is not null)
            .OrderByDescending(k => k.CreatedAt)
            .FirstOrDefault();

    private (SigningKey Row, ECDsa Key) NewKey(DateTimeOffset now)
    {
        var key = EcKeys.Generate();
        var pkcs8 = key.ExportPkcs8PrivateKey();
        try
        {
            var kid = $"{now:yyyyMMdd}-{EcKeys.Thumbprint(key)[..12]}";
            return (SigningKey.Create(kid, now, key.ExportSubjectPublicKeyInfo(), _protector!.Protect(pkcs8)), key);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    private LicenseSigningKey Unprotect(SigningKey row)
    {
        byte[] pkcs8;
        try
        {
            pkcs8 = _protector!.Unprotect(row.ProtectedPrivateKey!);
        }
        catch (CryptographicException error)
        {
            throw new InvalidOperationException(
                $"The license signing key '{row.Id}' in the database cannot be decrypted: the Data Protection keys that protected it " +
                "are gone. Rotate the signing keys, or start Development with a fresh database.", error);
        }

        var key = ECDsa.Create();
        try
        {
            key.ImportPkcs8PrivateKey(pkcs8, out _);
        }
        catch
        {
            key.Dispose();
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
        return new LicenseSigningKey(row.Id, key);
    }

    private KeyRing BuildRing(List<SigningKey> rows, LicenseSigningKey signing)
    {
        var stored = rows
            .Where(row => row.Id != signing.KeyId)
            .OrderByDescending(row => row.Status == SigningKeyStatus.Active)
            .ThenByDescending(row => row.CreatedAt)
            .Select(row =>
            {
                using var key = EcKeys.FromSubjectPublicKeyInfo(row.PublicKey);
                return PublishedKey.From(row.Id, key, row.Status);
            });
        return KeyRing.Create(signing, [signing.PublicKey, .. stored, .. _configuredRetired]);
    }

    private sealed record KeyRing(LicenseSigningKey Active, IReadOnlyList<PublishedKey> Published)
    {
        public static KeyRing Create(LicenseSigningKey active, List<PublishedKey> published)
        {
            var unique = new List<PublishedKey>();
            foreach (var key in published)
            {
                var same = unique.Find(existing => existing.KeyId == key.KeyId);
                if (same is null)
                    unique.Add(key);
                else if (!same.X.AsSpan().SequenceEqual(key.X) || !same.Y.AsSpan().SequenceEqual(key.Y))
                    throw new InvalidOperationException(
                        $"Two different public keys use the key id '{key.KeyId}'. Every signing key needs its own key id.");
            }
            return new KeyRing(active, unique);
        }
    }
}
