using Microsoft.EntityFrameworkCore;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.Discounts;
using Portal.Domain.History;
using Portal.Domain.Licensing;
using Portal.Domain.Pricing;

namespace Portal.Domain.Ordering;

/// <summary>What the payment provider says was paid for an order.</summary>
public sealed record PaidCheckout(Guid OrderId, string CheckoutSessionId, string? PaymentIntentId, long AmountPaid, string Currency, string? ReceiptUrl = null);

public enum FulfilmentOutcome
{
    Fulfilled,
    AlreadyFulfilled,
    NeedsReview,

    /// <summary>The order is expired, failed or refunded: a payment for it is not turned into licenses.</summary>
    NotPayable,
    OrderNotFound,
}

/// <summary>
/// The only way money becomes licenses. One transaction issues the licenses and keys, records history, consumes a
/// cross-grade discount and queues the registration email; the order's concurrency token makes it happen exactly once
/// when the webhook, the success page and duplicate deliveries race.
/// </summary>
public sealed class FulfilmentService(
    IDbContextFactory<PortalDbContext> dbFactory,
    LicensingService licensing,
    DiscountService discounts,
    RegistrationEmail registration,
    AuditLog audit,
    TimeProvider clock)
{
    public async Task<FulfilmentOutcome> FulfilAsync(PaidCheckout paid, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            try
            {
                var outcome = await FulfilInTransactionAsync(db, paid, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return outcome;
            }
            catch (DbUpdateConcurrencyException conflict) when (conflict.Entries.Any(entry => entry.Entity is Order))
            {
                // Another delivery changed the order between our read and our write: it did the work.
                await transaction.RollbackAsync(cancellationToken);
                return FulfilmentOutcome.AlreadyFulfilled;
            }
        });
    }

    private async Task<FulfilmentOutcome> FulfilInTransactionAsync(PortalDbContext db, PaidCheckout paid, CancellationToken cancellationToken)
    {
        var order = await db.Orders.Include(o => o.Lines).SingleOrDefaultAsync(o => o.Id == paid.OrderId, cancellationToken);
        if (order is null)
            return FulfilmentOutcome.OrderNotFound;
        if (order.Status == OrderStatus.Fulfilled)
            return FulfilmentOutcome.AlreadyFulfilled;
        if (order.Status != OrderStatus.Pending)
            return order.Status == OrderStatus.NeedsReview ? FulfilmentOutcome.NeedsReview : FulfilmentOutcome.NotPayable;

        var now = clock.GetUtcNow();
        var problem = CheckPayment(order, paid) ?? await CheckUpgradesAsync(db, order, cancellationToken);
        if (problem is not null)
        {
            order.MarkNeedsReview(problem, paid.PaymentIntentId, now);
            audit.Record(db, Actor.Stripe, "order.needs-review", nameof(Order), order.Id, order.OrganizationId,
                $"Payment received but not turned into licenses: {problem} Our staff will contact you.");
            await db.SaveChangesAsync(cancellationToken);
            return FulfilmentOutcome.NeedsReview;
        }

        var organization = await db.Organizations.SingleAsync(o => o.Id == order.OrganizationId, cancellationToken);
        var product = await db.Products.Include(p => p.Packs).SingleAsync(p => p.Id == order.ProductId, cancellationToken);
        var issued = new List<License>();
        foreach (var line in order.Lines)
        {
            if (line.Kind == QuoteLineKind.NewSeats)
            {
                for (var i = 0; i < line.Quantity; i++)
                    issued.Add(licensing.IssuePurchased(db, organization, product, line.Seats, order.Id, Actor.Stripe));
            }
            else
            {
                var old = await db.Licenses.SingleAsync(l => l.Id == line.UpgradedLicenseId, cancellationToken);
                issued.Add(licensing.Upgrade(db, organization, old, product, order.Id, Actor.Stripe));
            }
        }

        if (order.DiscountApplicationId is { } discountId)
            await ConsumeDiscountAsync(db, discountId, order, cancellationToken);

        order.MarkFulfilled(paid.PaymentIntentId, paid.ReceiptUrl, now);
        audit.Record(db, Actor.Stripe, "order.fulfilled", nameof(Order), order.Id, order.OrganizationId,
            $"Payment of {new Money(order.Total, order.Currency)} received; {issued.Count} {(issued.Count == 1 ? "license" : "licenses")} issued.");
        registration.QueueForOrder(db, organization, product, issued, LicensingService.SupportEndAfterPurchaseAt(now),
            order.PlacedByEmail, order.Id, Actor.Stripe);
        await db.SaveChangesAsync(cancellationToken);
        return FulfilmentOutcome.Fulfilled;
    }

    private static string? CheckPayment(Order order, PaidCheckout paid)
    {
        if (order.CheckoutSessionId is not null && order.CheckoutSessionId != paid.CheckoutSessionId)
            return "The payment belongs to another checkout session than the order's.";
        return order.Matches(paid.AmountPaid, paid.Currency)
            ? null
            : $"Stripe reported {new Money(paid.AmountPaid, paid.Currency.ToUpperInvariant())} but the order total is {new Money(order.Total, order.Currency)}.";
    }

    private static async Task<string?> CheckUpgradesAsync(PortalDbContext db, Order order, CancellationToken cancellationToken)
    {
        var ids = order.Lines.Where(l => l.UpgradedLicenseId is not null).Select(l => l.UpgradedLicenseId!.Value).ToList();
        if (ids.Count == 0)
            return null;
        var product = await db.Products.AsNoTracking().SingleAsync(p => p.Id == order.ProductId, cancellationToken);
        foreach (var license in await db.Licenses.AsNoTracking().Where(l => ids.Contains(l.Id)).ToListAsync(cancellationToken))
        {
            try
            {
                license.EnsureUpgradable(product);
            }
            catch (DomainException rule)
            {
                return $"A license in the order can no longer be upgraded: {rule.Message}";
            }
        }
        return null;
    }

    private async Task ConsumeDiscountAsync(PortalDbContext db, Guid discountId, Order order, CancellationToken cancellationToken)
    {
        try
        {
            await discounts.ConsumeAsync(db, discountId, order.Id, Actor.Stripe, cancellationToken);
        }
        catch (DomainException used)
        {
            // The customer has paid the discounted price already; staff see that the discount was used twice.
            audit.Record(db, Actor.Stripe, "discount.reused", nameof(Order), order.Id, order.OrganizationId,
                $"The order used a discount that was no longer available: {used.Message}", visibleToCustomer: false);
        }
    }
}
