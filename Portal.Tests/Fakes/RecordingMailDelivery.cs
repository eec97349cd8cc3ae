using System.Collections.Concurrent;
using MimeKit;
using Portal.Outbox;

namespace Portal.Tests.Fakes;

/// <summary>Account emails as the pages send them directly (not through the outbox): kept for the test to read, or refused.</summary>
public sealed class RecordingMailDelivery : IMailDelivery
{
    public ConcurrentQueue<MimeMessage> Sent { get; } = new();

    /// <summary>While true, every delivery fails as an unreachable SMTP server would.</summary>
    public bool Failing { get; set; }

    public Task DeliverAsync(MimeMessage message, CancellationToken cancellationToken = default)
    {
        if (Failing)
            throw new IOException("The SMTP server did not answer.");
        Sent.Enqueue(message);
        return Task.CompletedTask;
    }
}
