using Microsoft.EntityFrameworkCore;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.Evaluations;
using Portal.Domain.History;
using Portal.Domain.Members;
using Portal.Domain.Organizations;

namespace Portal.Domain.Licensing;

/// <summary>An evaluation's key with what its license file's readable header needs.</summary>
public sealed record EvaluationKey(
    Guid EvaluationId, string ProductCode, string ProductName, string Licensee, int Major, int Seats,
    DateTimeOffset StartedAt, DateTimeOffset ExpiresAt, string Key);

/// <summary>
/// Keys taken out of the portal as files: one license's, all of the organization's current ones, its evaluation's.
/// Only members with the Technical role (and owners) may take them (docs/rules.md#members); each download is recorded in
/// the organization's history with who took it. A license or evaluation of another organization is not found (null),
/// exactly like one that does not exist; the role is checked first, so a refusal says nothing about an id either.
/// </summary>
public sealed class KeyDownloads(IDbContextFactory<PortalDbContext> dbFactory, AuditLog audit)
{
    private const string Action = "download license keys";

    /// <summary>One license's key and file; null when the organization holds no such license or its key is withdrawn (R10).</summary>
    public async Task<LicenseDetail?> LicenseAsync(Guid organizationId, Guid licenseId, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Require(organizationId, Action, MemberRoles.Technical);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var license = await LicenseQueries.DetailAsync(db, organizationId, licenseId, cancellationToken);
        if (license is not { KeyAvailable: true })
            return null;

        audit.Record(db, actor, HistoryQueries.LicenseDownloaded, nameof(License), license.Id, organizationId,
            $"License key for {license.ProductName} {license.Major} ({"user".ToQuantity(license.Seats)}) downloaded by {actor.Name}.");
        await db.SaveChangesAsync(cancellationToken);
        return license;
    }

    /// <summary>Every active license of the organization with its key (<see cref="LicenseQueries.ActiveWithKeysAsync"/>); empty when it holds none.</summary>
    public async Task<IReadOnlyList<LicenseDetail>> CurrentLicensesAsync(Guid organizationId, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Require(organizationId, Action, MemberRoles.Technical);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var licenses = await LicenseQueries.ActiveWithKeysAsync(db, organizationId, cancellationToken);
        if (licenses.Count == 0)
            return [];

        audit.Record(db, actor, HistoryQueries.LicensesDownloaded, nameof(Organization), organizationId, organizationId,
            $"All {licenses.Count} current license {"key".ToQuantity(licenses.Count, ShowQuantityAs.None)} downloaded in one file by {actor.Name}.",
            details: string.Join(',', licenses.Select(l => l.Id)));
        await db.SaveChangesAsync(cancellationToken);
        return licenses;
    }

    /// <summary>The organization's evaluation key; null when it has no such evaluation or the evaluation has no key.</summary>
    public async Task<EvaluationKey?> EvaluationAsync(Guid organizationId, Guid evaluationId, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Require(organizationId, "download the evaluation key", MemberRoles.Technical);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var found = await (
                from evaluation in db.Evaluations.AsNoTracking()
                join product in db.Products on evaluation.ProductId equals product.Id
                join organization in db.Organizations on evaluation.OrganizationId equals organization.Id
                where evaluation.Id == evaluationId && evaluation.OrganizationId == organizationId
                select new EvaluationKey(evaluation.Id, product.Code, product.Name, organization.Name, evaluation.Major, evaluation.Seats,
                    evaluation.StartedAt, evaluation.ExpiresAt, evaluation.Key))
            .SingleOrDefaultAsync(cancellationToken);
        if (found is null || string.IsNullOrEmpty(found.Key))
            return null;

        audit.Record(db, actor, HistoryQueries.EvaluationDownloaded, nameof(Evaluation), found.EvaluationId, organizationId,
            $"Evaluation key for {found.ProductName} {found.Major} downloaded by {actor.Name}.");
        await db.SaveChangesAsync(cancellationToken);
        return found;
    }
}
