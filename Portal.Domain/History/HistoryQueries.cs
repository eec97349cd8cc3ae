using Microsoft.EntityFrameworkCore;
using Portal.Domain.Data;
using Portal.Domain.Licensing;

namespace Portal.Domain.History;

/// <summary>
/// Read side of the license history beyond <see cref="AuditLog.LicenseHistoryAsync"/>: one license's events and the
/// whole history as a stream for export. Customer-visible events of one organization only, newest first.
/// </summary>
public static class HistoryQueries
{
    /// <summary>Action of the audit event written when a customer downloads one license key.</summary>
    public const string LicenseDownloaded = "license.downloaded";

    /// <summary>Action of the audit event written when a customer downloads all current keys in one file.</summary>
    public const string LicensesDownloaded = "licenses.downloaded";

    /// <summary>Action of the audit event written when a customer downloads the evaluation key.</summary>
    public const string EvaluationDownloaded = "evaluation.downloaded";

    /// <summary>
    /// The events of one license, newest first: what happened to it, plus the upgrade of the license it replaced (which is
    /// how it came to be). At most <paramref name="limit"/> events.
    /// </summary>
    public static Task<List<HistoryEntry>> LicenseEventsAsync(
        PortalDbContext db, Guid organizationId, Guid licenseId, Guid? upgradedFromId, int limit = 50,
        CancellationToken cancellationToken = default)
    {
        var id = licenseId.ToString();
        var from = upgradedFromId?.ToString();
        return db.AuditEvents.AsNoTracking()
            .Where(e => e.OrganizationId == organizationId && e.VisibleToCustomer && e.EntityType == nameof(License)
                && (e.EntityId == id || (from != null && e.EntityId == from && e.Action == "license.upgraded")))
            .OrderByDescending(e => e.Id)
            .Take(Math.Clamp(limit, 1, AuditLog.MaxPageSize))
            .Select(e => new HistoryEntry(e.OccurredAt, e.ActorName, e.Action, e.Summary))
            .ToListAsync(cancellationToken);
    }

    /// <summary>The organization's latest events, newest first, without counting the whole history.</summary>
    public static Task<List<HistoryEntry>> RecentAsync(PortalDbContext db, Guid organizationId, int count, CancellationToken cancellationToken = default) =>
        Recent.For(db)(db, organizationId, Math.Clamp(count, 1, AuditLog.MaxPageSize)).ToListAsync(cancellationToken).AsTask();

    // Compiled (CompiledQuery): every dashboard reads it.
    private static readonly CompiledQuery<Func<PortalDbContext, Guid, int, IAsyncEnumerable<HistoryEntry>>> Recent = new(() =>
        EF.CompileAsyncQuery((PortalDbContext db, Guid organizationId, int count) => db.AuditEvents.AsNoTracking()
            .Where(e => e.OrganizationId == organizationId && e.VisibleToCustomer)
            .OrderByDescending(e => e.Id)
            .Take(count)
            .Select(e => new HistoryEntry(e.OccurredAt, e.ActorName, e.Action, e.Summary))));

    /// <summary>The organization's whole license history, newest first, streamed from the database (for export).</summary>
    public static IAsyncEnumerable<HistoryEntry> AllLicenseHistory(PortalDbContext db, Guid organizationId) =>
        db.AuditEvents.AsNoTracking()
            .Where(e => e.OrganizationId == organizationId && e.VisibleToCustomer)
            .OrderByDescending(e => e.Id)
            .Select(e => new HistoryEntry(e.OccurredAt, e.ActorName, e.Action, e.Summary))
            .AsAsyncEnumerable();
}
