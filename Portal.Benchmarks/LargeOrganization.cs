using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Accounts;
using Portal.Domain.Catalog;
using Portal.Domain.History;
using Portal.Domain.Licensing;
using Portal.Domain.Members;
using Portal.Domain.Organizations;

namespace Portal.Benchmarks;

/// <summary>
/// An organization with a long past, written through the real services: OfficeStatus sold first at 5.4, then 6.1.
/// Of its licenses a fifth were bought for 5.x and half of those upgraded to 6.x (so a tenth of all licenses are
/// upgradable 5.x ones), the rest bought for 6.x, one in fifty of those revoked; seats cycle through the pack sizes. Its
/// history is then replaced by exactly <c>events</c> events (a tenth staff-only) so that licenses and history can be
/// varied apart. Another organization with 100 licenses and 1,000 events sits beside it, and it has five members.
/// </summary>
public sealed class LargeOrganization
{
    private const int BatchSize = 5_000;
    private const int OtherOrganizationLicenses = 100;
    private const int OtherOrganizationEvents = 1_000;
    private static readonly int[] PackSizes = [1, 5, 10, 25, 50, 100, 250];
    private static readonly string[] CustomerActions =
        ["license.issued", "license.downloaded", "order.placed", "order.fulfilled", "registration.queued", "licenses.downloaded", "license.upgraded", "discount.applied", "evaluation.started"];

    private LargeOrganization(Guid organizationId, Guid productId)
    {
        OrganizationId = organizationId;
        ProductId = productId;
    }

    public Guid OrganizationId { get; }
    public Guid ProductId { get; }

    /// <summary>The clock of the pages: after all the history.</summary>
    public static DateTimeOffset Now { get; } = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    public static async Task<LargeOrganization> SeedAsync(BenchmarkDatabase database, int licenses, int events)
    {
        var clock = new SteppingClock(new DateTimeOffset(2021, 1, 1, 0, 0, 0, TimeSpan.Zero), TimeSpan.FromMinutes(1));
        var domain = database.DomainServices(clock);
        var audit = domain.GetRequiredService<AuditLog>();
        var licensing = domain.GetRequiredService<LicensingService>();
        var product = CatalogSeed.OfficeStatusAt(5, 4);
        var organization = Organization.Register("Contoso Facilities Ltd", OrganizationKind.Commercial, "GB", "billing@contoso.example", clock.GetUtcNow());
        var other = Organization.Register("Northwind Traders", OrganizationKind.Commercial, "DE", "licensing@northwind.example", clock.GetUtcNow());
        await using (var db = database.CreateDbContext())
        {
            db.AddRange(product, organization, other);
            foreach (var name in new[] { "ana", "ben", "chloe", "dev", "eva" })
            {
                var user = new PortalUser { UserName = $"{name}@contoso.example", Email = $"{name}@contoso.example", EmailConfirmed = true };
                user.ChooseOrganization(organization.Id);
                db.Users.Add(user);
                db.Memberships.Add(Membership.Founder(organization.Id, user.Id, clock.GetUtcNow()));
            }
            await db.SaveChangesAsync();
        }

        var fifth = licenses / 5;
        var oldLicenses = await IssueAsync(database, licensing, organization, product.Id, fifth);
        await using (var db = database.CreateDbContext())
        {
            var tracked = await db.Products.SingleAsync(p => p.Id == product.Id);
            tracked.Release(6, 1);
            await db.SaveChangesAsync();
        }
        await UpgradeAsync(database, licensing, organization, product.Id, oldLicenses.Take(fifth / 2).ToList());
        var newLicenses = await IssueAsync(database, licensing, organization, product.Id, licenses - fifth - fifth / 2);
        await RevokeAsync(database, licensing, newLicenses.Where((_, i) => i % 50 == 49).ToList());
        var otherLicenses = await IssueAsync(database, licensing, other, product.Id, OtherOrganizationLicenses);

        await using (var db = database.CreateDbContext())
        {
            // The history the licenses wrote is replaced by exactly the requested number of events.
            await db.AuditEvents.ExecuteDeleteAsync();
            var count = await db.Licenses.CountAsync(l => l.OrganizationId == organization.Id);
            if (count != licenses)
                throw new InvalidOperationException($"Seeded {count} licenses instead of {licenses}.");
        }
        await RecordAsync(database, audit, other.Id, otherLicenses, OtherOrganizationEvents);
        await RecordAsync(database, audit, organization.Id, [.. oldLicenses, .. newLicenses], events);
        return new LargeOrganization(organization.Id, product.Id);
    }

    private static async Task<List<Guid>> IssueAsync(
        BenchmarkDatabase database, LicensingService licensing, Organization organization, Guid productId, int count)
    {
        var issued = new List<Guid>(count);
        for (var done = 0; done < count; done += BatchSize)
        {
            await using var db = database.CreateDbContext();
            var product = await db.Products.AsNoTracking().Include(p => p.Packs).SingleAsync(p => p.Id == productId);
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            for (var i = done; i < Math.Min(done + BatchSize, count); i++)
                issued.Add(licensing.IssuePurchased(db, organization, product, PackSizes[i % PackSizes.Length], Guid.CreateVersion7(), Actor.Stripe).Id);
            await db.SaveChangesAsync();
        }
        return issued;
    }

    private static async Task UpgradeAsync(
        BenchmarkDatabase database, LicensingService licensing, Organization organization, Guid productId, List<Guid> licenseIds)
    {
        foreach (var batch in licenseIds.Chunk(BatchSize))
        {
            await using var db = database.CreateDbContext();
            var product = await db.Products.AsNoTracking().Include(p => p.Packs).SingleAsync(p => p.Id == productId);
            foreach (var old in await db.Licenses.Where(l => batch.Contains(l.Id)).ToListAsync())
                licensing.Upgrade(db, organization, old, product, Guid.CreateVersion7(), Actor.Stripe);
            await db.SaveChangesAsync();
        }
    }

    private static async Task RevokeAsync(BenchmarkDatabase database, LicensingService licensing, List<Guid> licenseIds)
    {
        await using var db = database.CreateDbContext();
        foreach (var license in await db.Licenses.Where(l => licenseIds.Contains(l.Id)).ToListAsync())
            licensing.Revoke(db, license, "Refunded in Stripe.", Actor.Stripe);
        await db.SaveChangesAsync();
    }

    private static async Task RecordAsync(BenchmarkDatabase database, AuditLog audit, Guid organizationId, List<Guid> licenseIds, int count)
    {
        for (var done = 0; done < count; done += BatchSize)
        {
            await using var db = database.CreateDbContext();
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            for (var i = done; i < Math.Min(done + BatchSize, count); i++)
            {
                var licenseId = licenseIds[i % licenseIds.Count];
                if (i % 10 == 9)
                    audit.Record(db, Actor.Stripe, "order.payment-checked", "Order", Guid.CreateVersion7(), organizationId,
                        "Payment checked against the order.", visibleToCustomer: false);
                else
                    audit.Record(db, Actor.Stripe, CustomerActions[i % CustomerActions.Length], nameof(License), licenseId, organizationId,
                        $"OfficeStatus 6 license for {PackSizes[i % PackSizes.Length]} users: event {i + 1}.");
            }
            await db.SaveChangesAsync();
        }
    }
}
