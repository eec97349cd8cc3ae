using System.Data;
using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Domain.Accounts;
using Portal.Domain.Catalog;
using Portal.Domain.Data;
using Portal.Domain.History;
using Portal.Domain.Keys;
using Portal.Domain.Organizations;

namespace Portal.Domain.Licensing;

/// <summary>
/// A license an organization bought before Portal existed, as an admin records it: the old order or invoice number is
/// optional.
/// </summary>
public sealed record ExistingLicense(Guid OrganizationId, Guid ProductId, int Major, int Seats, DateOnly PurchasedOn, string? Reference);

/// <summary>
/// The only way licenses come into being or change. Purchase and upgrade run inside the caller's unit of work
/// (fulfilment commits licenses, keys, history and email together); nothing here calls SaveChanges for them.
/// </summary>
public sealed class LicensingService(ILicenseKeySigner signer, AuditLog audit, TimeProvider clock)
{
    /// <summary>R8: support runs until one year after the latest fulfilled purchase or upgrade.</summary>
    public static readonly TimeSpan SupportPeriod = TimeSpan.FromDays(365);

    public License IssuePurchased(PortalDbContext db, Organization organization, Product product, int seats, Guid orderId, Actor actor)
    {
        var now = clock.GetUtcNow();
        var license = License.Purchase(organization.Id, product, seats, orderId, now);
        Sign(license, organization, product, SupportEndAfterPurchaseAt(now));
        db.Add(license);
        audit.Record(db, actor, "license.issued", nameof(License), license.Id, organization.Id,
            $"{product.Name} {license.Major} license for {seats} {Users(seats)} issued after purchase.");
        return license;
    }

    public License Upgrade(PortalDbContext db, Organization organization, License old, Product product, Guid orderId, Actor actor)
    {
        if (old.OrganizationId != organization.Id)
            throw new DomainException("A license can only be upgraded by the organization that holds it.");
        var now = clock.GetUtcNow();
        var replacement = old.UpgradeTo(product, orderId, now);
        Sign(replacement, organization, product, SupportEndAfterPurchaseAt(now));
        db.Add(replacement);
        audit.Record(db, actor, "license.upgraded", nameof(License), old.Id, organization.Id,
            $"{product.Name} {old.Major} license for {old.Seats} {Users(old.Seats)} upgraded to {product.Name} {replacement.Major}.");
        return replacement;
    }

    /// <summary>The longest reason for a complimentary license: it goes into the history's one-sentence summary.</summary>
    public const int MaxComplimentaryReasonLength = 300;

    /// <summary>An admin's free license; it does not extend support (R8 counts purchases only).</summary>
    public async Task<License> GrantComplimentaryAsync(
        PortalDbContext db, Guid organizationId, Guid productId, int major, int seats, string reason, Actor actor,
        CancellationToken cancellationToken = default)
    {
        actor.Require("grant complimentary licenses", Roles.Admin);
        if (string.IsNullOrWhiteSpace(reason))
            throw new DomainException("Say why the complimentary license is granted.");
        if (reason.Trim().Length > MaxComplimentaryReasonLength)
            throw new DomainException($"Say why in at most {MaxComplimentaryReasonLength} characters.");
        var organization = await db.Organizations.SingleOrDefaultAsync(o => o.Id == organizationId, cancellationToken)
            ?? throw new DomainException("That organization does not exist.");
        var product = await db.Products.SingleOrDefaultAsync(p => p.Id == productId, cancellationToken)
            ?? throw new DomainException("That product does not exist.");

        var license = License.Complimentary(organization.Id, product, major, seats, clock.GetUtcNow());
        Sign(license, organization, product, await SupportEndsOnAsync(db, organization.Id, cancellationToken));
        db.Add(license);
        audit.Record(db, actor, "license.complimentary", nameof(License), license.Id, organization.Id,
            $"Complimentary {product.Name} {major} license for {seats} {Users(seats)} granted: {reason.Trim()}");
        await db.SaveChangesAsync(cancellationToken);
        return license;
    }

