namespace Portal.Domain.Ordering;

/// <summary>A payment provider's event that has been handled; its id is unique, so each event is handled once.</summary>
public sealed class ProcessedPaymentEvent(string id, string type, DateTimeOffset receivedAt)
{
    public string Id { get; private set; } = id;
    public string Type { get; private set; } = type;
    public DateTimeOffset ReceivedAt { get; private set; } = receivedAt;
}
