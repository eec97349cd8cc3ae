using Microsoft.EntityFrameworkCore;
using Portal.Domain.Data;
using Portal.Domain.History;
using Portal.Domain.Organizations;

namespace Portal.Domain.Evaluations;

public sealed record ExtensionQueueQuery(ExtensionStatus? Status, string? OrganizationSearch, int Page, int PageSize);

public sealed record ExtensionQueueRow(
    Guid RequestId,
    Guid EvaluationId,
    Guid OrganizationId,
    string OrganizationName,
    string ProductName,
    int Major,
    int DaysRequested,
    string Reason,
    DateTimeOffset RequestedAt,
    ExtensionStatus Status,
    int? DaysGranted,
    string? DecidedByName,
    DateTimeOffset ExpiresAt);

public sealed record ExtensionQueuePage(IReadOnlyList<ExtensionQueueRow> Rows, int TotalCount);

/// <summary>One of the organization's evaluations with all its requests, for the support desk.</summary>
public sealed record EvaluationRecord(Evaluation Evaluation, string ProductName);

/// <summary>Everything support needs to decide one request, with the product's caps that bind support (R9).</summary>
public sealed record ExtensionCase(
    ExtensionRequest Request,
    EvaluationRecord Evaluation,
    Organization Organization,
    string? RequesterEmail,
    IReadOnlyList<EvaluationRecord> OtherEvaluations,
    IReadOnlyList<HistoryEntry> RecentHistory,
    int MaxExtensionDays,
    int MaxEvaluationDays,
    int MostDaysSupportMayGrant);

/// <summary>
/// The support desk's read side (R9): extension requests, pending first (oldest waiting first), then decided ones
/// (newest first), paged in the database; and one request with its organization's evaluations and history.
/// </summary>
public static class ExtensionDesk
{
    public const int MaxPageSize = 100;
    private const int HistoryShown = 20;

    public static async Task<ExtensionQueuePage> QueueAsync(PortalDbContext db, ExtensionQueueQuery query, CancellationToken cancellationToken = default)
    {
        var page = Math.Max(query.Page, 1);
        var pageSize = Math.Clamp(query.PageSize, 1, MaxPageSize);
        var filtered = Filter(db, query);
        var pending = query.Status is null or ExtensionStatus.Pending
            ? await filtered.CountAsync(x => x.Request.Status == ExtensionStatus.Pending, cancellationToken)
            : 0;
        var total = query.Status == ExtensionStatus.Pending ? pending : await filtered.CountAsync(cancellationToken);

        var rows = await SplitPaging.PageAsync(
            Rows(filtered.Where(x => x.Request.Status == ExtensionStatus.Pending).OrderBy(x => x.Request.RequestedAt).ThenBy(x => x.Request.Id)),
            pending,
            query.Status == ExtensionStatus.Pending
                ? null
                : Rows(filtered.Where(x => x.Request.Status != ExtensionStatus.Pending).OrderByDescending(x => x.Request.RequestedAt).ThenByDescending(x => x.Request.Id)),
            page, pageSize, cancellationToken);
        return new ExtensionQueuePage(rows, total);
    }

    public static Task<int> PendingCountAsync(PortalDbContext db, CancellationToken cancellationToken = default) =>
        db.Set<ExtensionRequest>().CountAsync(r => r.Status == ExtensionStatus.Pending, cancellationToken);

    public static async Task<ExtensionCase?> CaseAsync(
        PortalDbContext db, Guid requestId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var evaluation = await db.Evaluations.AsNoTracking().Include(e => e.Requests)
            .SingleOrDefaultAsync(e => e.Requests.Any(r => r.Id == requestId), cancellationToken);
        if (evaluation is null)
            return null;
        var request = evaluation.Requests.Single(r => r.Id == requestId);
        var organization = await db.Organizations.AsNoTracking().SingleAsync(o => o.Id == evaluation.OrganizationId, cancellationToken);
        var products = await db.Products.AsNoTracking().ToDictionaryAsync(p => p.Id, cancellationToken);
        var caps = products[evaluation.ProductId].Evaluation;
        var others = await db.Evaluations.AsNoTracking().Include(e => e.Requests)
            .Where(e => e.OrganizationId == evaluation.OrganizationId && e.Id != evaluation.Id)
            .OrderByDescending(e => e.StartedAt)
            .ToListAsync(cancellationToken);
        var requester = await db.Users.Where(u => u.Id == request.RequestedByUserId).Select(u => u.Email).SingleOrDefaultAsync(cancellationToken);
        var history = await AuditQueries.RecentOrganizationHistoryAsync(db, evaluation.OrganizationId, HistoryShown, cancellationToken);
        return new ExtensionCase(request, new EvaluationRecord(evaluation, products[evaluation.ProductId].Name), organization, requester,
            others.Select(e => new EvaluationRecord(e, products[e.ProductId].Name)).ToList(), history,
            caps.MaxExtensionDays, caps.MaxEvaluationDays, evaluation.MostDaysSupportMayGrantAt(now, caps));
    }

    /// <summary>Built with an initializer, not a constructor, so that EF can filter and sort on its members.</summary>
    private sealed class RequestWithContext
    {
        public required ExtensionRequest Request { get; init; }
        public required Evaluation Evaluation { get; init; }
        public required Organization Organization { get; init; }
        public required string ProductName { get; init; }
    }

    private static IQueryable<RequestWithContext> Filter(PortalDbContext db, ExtensionQueueQuery query)
    {
        var requests = from r in db.Set<ExtensionRequest>().AsNoTracking()
                       join e in db.Evaluations on r.EvaluationId equals e.Id
                       join o in db.Organizations on e.OrganizationId equals o.Id
                       join p in db.Products on e.ProductId equals p.Id
                       select new RequestWithContext { Request = r, Evaluation = e, Organization = o, ProductName = p.Name };
        if (query.Status is { } status)
            requests = requests.Where(x => x.Request.Status == status);
        if (!string.IsNullOrWhiteSpace(query.OrganizationSearch))
        {
            var pattern = LikePattern.Containing(query.OrganizationSearch.Trim());
            requests = requests.Where(x => EF.Functions.Like(x.Organization.Name, pattern, LikePattern.Escape));
        }
        return requests;
    }

    private static IQueryable<ExtensionQueueRow> Rows(IQueryable<RequestWithContext> requests) =>
        requests.Select(x => new ExtensionQueueRow(x.Request.Id, x.Evaluation.Id, x.Organization.Id, x.Organization.Name, x.ProductName,
            x.Evaluation.Major, x.Request.DaysRequested, x.Request.Reason, x.Request.RequestedAt, x.Request.Status, x.Request.DaysGranted,
            x.Request.DecidedByName, x.Evaluation.ExpiresAt));
}
