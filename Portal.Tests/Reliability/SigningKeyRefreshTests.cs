using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Portal.Domain.Keys;
using Portal.Keys;
using Portal.Tests.Builders;
using Portal.Tests.Keys;

namespace Portal.Tests.Reliability;

/// <summary>
/// Database-mode signing keys (Development) with two instances on one database: a rotation made on one instance is
/// picked up by the other within <see cref="SigningKeyStore.RefreshInterval"/>, without a restart.
/// </summary>
public sealed class SigningKeyRefreshTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 29, 10, 0, 0, TimeSpan.Zero));
    private KeysDatabase _database = null!;
    private SigningKeyStore _a = null!;
    private SigningKeyStore _b = null!;

    public async Task InitializeAsync()
    {
        _database = await KeysDatabase.CreateAsync();
        _a = _database.StartApp(_clock).Store;
        _b = _database.StartApp(_clock).Store;
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task A_key_published_and_activated_on_one_instance_is_published_and_used_by_the_other_after_a_refresh()
    {
        var first = _a.Current.KeyId;
        Assert.Equal(first, _b.Current.KeyId);

        var published = await _a.PublishNewKeyAsync(DomainFixture.Admin);
        var publishedOnBBeforeRefresh = await KeyIdsAsync(_b);
        await _b.RefreshAsync();
        var publishedOnB = await KeyIdsAsync(_b);
        await _a.ActivateAsync(published, first, DomainFixture.Admin);
        var signingOnBBeforeRefresh = _b.Current.KeyId;
        await _b.RefreshAsync();

        Assert.DoesNotContain(published, publishedOnBBeforeRefresh);
        Assert.Equal(new[] { first, published }.Order(), publishedOnB.Order());
        Assert.Equal(first, signingOnBBeforeRefresh);
        Assert.Equal(published, _b.Current.KeyId);
        Assert.Equal([published, first], await KeyIdsAsync(_b));
    }

    [Fact]
    public async Task Each_instance_refreshes_its_keys_every_refresh_interval()
    {
        var first = _b.Current.KeyId;
        using var refresh = new SigningKeyRefresh(_b, _clock, NullLogger<SigningKeyRefresh>.Instance);
        await refresh.StartAsync(CancellationToken.None);
        var published = await _a.PublishNewKeyAsync(DomainFixture.Admin);
        await _a.ActivateAsync(published, first, DomainFixture.Admin);

        // The service may not have started waiting yet when the clock first moves (a busy machine), so the clock moves
        // one interval at a time until the refresh happens: what counts is that a refresh follows the interval.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (_b.Current.KeyId != published && DateTime.UtcNow < deadline)
        {
            _clock.Advance(SigningKeyStore.RefreshInterval);
            await Task.Delay(50);
        }
        await refresh.StopAsync(CancellationToken.None);

        Assert.Equal(published, _b.Current.KeyId);
    }

    private static async Task<List<string>> KeyIdsAsync(SigningKeyStore store) =>
        (await store.GetPublishedKeysAsync()).Select(key => key.KeyId).ToList();
}
