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
/// protected with Data Protection. An admin rotates in three steps: <see cref="PublishNewKeyAsync"/> (in the JWKS, not
/// signing), <see cref="ActivateAsync"/> (signs from now on; the previous key is retired and stays published), and
/// <see cref="RetireAsync"/> for a published key that will never sign.</item>
/// </list>
/// The loaded keys are cached and replaced at once after each change made here, so the signer and the JWKS use it
/// immediately; signing never reads the database. In database mode Portal also re-reads them every
/// <see cref="RefreshInterval"/> (<see cref="RefreshAsync"/>), so a change an admin made on another instance is used
/// here within that time. One instance per app.
/// </summary>
public sealed class SigningKeyStore
{
    /// <summary>Data Protection purpose of the private keys kept in the database.</summary>
    public const string ProtectionPurpose = "Portal.LicenseKeys.v1";

    private readonly IReadOnlyList<PublishedKey> _configuredRetired;
    private readonly IDbContextFactory<PortalDbContext>? _dbFactory;
    private readonly IDataProtector? _protector;
    private readonly TimeProvider _clock;
    private readonly SemaphoreSlim _loading = new(1, 1);
    private volatile KeyRing? _ring;

    private SigningKeyStore(
        KeyRing? ring, IReadOnlyList<PublishedKey> configuredRetired, IDbContextFactory<PortalDbContext>? dbFactory,
        IDataProtector? protector, TimeProvider clock)
    {
        _ring = ring;
        _configuredRetired = configuredRetired;
        _dbFactory = dbFactory;
        _protector = protector;
        _clock = clock;
    }

    /// <summary>Keys from configuration only; the database is not used.</summary>
    public static SigningKeyStore FromConfiguration(ConfiguredSigningKeys configured)
    {
        var active = configured.Active ?? throw new InvalidOperationException(ConfiguredSigningKeys.MissingKeyMessage);
        var ring = KeyRing.Create(active, [active.PublicKey, .. configured.Retired]);
        return new SigningKeyStore(ring, configured.Retired, dbFactory: null, protector: null, TimeProvider.System);
    }

    /// <summary>
    /// Keys kept in the database, created on first use. <paramref name="configured"/> may add retired public keys from
    /// configuration; it must not hold a signing key (use <see cref="FromConfiguration"/> then).
    /// </summary>
    public static SigningKeyStore InDatabase(
        IDbContextFactory<PortalDbContext> dbFactory, IDataProtectionProvider dataProtection, TimeProvider clock,
        ConfiguredSigningKeys? configured = null)
    {
        if (configured?.Active is not null)
            throw new ArgumentException("A configured signing key is used with FromConfiguration, not kept in the database.", nameof(configured));
        return new SigningKeyStore(
            ring: null, configured?.Retired ?? [], dbFactory, dataProtection.CreateProtector(ProtectionPurpose), clock);
    }

    /// <summary>Whether keys are created and rotated in the database (Development) rather than configured.</summary>
    public bool KeysInDatabase => _dbFactory is not null;

    /// <summary>The key that signs new license keys. The first call in database mode loads (or creates) it.</summary>
    public LicenseSigningKey Current => (_ring ?? Load()).Active;

    /// <summary>Every published public key: the active one first, then the published and the retired ones, newest first.</summary>
    public async ValueTask<IReadOnlyList<PublishedKey>> GetPublishedKeysAsync(CancellationToken cancellationToken = default) =>
        (_ring ?? await LoadAsync(cancellationToken)).Published;

    /// <summary>Every key, for the admin's page: active first, then published, then retired, newest first within each.</summary>
    public async Task<IReadOnlyList<SigningKeyEntry>> ListAsync(Actor actor, CancellationToken cancellationToken = default)
    {
        actor.Require("see the license signing keys", Roles.Admin);
        var ring = _ring ?? await LoadAsync(cancellationToken);
        var configured = _configuredRetired.Select(key => new SigningKeyEntry(key.KeyId, key.Status, null, null, HoldsPrivateKey: false, Configured: true));
        if (_dbFactory is null)
            return [new SigningKeyEntry(ring.Active.KeyId, SigningKeyStatus.Active, null, null, HoldsPrivateKey: true, Configured: true), .. configured];

        await using var db = await _dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.SigningKeys.AsNoTracking()
            .Select(k => new SigningKeyEntry(k.Id, k.Status, k.CreatedAt, k.RetiredAt, k.ProtectedPrivateKey != null, false))
            .ToListAsync(cancellationToken);
        // Ordered in memory: SQLite cannot order by DateTimeOffset, and there are only a handful of keys.
        return [.. rows.OrderBy(k => StatusOrder(k.Status)).ThenByDescending(k => k.CreatedAt), .. configured];
    }

    /// <summary>
    /// Creates a key and publishes it in the JWKS without signing with it yet, so that verifiers learn it before the
    /// first license key it signs. Database mode only; returns the new key id.
    /// </summary>
    public Task<string> PublishNewKeyAsync(Actor actor, CancellationToken cancellationToken = default) =>
        ChangeAsync(actor, "create license signing keys", db =>
        {
            var (row, key) = NewKey(_clock.GetUtcNow(), active: false);
            key.Dispose();
            db.SigningKeys.Add(row);
            RecordNewKey(db, row, actor, "published; it signs nothing until an admin makes it active");
            return Task.FromResult(row.Id);
        }, cancellationToken);

