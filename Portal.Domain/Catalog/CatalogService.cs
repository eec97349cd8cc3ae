using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.History;

namespace Portal.Domain.Catalog;

/// <summary>Admin upkeep of products, releases and seat-pack prices; every change is audited.</summary>
public sealed class CatalogService(IDbContextFactory<PortalDbContext> dbFactory, AuditLog audit)
{
    public Task<Product> ReleaseAsync(Guid productId, int major, int minor, Actor actor, CancellationToken cancellationToken = default) =>
        ChangeAsync(productId, actor, product =>
        {
            var previous = product.CurrentVersion;
            product.Release(major, minor);
            return $"{product.Name} {product.CurrentVersion} released (was {previous}).";
        }, cancellationToken);

    public Task<Product> ChangeUpgradePercentAsync(Guid productId, int upgradePercent, Actor actor, CancellationToken cancellationToken = default) =>
        ChangeAsync(productId, actor, product =>
        {
            product.ChangeUpgradePercent(upgradePercent);
            return $"{product.Name} upgrades now cost {upgradePercent} % of the list price.";
        }, cancellationToken);

    public Task<Product> ChangePackPriceAsync(Guid productId, int seats, long listPriceMinor, Actor actor, CancellationToken cancellationToken = default) =>
        ChangeAsync(productId, actor, product =>
        {
            var pack = product.Packs.SingleOrDefault(p => p.Seats == seats)
                ?? throw new DomainException($"{product.Name} has no {seats}-user pack.");
            var previous = pack.ListPriceMinor;
            pack.ChangePrice(listPriceMinor);
            return $"{product.Name} {seats}-user pack price changed from {new Money(previous, product.Currency)} to {new Money(listPriceMinor, product.Currency)}.";
        }, cancellationToken);

    public Task<Product> AddPackAsync(Guid productId, int seats, long listPriceMinor, Actor actor, CancellationToken cancellationToken = default) =>
        ChangeAsync(productId, actor, product =>
        {
            product.AddPack(seats, listPriceMinor);
            return string.Create(CultureInfo.InvariantCulture,
                $"{product.Name} {seats}-user pack added at {new Money(listPriceMinor, product.Currency)}.");
        }, cancellationToken);

    private async Task<Product> ChangeAsync(Guid productId, Actor actor, Func<Product, string> change, CancellationToken cancellationToken)
    {
        actor.Require("change the catalog", Roles.Admin);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var product = await db.Products.Include(p => p.Packs).SingleOrDefaultAsync(p => p.Id == productId, cancellationToken)
            ?? throw new DomainException("That product does not exist.");
        var summary = change(product);
        audit.Record(db, actor, "catalog.changed", nameof(Product), product.Id, organizationId: null, summary, visibleToCustomer: false);
        await db.SaveChangesAsync(cancellationToken);
        return product;
    }
}
