using MimeKit;
using Portal.Domain.Outbox;

namespace Portal.Outbox;

/// <summary>Turns an outbox row (plain data) into the MIME message that <see cref="IMailDelivery"/> sends.</summary>
public static class OutboxMimeMessage
{
    public static MimeMessage Create(OutboxMessage message, SmtpSettings settings)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(settings);
        var email = new MimeMessage();
        email.From.Add(new MailboxAddress(settings.FromName, settings.FromAddress));
        foreach (var to in message.To)
            email.To.Add(MailboxAddress.Parse(to));
        email.Subject = message.Subject;
        email.Date = message.CreatedAt;
        // The same Message-ID on every attempt: a receiving server or client can spot a repeated delivery.
        email.MessageId = $"{message.Id:N}@{Domain(settings.FromAddress)}";

        var body = new BodyBuilder { HtmlBody = message.HtmlBody, TextBody = message.TextBody };
        foreach (var attachment in message.Attachments)
        {
            // Base64 even for text files: the receiver gets the exact bytes (a text/* part would have its line endings rewritten).
            var part = (MimePart)body.Attachments.Add(attachment.FileName, attachment.Content, ContentType.Parse(attachment.ContentType));
            part.ContentTransferEncoding = ContentEncoding.Base64;
        }
        email.Body = body.ToMessageBody();
        return email;
    }

    private static string Domain(string address)
    {
        var at = address.LastIndexOf('@');
        return at >= 0 && at < address.Length - 1 ? address[(at + 1)..] : "portal.local";
    }
}