    /// <summary>
    /// Makes a published key the one that signs new license keys; the key that was active is retired and stays
    /// published, so the keys it signed keep verifying. <paramref name="expectedActiveKeyId"/> is the active key the admin
    /// saw: if another admin changed the active key meanwhile, nothing happens and the message says so.
    /// </summary>
    public Task ActivateAsync(string keyId, string expectedActiveKeyId, Actor actor, CancellationToken cancellationToken = default) =>
        ChangeAsync(actor, "make a license signing key active", async db =>
        {
            var rows = await db.SigningKeys.ToListAsync(cancellationToken);
            var key = rows.SingleOrDefault(k => k.Id == keyId) ?? throw UnknownKey(keyId);
            var active = rows.Where(k => k.Status == SigningKeyStatus.Active).ToList();
            if (active.Count != 1 || active[0].Id != expectedActiveKeyId)
                throw new DomainException(
                    $"The active key is now {string.Join(", ", active.Select(k => k.Id))}, not {expectedActiveKeyId}: someone else changed the keys a moment ago. Reload to see them.");
            key.Activate();
            CheckPrivateKeyReadable(key);
            var now = _clock.GetUtcNow();
            active[0].Supersede(now);
            new AuditLog(_clock).Record(db, actor, "signing-key.activated", nameof(SigningKey), key.Id, organizationId: null,
                $"License signing key {key.Id} made active; {active[0].Id} retired and still published.", visibleToCustomer: false);
            return key.Id;
        }, cancellationToken);

    /// <summary>Retires a published key that is not signing: it will never sign, and it stays in the JWKS.</summary>
    public Task RetireAsync(string keyId, Actor actor, CancellationToken cancellationToken = default) =>
        ChangeAsync(actor, "retire license signing keys", async db =>
        {
            var key = await db.SigningKeys.SingleOrDefaultAsync(k => k.Id == keyId, cancellationToken) ?? throw UnknownKey(keyId);
            key.Retire(_clock.GetUtcNow());
            new AuditLog(_clock).Record(db, actor, "signing-key.retired", nameof(SigningKey), key.Id, organizationId: null,
                $"License signing key {key.Id} retired; it stays published so that anything it signed keeps verifying.", visibleToCustomer: false);
            return key.Id;
        }, cancellationToken);

    /// <summary>
    /// One change to the stored keys, by an admin, in database mode: serialized within this instance, guarded by the
    /// rows' concurrency tokens across instances, and followed by a fresh key ring for the signer and the JWKS.
    /// </summary>
    private async Task<string> ChangeAsync(Actor actor, string action, Func<PortalDbContext, Task<string>> change, CancellationToken cancellationToken)
    {
        actor.Require(action, Roles.Admin);
        if (_dbFactory is null)
            throw new DomainException(ConfiguredRotationMessage);

        if (_ring is null)
            await LoadAsync(cancellationToken);
        await _loading.WaitAsync(cancellationToken);
        try
        {
            await using var db = await _dbFactory.CreateDbContextAsync(cancellationToken);
            string keyId;
            try
            {
                keyId = await change(db);
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (Exception refused) when (refused is DomainException or DbUpdateConcurrencyException)
            {
                // Often another admin, perhaps on another instance, changed the keys first: catch up with the database.
                await using (var fresh = await _dbFactory.CreateDbContextAsync(cancellationToken))
                    _ring = await ReadRingAsync(fresh, cancellationToken);
                if (refused is DomainException)
                    throw;
                throw new DomainException("Someone else changed the signing keys at the same moment. Reload to see their change.");
            }
            _ring = await ReadRingAsync(db, cancellationToken);
            return keyId;
        }
        finally
        {
            _loading.Release();
        }
    }

    /// <summary>
    /// The id of the key kept in the database (where Development creates its keys) that has the same public key as
    /// <paramref name="key"/>, or null. A key found there is only as secret as the database: the Data Protection keys that
    /// decrypt it are kept in the same database.
    /// </summary>
    public static async Task<string?> DatabaseKeyIdOfAsync(PortalDbContext db, LicenseSigningKey key, CancellationToken cancellationToken = default)
    {
        var publicKey = key.SecurityKey.ECDsa.ExportSubjectPublicKeyInfo();
        // Compared in memory: there are only a handful of keys.
        var stored = await db.SigningKeys.AsNoTracking().Select(k => new { k.Id, k.PublicKey }).ToListAsync(cancellationToken);
        return stored.FirstOrDefault(k => k.PublicKey.AsSpan().SequenceEqual(publicKey))?.Id;
    }

    /// <summary>How keys are rotated when they come from configuration, for the admin's page and for refused changes.</summary>
    public static string ConfiguredRotationMessage =>
        $"License signing keys come from configuration here. To rotate, configure a new {LicenseKeyOptions.SectionName}:" +
        $"{nameof(LicenseKeyOptions.SigningKeyPem)} (or {nameof(LicenseKeyOptions.SigningKeyPemPath)}) and " +
        $"{nameof(LicenseKeyOptions.KeyId)}, and add the old public key and id to {LicenseKeyOptions.SectionName}:" +
        $"{nameof(LicenseKeyOptions.RetiredPublicKeys)}.";

    private static int StatusOrder(SigningKeyStatus status) => status switch
    {
        SigningKeyStatus.Active => 0,
        SigningKeyStatus.Published => 1,
        _ => 2,
    };

    private void RecordNewKey(PortalDbContext db, SigningKey key, Actor actor, string how) =>
        new AuditLog(_clock).Record(db, actor, "signing-key.created", nameof(SigningKey), key.Id, organizationId: null,
            $"License signing key {key.Id} {how}.", visibleToCustomer: false);

    private static DomainException UnknownKey(string keyId) => new($"There is no signing key {keyId}.");

    /// <summary>Refuses, before anything is saved, a key whose private key can no longer be decrypted.</summary>
    private void CheckPrivateKeyReadable(SigningKey row)
    {
        try
        {
            Unprotect(row).SecurityKey.ECDsa.Dispose();
        }
        catch (InvalidOperationException)
        {
            throw new DomainException(
                $"Portal cannot decrypt the private key of {row.Id}: the Data Protection keys that protected it are gone. Retire it and create a new key.");
        }
    }

    /// <summary>The ring as the database has it now, reusing the loaded signing key when it is still the active one.</summary>
    private async Task<KeyRing> ReadRingAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        var rows = await db.SigningKeys.AsNoTracking().ToListAsync(cancellationToken);
        var row = NewestSigningRow(rows) ?? throw new InvalidOperationException("No license signing key is active.");
        var signing = _ring?.Active is { } loaded && loaded.KeyId == row.Id ? loaded : Unprotect(row);
        return BuildRing(rows, signing);
    }

