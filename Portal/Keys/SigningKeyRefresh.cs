using Portal.Domain.Keys;

namespace Portal.Keys;

/// <summary>
/// Database mode (Development): re-reads the signing keys every <see cref="SigningKeyStore.RefreshInterval"/>, so that
/// with several instances a key an admin publishes, activates or retires on one is published and used by all of them
/// within that time. With keys from configuration there is nothing to re-read: every instance has the same settings.
/// </summary>
public sealed partial class SigningKeyRefresh(SigningKeyStore keys, TimeProvider clock, ILogger<SigningKeyRefresh> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!keys.KeysInDatabase)
            return;
        using var timer = new PeriodicTimer(SigningKeyStore.RefreshInterval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await keys.RefreshAsync(stoppingToken);
                }
                catch (Exception failure) when (failure is not OperationCanceledException)
                {
                    // The database may be unreachable for a moment: keep signing with the keys already loaded.
                    LogRefreshFailed(failure);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The license signing keys could not be read again; the loaded ones stay in use until the next try")]
    private partial void LogRefreshFailed(Exception exception);
}
