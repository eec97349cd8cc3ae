namespace Portal.Domain.Outbox;

/// <summary>The <c>Outbox</c> configuration section: how the background worker polls, claims and retries emails.</summary>
public sealed class OutboxSettings
{
    public const string SectionName = "Outbox";

    /// <summary>How often each instance looks for due emails; an email queued in this process wakes it at once.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many due emails one instance claims at a time.</summary>
    public int BatchSize { get; set; } = 20;

    /// <summary>
    /// How long a claim keeps other instances away from a batch. An instance that dies mid-batch releases it when the
    /// lease expires; an instance does not start a send with less than half of its lease left.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Delivery attempts before an email is marked Failed (kept, to be sent again by staff).</summary>
    public int MaxAttempts { get; set; } = 20;

    /// <summary>Wait after the first failure; it doubles with each further failure, with ±20 % jitter.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest wait between two attempts.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The retry delay after <paramref name="failedAttempts"/> failures; <paramref name="jitter"/> is in [0, 1).</summary>
    public TimeSpan RetryDelay(int failedAttempts, double jitter)
    {
        var exponent = Math.Clamp(failedAttempts - 1, 0, 30);
        var baseTicks = Math.Min(FirstRetryDelay.Ticks * Math.Pow(2, exponent), MaxRetryDelay.Ticks);
        var jittered = baseTicks * (0.8 + 0.4 * Math.Clamp(jitter, 0, 1));
        return TimeSpan.FromTicks((long)Math.Min(jittered, MaxRetryDelay.Ticks));
    }

    internal void Validate()
    {
        if (PollInterval <= TimeSpan.Zero || LeaseDuration <= TimeSpan.Zero || FirstRetryDelay <= TimeSpan.Zero || MaxRetryDelay < FirstRetryDelay)
            throw new InvalidOperationException(
                "Outbox:PollInterval, LeaseDuration and FirstRetryDelay must be positive and MaxRetryDelay at least FirstRetryDelay.");
        if (BatchSize < 1 || MaxAttempts < 1)
            throw new InvalidOperationException("Outbox:BatchSize and Outbox:MaxAttempts must be at least 1.");
    }
}
