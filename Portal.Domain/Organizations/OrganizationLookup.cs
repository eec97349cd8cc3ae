using Microsoft.EntityFrameworkCore;
using Portal.Domain.Data;

namespace Portal.Domain.Organizations;

/// <summary>An organization to pick in a form or a filter.</summary>
public sealed record OrganizationChoice(Guid Id, string Name, string BillingEmail);

/// <summary>Staff find an organization by part of its name or billing email (a picker's server-side search).</summary>
public static class OrganizationLookup
{
    public const int MaxResults = 20;

    /// <summary>
    /// Organizations whose name or billing email contains <paramref name="text"/> (letter case aside, for ASCII letters),
    /// by name, at most <paramref name="limit"/>; the first ones by name when there is no text.
    /// </summary>
    public static async Task<IReadOnlyList<OrganizationChoice>> SearchAsync(
        PortalDbContext db, string? text, int limit = MaxResults, CancellationToken cancellationToken = default)
    {
        var organizations = db.Organizations.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(text))
        {
            var pattern = LikePattern.Containing(text.Trim());
            organizations = organizations.Where(o => EF.Functions.Like(o.Name, pattern, LikePattern.Escape) || EF.Functions.Like(o.BillingEmail, pattern, LikePattern.Escape));
        }
        return await organizations
            .OrderBy(o => o.Name).ThenBy(o => o.Id)
            .Take(Math.Clamp(limit, 1, MaxResults))
            .Select(o => new OrganizationChoice(o.Id, o.Name, o.BillingEmail))
            .ToListAsync(cancellationToken);
    }
}
