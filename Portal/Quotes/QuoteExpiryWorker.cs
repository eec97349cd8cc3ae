using Portal.Domain.Quotes;

namespace Portal.Quotes;

/// <summary>
/// Marks quotes past their valid-until date expired (<see cref="QuoteService.ExpireDueAsync"/>), with their history
/// entry and email, on every instance: once at start, then every <see cref="QuoteSettings.ExpiryInterval"/>, batch after
/// batch while a batch comes back full. Instances racing for a quote are kept apart by its concurrency token. A failed
/// round is logged and the next one tries again; it never stops the host.
/// </summary>
public sealed partial class QuoteExpiryWorker(
    QuoteService quotes, QuoteSettings settings, TimeProvider clock, ILogger<QuoteExpiryWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogStarted(settings.ExpiryInterval);
        while (!stoppingToken.IsCancellationRequested)
        {
            await ExpireDueAsync(stoppingToken);
            try
            {
                await Task.Delay(settings.ExpiryInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
        }
    }

    /// <summary>One round: expires due quotes a batch at a time until a batch is not full. Returns how many were due.</summary>
    public async Task<int> ExpireDueAsync(CancellationToken cancellationToken = default)
    {
        var expired = 0;
        try
        {
            int batch;
            do
            {
                batch = await quotes.ExpireDueAsync(cancellationToken);
                expired += batch;
            }
            while (batch >= QuoteService.ExpiryBatchSize && !cancellationToken.IsCancellationRequested);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return expired;
        }
        catch (Exception exception)
        {
            // Database unreachable, for instance: keep the host up; the next round finds the same quotes.
            LogRoundFailed(exception, settings.ExpiryInterval);
            return expired;
        }
        if (expired > 0)
            LogExpired(expired);
        return expired;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Quote expiry started; a round every {Interval}")]
    private partial void LogStarted(TimeSpan interval);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} quote(s) past their valid-until date marked expired")]
    private partial void LogExpired(int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Quote expiry round failed; trying again in {Interval}")]
    private partial void LogRoundFailed(Exception exception, TimeSpan interval);
}
