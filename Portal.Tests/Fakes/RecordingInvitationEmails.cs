using System.Collections.Concurrent;
using Portal.Domain.Members;

namespace Portal.Tests.Fakes;

/// <summary>Keeps the invitation emails the domain sends, for tests that read their links; fails the next send when told to.</summary>
public sealed class RecordingInvitationEmails : IInvitationEmailSender
{
    private readonly ConcurrentQueue<InvitationEmail> _sent = new();

    public IReadOnlyList<InvitationEmail> Sent => _sent.ToList();

    /// <summary>Set to make the next send fail as a mail server that is down would.</summary>
    public Exception? FailNext { get; set; }

    /// <summary>The token of the latest link sent to the address.</summary>
    public string TokenFor(string address) =>
        Sent.Last(email => string.Equals(email.To, address, StringComparison.OrdinalIgnoreCase)).Link.Segments[^1];

    public Task SendInvitationAsync(InvitationEmail email, CancellationToken cancellationToken = default)
    {
        if (FailNext is { } failure)
        {
            FailNext = null;
            throw failure;
        }
        _sent.Enqueue(email);
        return Task.CompletedTask;
    }
}
