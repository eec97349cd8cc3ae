using Microsoft.EntityFrameworkCore;
using Portal.Domain.Accounts;
using Portal.Domain.Data;

namespace Portal.Domain.History;

public sealed record HistoryEntry(DateTimeOffset OccurredAt, string ActorName, string Action, string Summary)
{
    /// <summary>False for a staff-only event; only staff pages read those.</summary>
    public bool VisibleToCustomer { get; init; } = true;
}

public sealed record HistoryPage(IReadOnlyList<HistoryEntry> Entries, int Page, int PageSize, int TotalCount)
{
    public int PageCount => (TotalCount + PageSize - 1) / PageSize;
}

/// <summary>Writes audit events into the caller's unit of work, so an event commits together with its change.</summary>
public sealed class AuditLog(TimeProvider clock)
{
    public const int MaxPageSize = 100;

    public AuditEvent Record(
        PortalDbContext db, Actor actor, string action, string entityType, object entityId, Guid? organizationId,
        string summary, string? details = null, bool visibleToCustomer = true)
    {
        var audit = AuditEvent.Create(clock.GetUtcNow(), actor, action, entityType, entityId.ToString() ?? "",
            organizationId, visibleToCustomer, summary, details);
        db.AuditEvents.Add(audit);
        return audit;
    }

    /// <summary>An organization's license history, newest first, one page at a time (cost O(page)).</summary>
    public static async Task<HistoryPage> LicenseHistoryAsync(
        PortalDbContext db, Guid organizationId, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        page = Math.Max(page, 1);
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        var events = db.AuditEvents.AsNoTracking()
            .Where(e => e.OrganizationId == organizationId && e.VisibleToCustomer);
        var total = await events.CountAsync(cancellationToken);
        var entries = await events
            .OrderByDescending(e => e.Id)
            .Skip((page - 1) * pageSize).Take(pageSize)
            .Select(e => new HistoryEntry(e.OccurredAt, e.ActorName, e.Action, e.Summary))
            .ToListAsync(cancellationToken);
        return new HistoryPage(entries, page, pageSize, total);
    }
}