    /// <summary>Action of the audit event that records an imported license; its details hold the purchase date and reference.</summary>
    public const string LicenseImported = "license.imported";

    public const int MaxImportReferenceLength = 100;

    private static readonly JsonSerializerOptions DetailsJson = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// An admin records a license bought before Portal existed, for any major up to the current one. It counts as a
    /// purchase made on its original date: for seats (R2), upgrades (R6) and support (R8: one year after that date, so an
    /// old purchase gives no support today). Its key is signed now with the current key and issued at the purchase date
    /// (docs/decisions/0005-imported-licenses.md). The same organization, product, major, seats, date and reference are
    /// imported once: a repeat is refused, so an import file can be run again safely.
    /// </summary>
    public async Task<License> ImportAsync(PortalDbContext db, ExistingLicense existing, Actor actor, CancellationToken cancellationToken = default)
    {
        actor.Require("import existing licenses", Roles.Admin);
        var reference = ValidReference(existing.Reference);
        // The context is this import's own unit of work: a retry (SQL Server) starts it again from nothing.
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            var organization = await db.Organizations.SingleOrDefaultAsync(o => o.Id == existing.OrganizationId, cancellationToken)
                ?? throw new DomainException("That organization does not exist.");
            var product = await db.Products.SingleOrDefaultAsync(p => p.Id == existing.ProductId, cancellationToken)
                ?? throw new DomainException("That product does not exist.");
            var license = License.Imported(organization.Id, product, existing.Major, existing.Seats, existing.PurchasedOn, clock.GetUtcNow());

            // Serializable (on SQLite: the write lock from the start), so two imports of the same license at once store one.
            await using var transaction = await db.Database.BeginTransactionAsync(IsolationLevel.Serializable, cancellationToken);
            if (await FindImportedAsync(db, license, reference, cancellationToken) is { } earlier)
                throw new DomainException(
                    $"This license was already imported on {IsoDay(DateOnly.FromDateTime(earlier.OccurredAt.UtcDateTime))} (license {earlier.EntityId}).");

            var supportEndsOn = await SupportEndsOnAsync(db, organization.Id, cancellationToken) is { } current
                && current > SupportEndAfterPurchaseAt(license.IssuedAt)
                    ? current
                    : SupportEndAfterPurchaseAt(license.IssuedAt);
            Sign(license, organization, product, supportEndsOn);
            db.Add(license);
            var bought = reference is null
                ? $"bought {IsoDay(existing.PurchasedOn)}"
                : $"bought {IsoDay(existing.PurchasedOn)}, reference {reference}";
            audit.Record(db, actor, LicenseImported, nameof(License), license.Id, organization.Id,
                $"{product.Name} {license.Major}.x license for {license.Seats} {Users(license.Seats)} imported ({bought}).",
                JsonSerializer.Serialize(new ImportDetails(existing.PurchasedOn, reference), DetailsJson));
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return license;
        });
    }

    /// <summary>The audit event of an earlier import of the same license (any status since), or null.</summary>
    private static async Task<AuditEvent?> FindImportedAsync(PortalDbContext db, License license, string? reference, CancellationToken cancellationToken)
    {
        var sameLicenses = await db.Licenses.AsNoTracking()
            .Where(l => l.OrganizationId == license.OrganizationId && l.ProductId == license.ProductId && l.Major == license.Major
                && l.Seats == license.Seats && l.Source == LicenseSource.Imported && l.IssuedAt == license.IssuedAt)
            .Select(l => l.Id)
            .ToListAsync(cancellationToken);
        if (sameLicenses.Count == 0)
            return null;
        var ids = sameLicenses.Select(id => id.ToString()).ToList();
        var imports = await db.AuditEvents.AsNoTracking()
            .Where(e => e.EntityType == nameof(License) && ids.Contains(e.EntityId) && e.Action == LicenseImported)
            .ToListAsync(cancellationToken);
        return imports.FirstOrDefault(e => e.Details is { } details
            && string.Equals(JsonSerializer.Deserialize<ImportDetails>(details, DetailsJson)?.Reference, reference, StringComparison.OrdinalIgnoreCase));
    }

    private static string? ValidReference(string? reference)
    {
        var trimmed = reference?.Trim();
        if (string.IsNullOrEmpty(trimmed))
            return null;
        if (trimmed.Length > MaxImportReferenceLength)
            throw new DomainException($"A reference has at most {MaxImportReferenceLength} characters.");
        if (trimmed.Any(char.IsControl))
            throw new DomainException("A reference is one line of text, without tabs or control characters.");
        return trimmed;
    }

    private sealed record ImportDetails(DateOnly PurchasedOn, string? Reference);

    /// <summary>R10: the portal has no refund action; a refund or dispute in Stripe revokes the order's licenses.</summary>
    public void Revoke(PortalDbContext db, License license, string reason, Actor actor)
    {
        license.Revoke(reason, clock.GetUtcNow());
        audit.Record(db, actor, "license.revoked", nameof(License), license.Id, license.OrganizationId,
            $"License for {license.Seats} {Users(license.Seats)} (version {license.Major}) revoked: {license.RevocationReason}");
    }

    public void Reinstate(PortalDbContext db, License license, string reason, Actor actor)
    {
        license.Reinstate(clock.GetUtcNow());
        audit.Record(db, actor, "license.reinstated", nameof(License), license.Id, license.OrganizationId,
            $"Version {license.Major} license for {license.Seats} {Users(license.Seats)} is active again: {reason}.");
    }

    /// <summary>R2: the seats of all active licenses of one product and major add up; other majors never do.</summary>
    public static Task<int> SeatCapacityAsync(
        PortalDbContext db, Guid organizationId, Guid productId, int major, CancellationToken cancellationToken = default) =>
        db.Set<License>()
            .Where(l => l.OrganizationId == organizationId && l.ProductId == productId && l.Major == major
                && l.Status == LicenseStatus.Active)
            .SumAsync(l => l.Seats, cancellationToken);

    /// <summary>
    /// R8: one year after the latest purchase or upgrade that still stands (an imported license counts at its original
    /// purchase date); null before the first one. Complimentary licenses are not purchases.
    /// </summary>
    public static async Task<DateOnly?> SupportEndsOnAsync(
        PortalDbContext db, Guid organizationId, CancellationToken cancellationToken = default)
    {
        var latest = await LatestPurchase.For(db)(db, organizationId, cancellationToken);
        return latest is { } issued ? SupportEndAfterPurchaseAt(issued) : null;
    }

    // Newest first and the first match, not MAX: the (organization, issued) index is then read from its end and stops
    // at the latest purchase instead of visiting every license (docs/performance.md). Compiled (CompiledQuery): every dashboard asks.
    private static readonly CompiledQuery<Func<PortalDbContext, Guid, CancellationToken, Task<DateTimeOffset?>>> LatestPurchase = new(() =>
        EF.CompileAsyncQuery((PortalDbContext db, Guid organizationId, CancellationToken _) => db.Set<License>()
            .Where(l => l.OrganizationId == organizationId && l.Source != LicenseSource.Complimentary
                && l.Status != LicenseStatus.Revoked)
            .OrderByDescending(l => l.IssuedAt)
            .Select(l => (DateTimeOffset?)l.IssuedAt)
            .FirstOrDefault()));

    public static DateOnly SupportEndAfterPurchaseAt(DateTimeOffset purchasedAt) =>
        DateOnly.FromDateTime(purchasedAt.UtcDateTime.Add(SupportPeriod));

    private void Sign(License license, Organization organization, Product product, DateOnly? supportEndsOn) =>
        license.AttachKey(signer.Sign(new LicenseKeyClaims(
            license.Id, product.Code, product.Name, organization.Name, license.Major, license.Seats, LicenseKind.Perpetual,
            license.IssuedAt, supportEndsOn, ExpiresAt: null)));

    private static string IsoDay(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Users(int seats) => "user".ToQuantity(seats, ShowQuantityAs.None);
}
