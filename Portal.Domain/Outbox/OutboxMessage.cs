using System.Net.Mail;

namespace Portal.Domain.Outbox;

/// <summary>
/// An email as a row (docs/architecture.md#outbox): written in the same transaction as the business change that causes it, then sent by
/// the outbox worker of whichever instance claims it first, retried with backoff, never deleted.
/// </summary>
public sealed class OutboxMessage
{
    public const int SubjectMaxLength = 300;
    public const int DeduplicationKeyMaxLength = 200;
    public const int LockedByMaxLength = 150;
    public const int LastErrorMaxLength = 2000;
    public const int MaxRecipients = 50;
    public const int MaxAttachmentBytes = 10 * 1024 * 1024;

    private readonly List<OutboxAttachment> _attachments = [];

    private OutboxMessage(Guid id, IReadOnlyList<string> to, string subject, string? htmlBody, string textBody, string? deduplicationKey, DateTimeOffset createdAt)
    {
        Id = id;
        To = to;
        Subject = subject;
        HtmlBody = htmlBody;
        TextBody = textBody;
        DeduplicationKey = deduplicationKey;
        CreatedAt = createdAt;
        NextAttemptAt = createdAt;
        Status = OutboxStatus.Pending;
    }

    public Guid Id { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>One or more recipients, each an address or <c>Name &lt;address&gt;</c>.</summary>
    public IReadOnlyList<string> To { get; private set; }

    public string Subject { get; private set; }
    public string? HtmlBody { get; private set; }
    public string TextBody { get; private set; }
    public IReadOnlyList<OutboxAttachment> Attachments => _attachments;

    /// <summary>Unique when set: the same logical email (e.g. <c>registration:&lt;orderId&gt;</c>) is queued once.</summary>
    public string? DeduplicationKey { get; private set; }

    public OutboxStatus Status { get; private set; }

    /// <summary>Delivery attempts made so far, the successful one included.</summary>
    public int Attempts { get; private set; }

    /// <summary>Not sent before this time (set to a backoff after each failure).</summary>
    public DateTimeOffset NextAttemptAt { get; private set; }

    public string? LastError { get; private set; }
    public DateTimeOffset? SentAt { get; private set; }

    /// <summary>The claim (instance and claim id) that holds this message until <see cref="LockedUntil"/>; a concurrency token.</summary>
    public string? LockedBy { get; private set; }

    public DateTimeOffset? LockedUntil { get; private set; }

    public static OutboxMessage Create(OutboxEmail email, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(email);
        var to = (email.To ?? []).Select(address => address?.Trim() ?? "").ToList();
        if (to.Count == 0)
            throw new DomainException("An email needs at least one recipient.");
        if (to.Count > MaxRecipients)
            throw new DomainException($"An email can have at most {MaxRecipients} recipients.");
        foreach (var address in to)
        {
            if (!MailAddress.TryCreate(address, out _))
                throw new DomainException($"'{address}' is not a valid email address.");
        }
        var subject = email.Subject?.Trim() ?? "";
        if (subject.Length == 0 || subject.Length > SubjectMaxLength)
            throw new DomainException($"An email needs a subject of at most {SubjectMaxLength} characters.");
        if (string.IsNullOrWhiteSpace(email.TextBody))
            throw new DomainException("An email needs a plain-text body.");
        var key = string.IsNullOrWhiteSpace(email.DeduplicationKey) ? null : email.DeduplicationKey.Trim();
        if (key?.Length > DeduplicationKeyMaxLength)
            throw new DomainException($"A deduplication key can have at most {DeduplicationKeyMaxLength} characters.");

        var message = new OutboxMessage(Guid.CreateVersion7(now), to, subject, email.HtmlBody, email.TextBody, key, now);
        foreach (var attachment in email.Attachments ?? [])
            message._attachments.Add(OutboxAttachment.Create(message.Id, attachment));
        if (message._attachments.Sum(a => (long)a.Content.Length) > MaxAttachmentBytes)
            throw new DomainException($"The attachments of an email can have at most {MaxAttachmentBytes / (1024 * 1024)} MB.");
        return message;
    }

    /// <summary>The mail server took the message: done for good.</summary>
    public void MarkSent(DateTimeOffset now)
    {
        RequirePending();
        Attempts++;
        Status = OutboxStatus.Sent;
        SentAt = now;
        ReleaseLease();
    }

    /// <summary>
    /// A delivery attempt failed: keep the error and wait an exponential, jittered backoff, or give up (Failed) after
    /// <see cref="OutboxSettings.MaxAttempts"/>. Returns true when the message has just failed permanently.
    /// </summary>
    public bool RecordFailure(DateTimeOffset now, string error, OutboxSettings settings, double jitter)
    {
        ArgumentNullException.ThrowIfNull(settings);
        RequirePending();
        Attempts++;
        LastError = Truncate(string.IsNullOrWhiteSpace(error) ? "Unknown error" : error, LastErrorMaxLength);
        ReleaseLease();
        if (Attempts >= settings.MaxAttempts)
        {
            Status = OutboxStatus.Failed;
            return true;
        }
        NextAttemptAt = now + settings.RetryDelay(Attempts, jitter);
        return false;
    }

    /// <summary>Staff send a permanently failed email again: it gets a fresh series of attempts, starting now.</summary>
    public void Retry(DateTimeOffset now)
    {
        if (Status != OutboxStatus.Failed)
            throw new DomainException("Only an email that failed permanently can be sent again this way.");
        Status = OutboxStatus.Pending;
        Attempts = 0;
        NextAttemptAt = now;
        ReleaseLease();
    }

    /// <summary>Gives the message back to the queue without counting an attempt (e.g. on shutdown).</summary>
    public void ReleaseLease()
    {
        LockedBy = null;
        LockedUntil = null;
    }

    private void RequirePending()
    {
        if (Status != OutboxStatus.Pending)
            throw new DomainException($"The email {Id} is {Status}, not pending.");
    }

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];
}

/// <summary>A file attached to an <see cref="OutboxMessage"/>.</summary>
public sealed class OutboxAttachment
{
    public const int FileNameMaxLength = 200;
    public const int ContentTypeMaxLength = 100;

    private OutboxAttachment(Guid id, Guid messageId, string fileName, string contentType, byte[] content)
    {
        Id = id;
        MessageId = messageId;
        FileName = fileName;
        ContentType = contentType;
        Content = content;
    }

    public Guid Id { get; private set; }
    public Guid MessageId { get; private set; }
    public string FileName { get; private set; }
    public string ContentType { get; private set; }
    public byte[] Content { get; private set; }

    internal static OutboxAttachment Create(Guid messageId, OutboxEmailAttachment attachment)
    {
        ArgumentNullException.ThrowIfNull(attachment);
        var fileName = attachment.FileName?.Trim() ?? "";
        if (fileName.Length == 0 || fileName.Length > FileNameMaxLength || fileName.IndexOfAny(['/', '\\', '\r', '\n']) >= 0)
            throw new DomainException($"An attachment needs a file name of at most {FileNameMaxLength} characters, without a folder.");
        var contentType = attachment.ContentType?.Trim() ?? "";
        if (contentType.Length == 0 || contentType.Length > ContentTypeMaxLength || !contentType.Contains('/'))
            throw new DomainException($"The attachment {fileName} needs a content type such as application/octet-stream.");
        if (attachment.Content is null)
            throw new DomainException($"The attachment {fileName} has no content.");
        return new OutboxAttachment(Guid.CreateVersion7(), messageId, fileName, contentType, attachment.Content.ToArray());
    }
}
