namespace Portal.Domain.Outbox;

public enum OutboxStatus
{
    /// <summary>Waiting to be sent, or to be retried at <see cref="OutboxMessage.NextAttemptAt"/>.</summary>
    Pending,

    /// <summary>Handed to the mail server.</summary>
    Sent,

    /// <summary>Gave up after <see cref="OutboxSettings.MaxAttempts"/>; kept so that staff can send it again.</summary>
    Failed,
}
