using Microsoft.EntityFrameworkCore;
using Portal.Domain.Data;
using Portal.Domain.History;
using Portal.Domain.Organizations;

namespace Portal.Domain.Discounts;

public sealed record DiscountQueueQuery(DiscountStatus? Status, DiscountKind? Kind, string? OrganizationSearch, int Page, int PageSize);

public sealed record DiscountQueueRow(
    Guid Id,
    Guid OrganizationId,
    string OrganizationName,
    OrganizationKind OrganizationKind,
    DiscountKind Kind,
    DiscountStatus Status,
    DateTimeOffset AppliedAt,
    int Attachments,
    int? Percent,
    DateTimeOffset? ValidUntil,
    string? DecidedByName);

public sealed record DiscountQueuePage(IReadOnlyList<DiscountQueueRow> Rows, int TotalCount);

public sealed record AttachmentInfo(Guid Id, string FileName, string ContentType, int Size);

/// <summary>Everything sales needs to decide one application.</summary>
public sealed record DiscountCase(
    DiscountApplication Application,
    IReadOnlyList<AttachmentInfo> Attachments,
    Organization Organization,
    string? ApplicantEmail,
    IReadOnlyList<DiscountQueueRow> OtherApplications,
    IReadOnlyList<HistoryEntry> RecentHistory,
    int DefaultPercent,
    DateTimeOffset DefaultValidUntil);

/// <summary>
/// The sales desk's read side (R7): the queue of applications, pending first (oldest waiting first), then decided ones
/// (newest first), paged in the database; and one application with its organization and history. Attachment contents
/// are never loaded here; they are only ever downloaded one at a time.
/// </summary>
public static class DiscountDesk
{
    public const int MaxPageSize = 100;
    private const int HistoryShown = 20;

    public static async Task<DiscountQueuePage> QueueAsync(PortalDbContext db, DiscountQueueQuery query, CancellationToken cancellationToken = default)
    {
        var page = Math.Max(query.Page, 1);
        var pageSize = Math.Clamp(query.PageSize, 1, MaxPageSize);
        var filtered = Filter(db, query);
        var pending = query.Status is null or DiscountStatus.Pending
            ? await filtered.CountAsync(a => a.Status == DiscountStatus.Pending, cancellationToken)
            : 0;
        var total = query.Status == DiscountStatus.Pending ? pending : await filtered.CountAsync(cancellationToken);

        var rows = await SplitPaging.PageAsync(
            Rows(filtered.Where(a => a.Status == DiscountStatus.Pending), db, oldestFirst: true), pending,
            query.Status == DiscountStatus.Pending ? null : Rows(filtered.Where(a => a.Status != DiscountStatus.Pending), db, oldestFirst: false),
            page, pageSize, cancellationToken);
        return new DiscountQueuePage(rows, total);
    }

    public static Task<int> PendingCountAsync(PortalDbContext db, CancellationToken cancellationToken = default) =>
        db.DiscountApplications.CountAsync(a => a.Status == DiscountStatus.Pending, cancellationToken);

    public static async Task<DiscountCase?> CaseAsync(
        PortalDbContext db, Guid applicationId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var application = await db.DiscountApplications.AsNoTracking().SingleOrDefaultAsync(a => a.Id == applicationId, cancellationToken);
        if (application is null)
            return null;
        var organization = await db.Organizations.AsNoTracking().SingleAsync(o => o.Id == application.OrganizationId, cancellationToken);
        var attachments = await db.Set<DiscountAttachment>().AsNoTracking()
            .Where(f => f.DiscountApplicationId == applicationId)
            .OrderBy(f => f.FileName)
            .Select(f => new AttachmentInfo(f.Id, f.FileName, f.ContentType, f.Size))
            .ToListAsync(cancellationToken);
        var applicant = await db.Users.Where(u => u.Id == application.AppliedByUserId).Select(u => u.Email).SingleOrDefaultAsync(cancellationToken);
        var others = await Rows(db.DiscountApplications.AsNoTracking()
                .Where(a => a.OrganizationId == application.OrganizationId && a.Id != applicationId), db, oldestFirst: false)
            .Take(HistoryShown).ToListAsync(cancellationToken);
        var history = await AuditQueries.RecentOrganizationHistoryAsync(db, application.OrganizationId, HistoryShown, cancellationToken);
        var defaults = await DiscountService.DefaultsAsync(db, cancellationToken);
        return new DiscountCase(application, attachments, organization, applicant, others, history,
            defaults.PercentFor(application.Kind), now.AddDays(defaults.ValidityDays));
    }

    /// <summary>One attachment with its content, for the staff download.</summary>
    public static Task<DiscountAttachment?> AttachmentAsync(PortalDbContext db, Guid applicationId, Guid attachmentId, CancellationToken cancellationToken = default) =>
        db.Set<DiscountAttachment>().AsNoTracking()
            .SingleOrDefaultAsync(f => f.Id == attachmentId && f.DiscountApplicationId == applicationId, cancellationToken);

    private static IQueryable<DiscountApplication> Filter(PortalDbContext db, DiscountQueueQuery query)
    {
        var applications = db.DiscountApplications.AsNoTracking();
        if (query.Status is { } status)
            applications = applications.Where(a => a.Status == status);
        if (query.Kind is { } kind)
            applications = applications.Where(a => a.Kind == kind);
        if (!string.IsNullOrWhiteSpace(query.OrganizationSearch))
        {
            var pattern = LikePattern.Containing(query.OrganizationSearch.Trim());
            applications = applications.Where(a => db.Organizations.Any(o => o.Id == a.OrganizationId && EF.Functions.Like(o.Name, pattern, LikePattern.Escape)));
        }
        return applications;
    }

    private static IQueryable<DiscountQueueRow> Rows(IQueryable<DiscountApplication> applications, PortalDbContext db, bool oldestFirst)
    {
        var joined = from a in applications
                     join o in db.Organizations on a.OrganizationId equals o.Id
                     select new { Application = a, Organization = o };
        var ordered = oldestFirst
            ? joined.OrderBy(x => x.Application.AppliedAt).ThenBy(x => x.Application.Id)
            : joined.OrderByDescending(x => x.Application.AppliedAt).ThenByDescending(x => x.Application.Id);
        return ordered.Select(x => new DiscountQueueRow(x.Application.Id, x.Organization.Id, x.Organization.Name, x.Organization.Kind,
            x.Application.Kind, x.Application.Status, x.Application.AppliedAt, x.Application.Attachments.Count, x.Application.Percent,
            x.Application.ValidUntil, x.Application.DecidedByName));
    }
}
