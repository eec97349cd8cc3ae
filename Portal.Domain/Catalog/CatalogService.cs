using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.Discounts;
using Portal.Domain.History;

namespace Portal.Domain.Catalog;

/// <summary>
/// Admin upkeep of the catalog: releases, seat-pack prices, the upgrade price, evaluation terms and the discount
/// defaults. Every change is audited with what it was before; placed orders keep the prices frozen in their lines.
/// </summary>
public sealed class CatalogService(IDbContextFactory<PortalDbContext> dbFactory, AuditLog audit)
{
    public const string ChangedAction = "catalog.changed";

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
            var previous = product.UpgradePercent;
            product.ChangeUpgradePercent(upgradePercent);
            return $"{product.Name} upgrades now cost {upgradePercent} % of the list price (was {previous} %).";
        }, cancellationToken);

    public Task<Product> ChangePackPriceAsync(Guid productId, int seats, Money listPrice, Actor actor, CancellationToken cancellationToken = default) =>
        ChangeAsync(productId, actor, product =>
        {
            var previous = product.ChangePackPrice(seats, listPrice);
            return $"{product.Name} {seats}-user pack price changed from {previous} to {listPrice}.";
        }, cancellationToken);

    public Task<Product> AddPackAsync(Guid productId, int seats, Money listPrice, Actor actor, CancellationToken cancellationToken = default) =>
        ChangeAsync(productId, actor, product =>
        {
            product.AddPack(seats, listPrice);
            return string.Create(CultureInfo.InvariantCulture, $"{product.Name} {seats}-user pack added at {listPrice}.");
        }, cancellationToken);

    /// <summary>R9: new evaluation terms for a product, for evaluations started, asked about or decided from now on.</summary>
    public Task<Product> ChangeEvaluationTermsAsync(Guid productId, EvaluationTerms terms, Actor actor, CancellationToken cancellationToken = default) =>
        ChangeAsync(productId, actor, product =>
        {
            var previous = product.Evaluation;
            product.ChangeEvaluationTerms(terms);
            return $"{product.Name} evaluation terms changed: {string.Join(", ", terms.ChangesFrom(previous))}.";
        }, cancellationToken);

    /// <summary>R7: the percentage sales starts from when approving a discount of this kind.</summary>
    public Task<DiscountDefaults> ChangeDiscountPercentAsync(DiscountKind kind, int percent, Actor actor, CancellationToken cancellationToken = default) =>
        ChangeDiscountDefaultsAsync(actor, defaults =>
        {
            var previous = defaults.ChangePercent(kind, percent);
            return $"{DiscountService.Describe(kind)} discounts now start at {percent} % (was {previous} %).";
        }, cancellationToken);

    /// <summary>R7: how long an approval is valid unless sales chooses another date.</summary>
    public Task<DiscountDefaults> ChangeDiscountValidityAsync(int days, Actor actor, CancellationToken cancellationToken = default) =>
        ChangeDiscountDefaultsAsync(actor, defaults =>
        {
            var previous = defaults.ChangeValidityDays(days);
            return $"Discount approvals are now valid for {days} days by default (was {previous} days).";
        }, cancellationToken);

    private async Task<Product> ChangeAsync(Guid productId, Actor actor, Func<Product, string> change, CancellationToken cancellationToken)
    {
        actor.Require("change the catalog", Roles.Admin);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var product = await db.Products.Include(p => p.Packs).SingleOrDefaultAsync(p => p.Id == productId, cancellationToken)
            ?? throw new DomainException("That product does not exist.");
        var summary = change(product);
        audit.Record(db, actor, ChangedAction, nameof(Product), product.Id, organizationId: null, summary, visibleToCustomer: false);
        await SaveAsync(db, product.Name, cancellationToken);
        return product;
    }

    private async Task<DiscountDefaults> ChangeDiscountDefaultsAsync(Actor actor, Func<DiscountDefaults, string> change, CancellationToken cancellationToken)
    {
        actor.Require("change the catalog", Roles.Admin);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var defaults = await db.DiscountDefaults.SingleAsync(d => d.Id == DiscountDefaults.SingleRowId, cancellationToken);
        var summary = change(defaults);
        audit.Record(db, actor, ChangedAction, nameof(DiscountDefaults), defaults.Id, organizationId: null, summary, visibleToCustomer: false);
        await SaveAsync(db, "the discount defaults", cancellationToken);
        return defaults;
    }

    private static async Task SaveAsync(PortalDbContext db, string what, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new DomainException($"Someone else changed {what} at the same moment. Reload to see their change, then try again.");
        }
    }
}
