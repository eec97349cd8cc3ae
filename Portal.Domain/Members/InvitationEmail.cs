namespace Portal.Domain.Members;

/// <summary>What an invitation email says: who invites whom to which organization, with which roles, until when, and the link.</summary>
public sealed record InvitationEmail(string To, string OrganizationName, string InvitedBy, MemberRoles Roles, DateTimeOffset ExpiresAt, Uri Link);

/// <summary>
/// Sends invitation emails the way account emails go (the host's mail delivery), not through the outbox: the link's
/// token must never be stored, and an outbox message keeps its body (decision 0015).
/// </summary>
public interface IInvitationEmailSender
{
    Task SendInvitationAsync(InvitationEmail email, CancellationToken cancellationToken = default);
}
