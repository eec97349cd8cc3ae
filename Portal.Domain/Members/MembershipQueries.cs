using Microsoft.EntityFrameworkCore;
using Portal.Domain.Data;

namespace Portal.Domain.Members;

/// <summary>An organization a person belongs to, with their roles there.</summary>
public sealed record MemberOf(Guid OrganizationId, string OrganizationName, MemberRoles Roles);

/// <summary>An invitation waiting for its answer, as owners and staff see it; <see cref="IsExpired"/> ones can be sent again.</summary>
public sealed record PendingInvitation(
    Guid Id, string Email, MemberRoles Roles, string InvitedBy, DateTimeOffset SentAt, DateTimeOffset ExpiresAt, int TimesSent, bool IsExpired);

public static class MembershipQueries
{
    /// <summary>The organizations the person belongs to, by name.</summary>
    public static Task<List<MemberOf>> OrganizationsOfAsync(PortalDbContext db, string userId, CancellationToken cancellationToken = default) =>
        db.Memberships.AsNoTracking()
            .Where(m => m.UserId == userId)
            .Join(db.Organizations, m => m.OrganizationId, o => o.Id, (m, o) => new { o.Id, o.Name, m.Roles })
            // Ordered before the record is made: EF cannot translate an order by a property of a constructed record.
            .OrderBy(m => m.Name).ThenBy(m => m.Id)
            .Select(m => new MemberOf(m.Id, m.Name, m.Roles))
            .ToListAsync(cancellationToken);

    /// <summary>
    /// The organization a sign-in works in: the one the person chose while they are a member of it, else the one they
    /// joined first; null for a person who belongs to none.
    /// </summary>
    public static Task<MemberOf?> CurrentAsync(PortalDbContext db, string userId, Guid? chosenOrganizationId, CancellationToken cancellationToken = default) =>
        db.Memberships.AsNoTracking()
            .Where(m => m.UserId == userId)
            .OrderBy(m => m.OrganizationId == chosenOrganizationId ? 0 : 1).ThenBy(m => m.JoinedAt).ThenBy(m => m.Id)
            .Join(db.Organizations, m => m.OrganizationId, o => o.Id, (m, o) => new MemberOf(o.Id, o.Name, m.Roles))
            .FirstOrDefaultAsync(cancellationToken);

    /// <summary>The organization's invitations not yet accepted or withdrawn, newest first; expired ones too, marked.</summary>
    public static async Task<List<PendingInvitation>> PendingInvitationsAsync(
        PortalDbContext db, Guid organizationId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var rows = await db.Invitations.AsNoTracking()
            .Where(i => i.OrganizationId == organizationId && i.Status == InvitationStatus.Pending)
            .OrderByDescending(i => i.SentAt).ThenBy(i => i.Id)
            .Select(i => new
            {
                i.Id, i.Email, i.Roles, i.SentAt, i.ExpiresAt, i.TimesSent,
                InvitedBy = db.Users.Where(u => u.Id == i.InvitedByUserId).Select(u => u.Email).FirstOrDefault(),
            })
            .ToListAsync(cancellationToken);
        return rows.Select(i => new PendingInvitation(
            i.Id, i.Email, i.Roles, i.InvitedBy ?? "", i.SentAt, i.ExpiresAt, i.TimesSent, i.ExpiresAt <= now)).ToList();
    }
}
