using MimeKit;

namespace Portal.Outbox;

/// <summary>Hands a finished message to the outside world: an SMTP server, or a pickup folder in Development.</summary>
public interface IMailDelivery
{
    Task DeliverAsync(MimeMessage message, CancellationToken cancellationToken = default);
}
