using Microsoft.EntityFrameworkCore;
using Portal.Domain.Accounts;
using Portal.Domain.Catalog;
using Portal.Domain.Data;
using Portal.Domain.History;
using Portal.Domain.Keys;
using Portal.Domain.Organizations;

namespace Portal.Domain.Licensing;

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

    /// <summary>An admin's free license; it does not extend support (R8 counts purchases only).</summary>
    public async Task<License> GrantComplimentaryAsync(
        PortalDbContext db, Guid organizationId, Guid productId, int major, int seats, string reason, Actor actor,
        CancellationToken cancellationToken = default)
    {
        actor.Require("grant complimentary licenses", Roles.Admin);
        if (string.IsNullOrWhiteSpace(reason))
            throw new DomainException("Say why the complimentary license is granted.");
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

    /// <summary>R8: one year after the latest purchase or upgrade that still stands; null before the first one.</summary>
    public static async Task<DateOnly?> SupportEndsOnAsync(
        PortalDbContext db, Guid organizationId, CancellationToken cancellationToken = default)
    {
        var latest = await db.Set<License>()
            .Where(l => l.OrganizationId == organizationId && l.Source != LicenseSource.Complimentary
                && l.Status != LicenseStatus.Revoked)
            .MaxAsync(l => (DateTimeOffset?)l.IssuedAt, cancellationToken);
        return latest is { } issued ? SupportEndAfterPurchaseAt(issued) : null;
    }

    public static DateOnly SupportEndAfterPurchaseAt(DateTimeOffset purchasedAt) =>
        DateOnly.FromDateTime(purchasedAt.UtcDateTime.Add(SupportPeriod));

    private void Sign(License license, Organization organization, Product product, DateOnly? supportEndsOn) =>
        license.AttachKey(signer.Sign(new LicenseKeyClaims(
            license.Id, product.Code, product.Name, organization.Name, license.Major, license.Seats, LicenseKind.Perpetual,
            license.IssuedAt, supportEndsOn, ExpiresAt: null)));

    private static string Users(int seats) => seats == 1 ? "user" : "users";
}
