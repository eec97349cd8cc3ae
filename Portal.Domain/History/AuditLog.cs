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
    /// <summary>
    /// False when the history goes on past <see cref="TotalCount"/>: counting stopped a few pages after this one
    /// (<see cref="AuditLog.LicenseHistoryAsync"/>), and there is at least one more page than <see cref="TotalCount"/> fills.
    /// </summary>
    public bool TotalIsExact { get; init; } = true;

    public int PageCount => TotalIsExact ? (TotalCount + PageSize - 1) / PageSize : TotalCount / PageSize + 1;
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

    /// <summary>How many pages past the one asked for <see cref="LicenseHistoryAsync"/> counts events.</summary>
    public const int CountedPagesAhead = 10;

    /// <summary>
    /// An organization's license history, newest first, one page at a time. The cost follows the page, not the length
    /// of the history: events are counted only up to <see cref="CountedPagesAhead"/> pages past this one (the total is
    /// then not exact, see <see cref="HistoryPage.TotalIsExact"/>), since counting a long history was what grew
    /// (docs/performance.md).
    /// </summary>
    public static async Task<HistoryPage> LicenseHistoryAsync(
        PortalDbContext db, Guid organizationId, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        page = Math.Max(page, 1);
        pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
        var events = db.AuditEvents.AsNoTracking()
            .Where(e => e.OrganizationId == organizationId && e.VisibleToCustomer);
        var countUpTo = (page + CountedPagesAhead) * pageSize;
        var counted = await events.Take(countUpTo + 1).CountAsync(cancellationToken);
        var entries = await events
            .OrderByDescending(e => e.Id)
            .Skip((page - 1) * pageSize).Take(pageSize)
            .Select(e => new HistoryEntry(e.OccurredAt, e.ActorName, e.Action, e.Summary))
            .ToListAsync(cancellationToken);
        return counted > countUpTo
            ? new HistoryPage(entries, page, pageSize, countUpTo) { TotalIsExact = false }
            : new HistoryPage(entries, page, pageSize, counted);
    }
}
