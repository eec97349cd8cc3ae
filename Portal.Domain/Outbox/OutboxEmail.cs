namespace Portal.Domain.Outbox;

/// <summary>
/// An email to queue, as plain data (the domain knows no MIME library). <see cref="To"/> holds one or more addresses,
/// each either <c>ana@fabrikam.example</c> or <c>Ana Ruiz &lt;ana@fabrikam.example&gt;</c>.
/// </summary>
public sealed record OutboxEmail(IReadOnlyList<string> To, string Subject, string? HtmlBody, string TextBody)
{
    public OutboxEmail(string to, string subject, string? htmlBody, string textBody)
        : this([to], subject, htmlBody, textBody)
    {
    }

    public IReadOnlyList<OutboxEmailAttachment> Attachments { get; init; } = [];

    /// <summary>The addresses to send to: blanks dropped, trimmed, each once (letter case aside).</summary>
    public static IReadOnlyList<string> Recipients(IEnumerable<string?> addresses) =>
        addresses.Where(address => !string.IsNullOrWhiteSpace(address))
            .Select(address => address!.Trim())
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();

    /// <summary>
    /// Names the logical email, for example <c>registration:&lt;orderId&gt;</c>: a second email with the same key is
    /// not queued. Leave it null for emails that may legitimately repeat.
    /// </summary>
    public string? DeduplicationKey { get; init; }
}

/// <summary>A file attached to an <see cref="OutboxEmail"/>, for example a <c>.lic</c> license file.</summary>
public sealed record OutboxEmailAttachment(string FileName, string ContentType, byte[] Content);
