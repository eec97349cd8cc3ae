using Microsoft.EntityFrameworkCore;
using Portal.Domain.Data;

namespace Portal.Domain.History;

/// <summary>Which audit events to show by who may see them.</summary>
public enum AuditVisibility
{
    All,

    /// <summary>Events that are part of a customer's license history.</summary>
    CustomerVisible,

    /// <summary>Events only staff see (staff accounts, internal steps).</summary>
    StaffOnly,
}

/// <summary>
/// One page of the audit log, newest first. Filters are combined; null or blank means any. <see cref="From"/> and
/// <see cref="To"/> are whole UTC days, both included.
/// </summary>
public sealed record AuditQuery(
    Guid? OrganizationId = null,
    string? ActionPrefix = null,
    string? ActorName = null,
    DateOnly? From = null,
    DateOnly? To = null,
    AuditVisibility Visibility = AuditVisibility.All,
    int Page = 1,
    int PageSize = 25);

public sealed record AuditRow(
    long Id,
    DateTimeOffset OccurredAt,
    string ActorName,
    string Action,
    string EntityType,
    string EntityId,
    Guid? OrganizationId,
    string? OrganizationName,
    bool VisibleToCustomer,
    string Summary,
    string? Details);

public sealed record AuditListPage(IReadOnlyList<AuditRow> Rows, int TotalCount);

/// <summary>
/// The staff read side of the audit log: every event, customer-visible or not. A page costs O(page) when it is read in
/// id order: with an organization, the (organization, id, visible) index serves it; without one, the primary key. The
/// other filters (action, actor, dates) have no index and are checked row by row in id order.
/// </summary>
public static class AuditQueries
{
    /// <summary>Every audit event matching the query, newest first, one page at a time, with the organization's name.</summary>
    public static async Task<AuditListPage> SearchAsync(PortalDbContext db, AuditQuery query, CancellationToken cancellationToken = default)
    {
        var page = Math.Max(query.Page, 1);
        var pageSize = Math.Clamp(query.PageSize, 1, AuditLog.MaxPageSize);
        var events = Filter(db.AuditEvents.AsNoTracking(), query);

        var total = await events.CountAsync(cancellationToken);
        var rows = await events
            .OrderByDescending(e => e.Id)
            .Skip((page - 1) * pageSize).Take(pageSize)
            .Select(e => new AuditRow(
                e.Id, e.OccurredAt, e.ActorName, e.Action, e.EntityType, e.EntityId, e.OrganizationId,
                db.Organizations.Where(o => o.Id == e.OrganizationId).Select(o => o.Name).FirstOrDefault(),
                e.VisibleToCustomer, e.Summary, e.Details))
            .ToListAsync(cancellationToken);
        return new AuditListPage(rows, total);
    }

    /// <summary>
    /// An organization's whole history for staff, newest first: its license history and the staff-only events about it.
    /// Served by the (organization, id, visible) index, so a page and its count cost O(page) and O(history of one organization).
    /// </summary>
    public static async Task<HistoryPage> OrganizationHistoryAsync(
        PortalDbContext db, Guid organizationId, int page, int pageSize, CancellationToken cancellationToken = default)
    {
        page = Math.Max(page, 1);
        pageSize = Math.Clamp(pageSize, 1, AuditLog.MaxPageSize);
        var events = db.AuditEvents.AsNoTracking().Where(e => e.OrganizationId == organizationId);
        var total = await events.CountAsync(cancellationToken);
        var entries = await events
            .OrderByDescending(e => e.Id)
            .Skip((page - 1) * pageSize).Take(pageSize)
            .Select(e => new HistoryEntry(e.OccurredAt, e.ActorName, e.Action, e.Summary) { VisibleToCustomer = e.VisibleToCustomer })
            .ToListAsync(cancellationToken);
        return new HistoryPage(entries, page, pageSize, total);
    }

    /// <summary>An organization's latest events for staff (staff-only ones marked), newest first, without counting them all.</summary>
    public static Task<List<HistoryEntry>> RecentOrganizationHistoryAsync(
        PortalDbContext db, Guid organizationId, int count, CancellationToken cancellationToken = default) =>
        db.AuditEvents.AsNoTracking()
            .Where(e => e.OrganizationId == organizationId)
            .OrderByDescending(e => e.Id)
            .Take(Math.Clamp(count, 1, AuditLog.MaxPageSize))
            .Select(e => new HistoryEntry(e.OccurredAt, e.ActorName, e.Action, e.Summary) { VisibleToCustomer = e.VisibleToCustomer })
            .ToListAsync(cancellationToken);

    private static IQueryable<AuditEvent> Filter(IQueryable<AuditEvent> events, AuditQuery query)
    {
        if (query.OrganizationId is { } organizationId)
            events = events.Where(e => e.OrganizationId == organizationId);
        if (!string.IsNullOrWhiteSpace(query.ActionPrefix))
        {
            // Actions are lower-case machine names such as discount.approved.
            var pattern = LikePattern.StartingWith(query.ActionPrefix.Trim().ToLowerInvariant());
            events = events.Where(e => EF.Functions.Like(e.Action, pattern, LikePattern.Escape));
        }
        if (!string.IsNullOrWhiteSpace(query.ActorName))
        {
            var pattern = LikePattern.Containing(query.ActorName.Trim());
            events = events.Where(e => EF.Functions.Like(e.ActorName, pattern, LikePattern.Escape));
        }
        if (query.From is { } from)
        {
            var start = StartOfDay(from);
            events = events.Where(e => e.OccurredAt >= start);
        }
        if (query.To is { } to && to < DateOnly.MaxValue)
        {
            var end = StartOfDay(to.AddDays(1));
            events = events.Where(e => e.OccurredAt < end);
        }
        return query.Visibility switch
        {
            AuditVisibility.CustomerVisible => events.Where(e => e.VisibleToCustomer),
            AuditVisibility.StaffOnly => events.Where(e => !e.VisibleToCustomer),
            _ => events,
        };
    }

    private static DateTimeOffset StartOfDay(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
}
