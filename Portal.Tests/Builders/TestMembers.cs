using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.Members;

namespace Portal.Tests.Builders;

/// <summary>Memberships as tests need them: a user added to an organization with some roles, saved by the caller.</summary>
public static class TestMembers
{
    private static readonly DateTimeOffset JoinedAt = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Adds the membership (Owner unless <paramref name="roles"/> says otherwise) to <paramref name="db"/> and makes it the user's chosen organization.</summary>
    public static PortalUser JoinAs(this PortalUser user, PortalDbContext db, Guid organizationId, MemberRoles roles = MemberRoles.Owner)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(db);
        var membership = Membership.Founder(organizationId, user.Id, JoinedAt);
        membership.ChangeRoles(roles);
        db.Memberships.Add(membership);
        user.ChooseOrganization(organizationId);
        return user;
    }
}
