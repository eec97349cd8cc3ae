using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Portal.Domain;
using Portal.Domain.Accounts;
using Portal.Domain.Keys;
using Portal.Tests.Builders;

namespace Portal.Tests.Keys;

/// <summary>
/// The admin's key actions in database mode: publish a new key, make it active, retire a key that never signed — each
/// for admins only, audited, once under concurrency, and used by the signer and the JWKS at once.
/// </summary>
public sealed class SigningKeyRotationTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Start);
    private KeysDatabase _database = null!;
    private SigningKeyStore _store = null!;

    public async Task InitializeAsync()
    {
        _database = await KeysDatabase.CreateAsync();
        _store = _database.StartApp(_clock).Store;
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private static LicenseKeyClaims Claims(int seats = 10) => new(
        Guid.CreateVersion7(), "officestatus", "OfficeStatus", "Contoso Facilities Ltd", 6, seats, LicenseKind.Perpetual,
        Start, new DateOnly(2027, 11, 29), null);

    private async Task<LicenseKeyVerifier> ServedJwksVerifierAsync() =>
        new(await new LicenseKeyJwks(_store).GetJsonAsync(), _clock) { Issuer = LicenseKeyOptions.DefaultIssuer, ProductCode = "officestatus" };

    private async Task<Dictionary<string, SigningKeyStatus>> StoredAsync()
    {
        await using var db = _database.CreateContext();
        return await db.SigningKeys.AsNoTracking().ToDictionaryAsync(k => k.Id, k => k.Status);
    }

    private async Task<List<string>> KeyEventsAsync()
    {
        await using var db = _database.CreateContext();
        return await db.AuditEvents.Where(e => e.EntityType == nameof(SigningKey)).OrderBy(e => e.Id).Select(e => e.Summary).ToListAsync();
    }

    [Fact]
    public async Task A_published_key_is_in_the_jwks_before_it_signs_anything()
    {
        var first = _store.Current.KeyId;
        var jwks = new LicenseKeyJwks(_store);
        var before = await jwks.GetJsonAsync();
        _clock.Advance(TimeSpan.FromDays(1));

        var published = await _store.PublishNewKeyAsync(DomainFixture.Admin);

        Assert.DoesNotContain(published, before);
        Assert.Contains($"\"kid\":\"{published}\"", await jwks.GetJsonAsync());
        Assert.Equal(first, _store.Current.KeyId);
        Assert.Equal(first, Jwt.Header(TestSigningKeys.Signer(_store).Sign(Claims()))["kid"]!.GetValue<string>());
        var listed = await _store.ListAsync(DomainFixture.Admin);
        Assert.Equal(
            [(first, SigningKeyStatus.Active, Start, true), (published, SigningKeyStatus.Published, Start.AddDays(1), true)],
            listed.Select(k => (k.KeyId, k.Status, k.CreatedAt!.Value, k.HoldsPrivateKey)));
        Assert.All(listed, k => Assert.Null(k.RetiredAt));
        Assert.Equal($"License signing key {published} published; it signs nothing until an admin makes it active.", (await KeyEventsAsync()).Last());
    }

    [Fact]
    public async Task After_make_active_new_licenses_carry_the_new_kid_and_old_and_new_keys_verify_against_the_jwks()
    {
        var signer = TestSigningKeys.Signer(_store);
        var old = _store.Current.KeyId;
        var signedBefore = signer.Sign(Claims(5));
        var next = await _store.PublishNewKeyAsync(DomainFixture.Admin);
        var spare = await _store.PublishNewKeyAsync(DomainFixture.Admin);
        _clock.Advance(TimeSpan.FromDays(30));

        await _store.ActivateAsync(next, old, DomainFixture.Admin);
        var signedAfter = signer.Sign(Claims(25));

        Assert.Equal(next, Jwt.Header(signedAfter)["kid"]!.GetValue<string>());
        var verifier = await ServedJwksVerifierAsync();
        Assert.Equal(new[] { next, spare, old }.Order(), verifier.KeyIds.Order());
        var before = verifier.Verify(signedBefore);
        var after = verifier.Verify(signedAfter);
        Assert.True(before.IsValid, before.Message);
        Assert.True(after.IsValid, after.Message);
        Assert.Equal((old, 5), (before.KeyId, before.Claims.Seats));
        Assert.Equal((next, 25), (after.KeyId, after.Claims.Seats));
        Assert.Equal(
            [(next, SigningKeyStatus.Active), (spare, SigningKeyStatus.Published), (old, SigningKeyStatus.Retired)],
            (await _store.GetPublishedKeysAsync()).Select(k => (k.KeyId, k.Status)));
        var retired = (await _store.ListAsync(DomainFixture.Admin)).Single(k => k.KeyId == old);
        Assert.Equal((SigningKeyStatus.Retired, Start.AddDays(30)), (retired.Status, retired.RetiredAt));
        Assert.Equal($"License signing key {next} made active; {old} retired and still published.", (await KeyEventsAsync()).Last());

        // Another start of the app reads the same: the new key signs, the old one still verifies.
        var restarted = _database.StartApp(_clock).Store;
        Assert.Equal(next, restarted.Current.KeyId);
        Assert.True(new LicenseKeyVerifier(await TestSigningKeys.JwksAsync(restarted)).Verify(signedBefore).IsValid);
    }

    [Fact]
    public async Task A_retired_key_that_never_signed_stays_in_the_jwks_and_can_never_be_made_active()
    {
        var active = _store.Current.KeyId;
        var published = await _store.PublishNewKeyAsync(DomainFixture.Admin);
        _clock.Advance(TimeSpan.FromDays(2));

        await _store.RetireAsync(published, DomainFixture.Admin);

        Assert.Contains($"\"kid\":\"{published}\"", await new LicenseKeyJwks(_store).GetJsonAsync());
        var error = await Assert.ThrowsAsync<DomainException>(() => _store.ActivateAsync(published, active, DomainFixture.Admin));
        Assert.Equal($"Key {published} was retired on 2026-12-01; a retired key never signs again. Create a new key instead.", error.Message);
        Assert.Equal(active, _store.Current.KeyId);
        Assert.Equal(new Dictionary<string, SigningKeyStatus> { [active] = SigningKeyStatus.Active, [published] = SigningKeyStatus.Retired }, await StoredAsync());
        Assert.Equal($"License signing key {published} retired; it stays published so that anything it signed keeps verifying.", (await KeyEventsAsync()).Last());
    }

    [Fact]
    public async Task The_active_key_cannot_be_retired_and_a_retired_key_not_twice()
    {
        var active = _store.Current.KeyId;
        var published = await _store.PublishNewKeyAsync(DomainFixture.Admin);
        await _store.RetireAsync(published, DomainFixture.Admin);
        var events = await KeyEventsAsync();

        var activeError = await Assert.ThrowsAsync<DomainException>(() => _store.RetireAsync(active, DomainFixture.Admin));
        var twice = await Assert.ThrowsAsync<DomainException>(() => _store.RetireAsync(published, DomainFixture.Admin));
        var unknown = await Assert.ThrowsAsync<DomainException>(() => _store.RetireAsync("no-such-key", DomainFixture.Admin));

        Assert.Equal($"Key {active} is the active key and signs every new license key. Make another key active first; that retires this one.", activeError.Message);
        Assert.Equal($"Key {published} was already retired on 2026-11-29.", twice.Message);
        Assert.Equal("There is no signing key no-such-key.", unknown.Message);
        Assert.Equal(new Dictionary<string, SigningKeyStatus> { [active] = SigningKeyStatus.Active, [published] = SigningKeyStatus.Retired }, await StoredAsync());
        Assert.Equal(events, await KeyEventsAsync());
    }

    public static TheoryData<string, string> NotAdminsByAction()
    {
        var data = new TheoryData<string, string>();
        foreach (var role in new[] { Roles.Sales, Roles.Support, Roles.Customer })
        {
            foreach (var action in new[] { "list", "publish", "activate", "retire" })
                data.Add(role, action);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(NotAdminsByAction))]
    public async Task Only_an_admin_sees_or_changes_the_keys_and_a_refusal_stores_nothing(string role, string action)
    {
        var actor = Actor.Person($"{role}-1", $"{role.ToLowerInvariant()}@example.test", role);
        var active = _store.Current.KeyId;
        var published = await _store.PublishNewKeyAsync(DomainFixture.Admin);
        var stored = await StoredAsync();
        var events = await KeyEventsAsync();

        var error = await Assert.ThrowsAsync<DomainException>(() => action switch
        {
            "list" => _store.ListAsync(actor),
            "publish" => _store.PublishNewKeyAsync(actor),
            "activate" => _store.ActivateAsync(published, active, actor),
            _ => _store.RetireAsync(published, actor),
        });

        Assert.StartsWith("Only Admin staff can ", error.Message);
        Assert.Equal(stored, await StoredAsync());
        Assert.Equal(events, await KeyEventsAsync());
        Assert.Equal(active, _store.Current.KeyId);
    }

    [Fact]
    public async Task Two_admins_making_different_keys_active_at_once_one_wins_and_the_other_is_told()
    {
        var active = _store.Current.KeyId;
        var first = await _store.PublishNewKeyAsync(DomainFixture.Admin);
        var second = await _store.PublishNewKeyAsync(DomainFixture.Admin);
        var otherAdmin = Actor.Person("admin-2", "bo@keymetric.example", Roles.Admin);

        var outcomes = await Task.WhenAll(
            Attempt(() => _store.ActivateAsync(first, active, DomainFixture.Admin)),
            Attempt(() => _store.ActivateAsync(second, active, otherAdmin)));

        var refusal = Assert.Single(outcomes.OfType<DomainException>());
        Assert.Contains("someone else changed the keys a moment ago", refusal.Message);
        var stored = await StoredAsync();
        var winner = Assert.Single(stored, k => k.Value == SigningKeyStatus.Active).Key;
        Assert.Contains(winner, new[] { first, second });
        Assert.Equal(winner, _store.Current.KeyId);
        Assert.Single(await KeyEventsAsync(), e => e.Contains("made active"));
    }

    [Fact]
    public async Task Two_instances_making_keys_active_at_the_same_moment_leave_one_active_key_that_both_sign_with()
    {
        var other = _database.StartApp(_clock).Store;
        var active = _store.Current.KeyId;
        Assert.Equal(active, other.Current.KeyId);
        var first = await _store.PublishNewKeyAsync(DomainFixture.Admin);
        var second = await other.PublishNewKeyAsync(DomainFixture.Admin);

        var outcomes = await Task.WhenAll(
            Attempt(() => _store.ActivateAsync(first, active, DomainFixture.Admin)),
            Attempt(() => other.ActivateAsync(second, active, DomainFixture.Admin)));

        var refusal = Assert.Single(outcomes.OfType<DomainException>());
        Assert.Matches("someone else changed the keys a moment ago|Someone else changed the signing keys at the same moment", refusal.Message);
        var winner = Assert.Single(await StoredAsync(), k => k.Value == SigningKeyStatus.Active).Key;
        // The instance that lost caught up with the database when it was refused.
        Assert.Equal(winner, _store.Current.KeyId);
        Assert.Equal(winner, other.Current.KeyId);
    }

    [Fact]
    public async Task Making_a_key_active_after_someone_else_changed_the_active_key_does_nothing()
    {
        var old = _store.Current.KeyId;
        var next = await _store.PublishNewKeyAsync(DomainFixture.Admin);
        var spare = await _store.PublishNewKeyAsync(DomainFixture.Admin);
        await _store.ActivateAsync(next, old, DomainFixture.Admin);

        var error = await Assert.ThrowsAsync<DomainException>(() => _store.ActivateAsync(spare, old, DomainFixture.Admin));

        Assert.Equal($"The active key is now {next}, not {old}: someone else changed the keys a moment ago. Reload to see them.", error.Message);
        Assert.Equal(next, _store.Current.KeyId);
        Assert.Equal(SigningKeyStatus.Published, (await StoredAsync())[spare]);
    }

    [Fact]
    public async Task Keys_from_configuration_are_listed_read_only_and_cannot_be_changed_here()
    {
        var oldPem = TestSigningKeys.NewPem();
        var store = TestSigningKeys.Store("key-2026", retired: new RetiredPublicKeyOptions { KeyId = "key-2025", PublicKeyPem = TestSigningKeys.PublicPem(oldPem) });

        var listed = await store.ListAsync(DomainFixture.Admin);
        var refusals = new[]
        {
            await Assert.ThrowsAsync<DomainException>(() => store.PublishNewKeyAsync(DomainFixture.Admin)),
            await Assert.ThrowsAsync<DomainException>(() => store.ActivateAsync("key-2025", "key-2026", DomainFixture.Admin)),
            await Assert.ThrowsAsync<DomainException>(() => store.RetireAsync("key-2026", DomainFixture.Admin)),
        };

        Assert.False(store.KeysInDatabase);
        Assert.Equal(
            [new SigningKeyEntry("key-2026", SigningKeyStatus.Active, null, null, HoldsPrivateKey: true, Configured: true),
             new SigningKeyEntry("key-2025", SigningKeyStatus.Retired, null, null, HoldsPrivateKey: false, Configured: true)],
            listed);
        Assert.All(refusals, e => Assert.Equal(SigningKeyStore.ConfiguredRotationMessage, e.Message));
        Assert.Equal("key-2026", store.Current.KeyId);
    }

    private static async Task<Exception?> Attempt(Func<Task> action)
    {
        try
        {
            await Task.Run(action);
            return null;
        }
        catch (DomainException refused)
        {
            return refused;
        }
    }
}
