using Microsoft.EntityFrameworkCore;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.History;
using Portal.Domain.Pricing;
using Portal.Domain.Members;

namespace Portal.Domain.Ordering;

/// <summary>Turns a cart into a frozen order (R12) and keeps track of its checkout session.</summary>
public sealed class OrderService(IDbContextFactory<PortalDbContext> dbFactory, PricingService pricing, AuditLog audit, TimeProvider clock)
{
    public async Task<Order> PlaceAsync(Guid organizationId, Actor actor, string purchaserEmail, Cart cart, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Require(organizationId, "buy seats or upgrades", MemberRoles.Billing);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var priced = await pricing.PriceAsync(db, organizationId, cart, cancellationToken);
        var order = Order.FromPricedCart(priced, actor.UserId!, purchaserEmail, clock.GetUtcNow());
        db.Orders.Add(order);
        audit.Record(db, actor, "order.placed", nameof(Order), order.Id, organizationId,
            $"Order placed for {order.Total}: {string.Join("; ", order.Lines.Select(l => $"{l.Quantity} × {l.Description}"))}.");
        await db.SaveChangesAsync(cancellationToken);
        return order;
    }

    public async Task AttachCheckoutSessionAsync(Guid orderId, string sessionId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var order = await db.Orders.SingleOrDefaultAsync(o => o.Id == orderId, cancellationToken)
            ?? throw new DomainException("That order does not exist.");
        if (order.CheckoutSessionId == sessionId)
            return;
        order.AttachCheckoutSession(sessionId);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// The order the actor is about to pay (start or resume its checkout), with its lines: only members with the Billing
    /// role pay orders. Null for any other organization's order; the role is checked first, so a refusal says nothing
    /// about the id.
    /// </summary>
    public async Task<Order?> ForCheckoutAsync(Guid organizationId, Guid orderId, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Require(organizationId, "pay orders", MemberRoles.Billing);
        return await FindAsync(organizationId, orderId, cancellationToken);
    }

    /// <summary>An order of the given organization, with its lines, for reading; null for any other organization's order.</summary>
    public async Task<Order?> FindAsync(Guid organizationId, Guid orderId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Orders.AsNoTracking().Include(o => o.Lines)
            .SingleOrDefaultAsync(o => o.Id == orderId && o.OrganizationId == organizationId, cancellationToken);
    }
}