    /// <summary>How often each instance re-reads the keys kept in the database (<see cref="RefreshAsync"/>).</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Database mode: reads the keys again, so that a key published, made active or retired on another instance is
    /// published and used here too. The loaded signing key is reused while it is still the active one. Nothing happens
    /// before the first use (which reads them anyway) or in configuration mode.
    /// </summary>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        if (_dbFactory is null || _ring is null)
            return;
        await _loading.WaitAsync(cancellationToken);
        try
        {
            await using var db = await _dbFactory.CreateDbContextAsync(cancellationToken);
            _ring = await ReadRingAsync(db, cancellationToken);
        }
        finally
        {
            _loading.Release();
        }
    }

    private KeyRing Load()
    {
        _loading.Wait();
        try
        {
            if (_ring is { } loaded)
                return loaded;
            using var db = _dbFactory!.CreateDbContext();
            var rows = db.SigningKeys.AsNoTracking().ToList();
            var signing = NewestSigningRow(rows) is { } row ? Unprotect(row) : null;
            if (signing is null)
            {
                var (created, key) = NewKey(_clock.GetUtcNow(), active: true);
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
            await using var db = await _dbFactory!.CreateDbContextAsync(cancellationToken);
            var rows = await db.SigningKeys.AsNoTracking().ToListAsync(cancellationToken);
            var signing = NewestSigningRow(rows) is { } row ? Unprotect(row) : null;
            if (signing is null)
            {
                var (created, key) = NewKey(_clock.GetUtcNow(), active: true);
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

    private (SigningKey Row, ECDsa Key) NewKey(DateTimeOffset now, bool active)
    {
        var key = EcKeys.Generate();
        var pkcs8 = key.ExportPkcs8PrivateKey();
        try
        {
            var kid = $"{now:yyyyMMdd}-{EcKeys.Thumbprint(key)[..12]}";
            var publicKey = key.ExportSubjectPublicKeyInfo();
            var protectedKey = _protector!.Protect(pkcs8);
            return (active ? SigningKey.CreateActive(kid, now, publicKey, protectedKey) : SigningKey.CreatePublished(kid, now, publicKey, protectedKey), key);
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
            .OrderBy(row => StatusOrder(row.Status))
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

/// <summary>A signing key as the admin's page lists it.</summary>
/// <param name="KeyId">The <c>kid</c>.</param>
/// <param name="Status">Active, published (not signing yet) or retired.</param>
/// <param name="CreatedAt">When Portal created it; null for a key from configuration.</param>
/// <param name="RetiredAt">When it was retired; null while it is not, and for a key from configuration.</param>
/// <param name="HoldsPrivateKey">Whether Portal can sign with it (a retired key from configuration has only its public key here).</param>
/// <param name="Configured">Whether it comes from configuration (<c>LicenseKeys</c>) rather than the database.</param>
public sealed record SigningKeyEntry(
    string KeyId, SigningKeyStatus Status, DateTimeOffset? CreatedAt, DateTimeOffset? RetiredAt, bool HoldsPrivateKey, bool Configured);
