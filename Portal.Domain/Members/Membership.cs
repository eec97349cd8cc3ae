namespace Portal.Domain.Members;

/// <summary>
/// A person's place in an organization, with the roles they hold there. One sign-in may be a member of several
/// organizations (a consultant, a group IT department); the rules across members, such as always keeping an owner,
/// are kept by <see cref="MembershipService"/>.
/// </summary>
public sealed class Membership
{
    private Membership(Guid id, Guid organizationId, string userId, MemberRoles roles, DateTimeOffset joinedAt)
    {
        Id = id;
        OrganizationId = organizationId;
        UserId = userId;
        Roles = roles;
        JoinedAt = joinedAt;
    }

    public Guid Id { get; private set; }
    public Guid OrganizationId { get; private set; }
    public string UserId { get; private set; }
    public MemberRoles Roles { get; private set; }
    public DateTimeOffset JoinedAt { get; private set; }

    public bool IsOwner => Roles.HasFlag(MemberRoles.Owner);

    /// <summary>The person who registers an organization is its first member and its Owner.</summary>
    public static Membership Founder(Guid organizationId, string userId, DateTimeOffset now) =>
        new(Guid.CreateVersion7(now), organizationId, RequireUser(userId), MemberRoles.Owner, now);

    /// <summary>A person joins with the roles their invitation names.</summary>
    internal static Membership Joined(Invitation invitation, string userId, DateTimeOffset now) =>
        new(Guid.CreateVersion7(now), invitation.OrganizationId, RequireUser(userId), invitation.Roles, now);

    internal void ChangeRoles(MemberRoles roles) => Roles = roles.EnsureKnown();

    private static string RequireUser(string userId) =>
        string.IsNullOrWhiteSpace(userId) ? throw new DomainException("A member needs an account.") : userId;
}
