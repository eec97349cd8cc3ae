using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Portal.Domain.Members;

public enum InvitationStatus
{
    Pending,
    Accepted,
    Withdrawn,
}

/// <summary>
/// An owner's invitation of a person, by email address, to join the organization with some roles. Its link carries a
/// random token that Portal keeps only as a hash; it is good once, for <see cref="ValidFor"/>, and only for the invited
/// address (docs/rules.md#members).
/// </summary>
public sealed class Invitation
{
    public static readonly TimeSpan ValidFor = TimeSpan.FromDays(7);

    /// <summary>How many invitations an organization may have waiting at once.</summary>
    public const int MaxPending = 20;

    public const int TokenHashLength = 64;

    private Invitation(Guid id, Guid organizationId, string email, MemberRoles roles, string invitedByUserId, DateTimeOffset invitedAt)
    {
        Id = id;
        OrganizationId = organizationId;
        Email = email;
        NormalizedEmail = Normalize(email);
        Roles = roles;
        InvitedByUserId = invitedByUserId;
        InvitedAt = invitedAt;
        TokenHash = "";
        Version = Guid.NewGuid();
    }

    public Guid Id { get; private set; }
    public Guid OrganizationId { get; private set; }
    public string Email { get; private set; }

    /// <summary>The address as compared: trimmed and upper-case, as Identity normalizes user emails.</summary>
    public string NormalizedEmail { get; private set; }

    public MemberRoles Roles { get; private set; }
    public string InvitedByUserId { get; private set; }
    public DateTimeOffset InvitedAt { get; private set; }
    public InvitationStatus Status { get; private set; }

    /// <summary>The SHA-256 of the link's token, hex: the token itself is only in the email.</summary>
    public string TokenHash { get; private set; }

    /// <summary>When the link was last sent; a re-send makes a new link, valid from then.</summary>
    public DateTimeOffset SentAt { get; private set; }

    public DateTimeOffset ExpiresAt { get; private set; }
    public int TimesSent { get; private set; }

    /// <summary>When it was accepted or withdrawn.</summary>
    public DateTimeOffset? ClosedAt { get; private set; }

    public string? AcceptedByUserId { get; private set; }

    /// <summary>Changes with every change, so that two people answering one invitation at the same moment cannot both succeed.</summary>
    public Guid Version { get; private set; }

    public bool IsPendingAt(DateTimeOffset now) => Status == InvitationStatus.Pending && now < ExpiresAt;

    /// <summary>A new invitation and the token for its link (returned once, never stored).</summary>
    internal static (Invitation Invitation, string Token) Create(
        Guid organizationId, string email, MemberRoles roles, string invitedByUserId, DateTimeOffset now)
    {
        var address = ValidEmail(email);
        var invitation = new Invitation(Guid.CreateVersion7(now), organizationId, address, roles.EnsureKnown(), invitedByUserId, now);
        return (invitation, invitation.NewLink(now));
    }

    /// <summary>Sends the invitation again: a new link, valid <see cref="ValidFor"/> from now; the old link stops working.</summary>
    internal string Resend(DateTimeOffset now)
    {
        if (Status != InvitationStatus.Pending)
            throw new DomainException($"This invitation was {Status.ToString().ToLowerInvariant()}; it cannot be sent again.");
        return NewLink(now);
    }

    internal void Withdraw(DateTimeOffset now)
    {
        if (Status != InvitationStatus.Pending)
            throw new DomainException($"This invitation was already {Status.ToString().ToLowerInvariant()}.");
        Close(InvitationStatus.Withdrawn, now);
    }

    /// <summary>The invited person accepts: the invitation is used up, and only their own address may use it.</summary>
    internal void Accept(string userId, string? userEmail, DateTimeOffset now)
    {
        if (Status != InvitationStatus.Pending)
            throw new DomainException(Status == InvitationStatus.Accepted
                ? "This invitation was already accepted. Sign in to reach the organization."
                : "This invitation was withdrawn. Ask the organization's owner for a new one.");
        if (now >= ExpiresAt)
            throw new DomainException("This invitation has expired. Ask the organization's owner to send it again.");
        if (userEmail is null || Normalize(userEmail) != NormalizedEmail)
            throw new DomainException($"This invitation is for {Email}. Sign in with that address to accept it.");
        AcceptedByUserId = userId;
        Close(InvitationStatus.Accepted, now);
    }

    /// <summary>The hash a token is stored and looked up by.</summary>
    public static string HashToken(string token) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token ?? "")));

    public static string Normalize(string email) => email.Trim().ToUpperInvariant();

    private string NewLink(DateTimeOffset now)
    {
        var token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        TokenHash = HashToken(token);
        SentAt = now;
        ExpiresAt = now + ValidFor;
        TimesSent++;
        Version = Guid.NewGuid();
        return token;
    }

    private void Close(InvitationStatus status, DateTimeOffset now)
    {
        Status = status;
        ClosedAt = now;
        Version = Guid.NewGuid();
    }

    private static string ValidEmail(string email)
    {
        var address = email?.Trim() ?? "";
        if (address.Length == 0)
            throw new DomainException("Enter the email address of the person to invite.");
        if (address.Length > Organizations.Organization.EmailMaxLength)
            throw new DomainException($"An email address can have at most {Organizations.Organization.EmailMaxLength} characters.");
        if (!System.Net.Mail.MailAddress.TryCreate(address, out var parsed) || parsed.Address != address)
            throw new DomainException($"'{address}' is not an email address.");
        return address;
    }
}
