using Microsoft.EntityFrameworkCore;
using Portal.Domain.Data;

namespace Portal.Domain.Members;

/// <summary>An organization a person belongs to, with their roles there.</summary>
public sealed record MemberOf(Guid OrganizationId, string OrganizationName, MemberRoles Roles);

public static class MembershipQueries
{
    /// <summary>The organizations the person belongs to, by name.</summary>
    public static Task<List<MemberOf>> OrganizationsOfAsync(PortalDbContext db, string userId, CancellationToken cancellationToken = default) =>
        db.Memberships.AsNoTracking()
            .Where(m => m.UserId == userId)
            .Join(db.Organizations, m => m.OrganizationId, o => o.Id, (m, o) => new MemberOf(o.Id, o.Name, m.Roles))
            .OrderBy(m => m.OrganizationName).ThenBy(m => m.OrganizationId)
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
}
