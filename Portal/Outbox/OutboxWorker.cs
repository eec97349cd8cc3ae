using Microsoft.Extensions.Options;
using Portal.Domain.Outbox;

namespace Portal.Outbox;

/// <summary>
/// Sends the outbox (docs/architecture.md#outbox) on every instance at once (docs/architecture.md#several-instances): polls every <see cref="OutboxSettings.PollInterval"/>
/// or as soon as this process queues an email, claims a batch of due emails with a lease, sends each through
/// <see cref="IMailDelivery"/> and records the result. A failure never stops the loop; the email is retried later.
/// </summary>
public sealed partial class OutboxWorker(
    OutboxQueue queue,
    IMailDelivery delivery,
    IOptions<SmtpSettings> smtp,
    OutboxSignal signal,
    TimeProvider clock,
    ILogger<OutboxWorker> logger) : BackgroundService
{
    /// <summary>Names this instance in the claims it writes (<c>LockedBy</c>), for diagnostics.</summary>
    public string WorkerName { get; init; } = $"{Environment.MachineName}/{Environment.ProcessId}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogStarted(WorkerName, queue.Settings.PollInterval);
        while (!stoppingToken.IsCancellationRequested)
        {
            var claimed = 0;
            try
            {
                claimed = await SendDueAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                // Database unreachable, for instance: keep the host up and try again at the next poll.
                LogPollFailed(exception);
            }

            // A full batch suggests more are due: claim again at once.
            if (claimed >= queue.Settings.BatchSize)
                continue;
            try
            {
                await signal.WaitAsync(queue.Settings.PollInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
        }
    }

    /// <summary>One pass: claims a batch of due emails and tries to send each once. Returns how many were claimed.</summary>
    public async Task<int> SendDueAsync(CancellationToken cancellationToken = default)
    {
        var batch = await queue.ClaimAsync(WorkerName, cancellationToken);
        for (var index = 0; index < batch.Count; index++)
        {
            var message = batch[index];
            if (cancellationToken.IsCancellationRequested || !queue.HasTimeToSend(message))
            {
                // Shutting down, or the lease is running out: give the rest back rather than risk a second sender.
                foreach (var unsent in batch.Skip(index))
                    await queue.ReleaseAsync(unsent, CancellationToken.None);
                cancellationToken.ThrowIfCancellationRequested();
                break;
            }
            await SendAsync(message, cancellationToken);
        }
        return batch.Count;
    }

    private async Task SendAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await delivery.DeliverAsync(OutboxMimeMessage.Create(message, smtp.Value), cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await queue.ReleaseAsync(message, CancellationToken.None);
            throw;
        }
        catch (Exception exception)
        {
            var error = $"{exception.GetType().Name}: {exception.Message}";
            var outcome = await queue.RecordFailureAsync(message, error, CancellationToken.None);
            switch (outcome)
            {
                case OutboxOutcome.FailedPermanently:
                    LogFailedPermanently(exception, message.Id, message.Subject, message.Attempts);
                    break;
                case OutboxOutcome.LeaseLost:
                    LogLeaseLost(message.Id);
                    break;
                default:
                    LogAttemptFailed(exception, message.Id, message.Attempts, message.NextAttemptAt);
                    break;
            }
            return;
        }

        if (await queue.MarkSentAsync(message, CancellationToken.None) == OutboxOutcome.LeaseLost)
            LogLeaseLost(message.Id);
        else
            LogSent(message.Id, message.Subject, message.To.Count, message.Attempts);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox worker {Worker} started; polling every {PollInterval}")]
    private partial void LogStarted(string worker, TimeSpan pollInterval);

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox email {MessageId} '{Subject}' sent to {RecipientCount} recipient(s) at attempt {Attempt}")]
    private partial void LogSent(Guid messageId, string subject, int recipientCount, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox email {MessageId} failed at attempt {Attempt}; next attempt at {NextAttemptAt}")]
    private partial void LogAttemptFailed(Exception exception, Guid messageId, int attempt, DateTimeOffset nextAttemptAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox email {MessageId} '{Subject}' failed permanently after {Attempt} attempts; it stays in the outbox to be sent again")]
    private partial void LogFailedPermanently(Exception exception, Guid messageId, string subject, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox email {MessageId}: the claim expired before its result was recorded; another claim holds it now")]
    private partial void LogLeaseLost(Guid messageId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox poll failed; trying again at the next poll")]
    private partial void LogPollFailed(Exception exception);
}
