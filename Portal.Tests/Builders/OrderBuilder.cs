using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.Licensing;
using Portal.Domain.Members;
using Portal.Domain.Ordering;
using Portal.Domain.Organizations;
using Portal.Domain.Pricing;

namespace Portal.Tests.Builders;

/// <summary>
/// An order placed the way the buy and upgrade pages place one (<see cref="OrderService.PlaceAsync"/>) and, if asked,
/// paid the way Stripe's webhook reports a payment (<see cref="PaymentEventService.HandleAsync"/>). Works on any
/// services that hold the domain: a <see cref="DomainFixture"/>'s (<see cref="DomainFixture.Order"/>) or a running app's.
/// </summary>
/// <example><c>var order = await fx.Order().Packs((25, 1), (10, 1)).PaidAsync();</c></example>
public sealed class OrderBuilder(IServiceProvider services, Guid organizationId, Actor buyer, Guid? productId = null)
{
    private readonly List<(int Seats, int Quantity)> _packs = [];
    private readonly List<Guid> _upgrades = [];
    private Guid _organizationId = organizationId;
    private Actor _buyer = buyer;

    /// <summary>Placed for this organization instead.</summary>
    public OrderBuilder For(Organization organization)
    {
        _organizationId = organization.Id;
        return this;
    }

    /// <summary>Placed by this person, whose name is the email address the licenses are sent to.</summary>
    public OrderBuilder By(Actor buyer)
    {
        _buyer = buyer;
        return this;
    }

    /// <summary>Packs of the product by their seats, with how many of each.</summary>
    public OrderBuilder Packs(params (int Seats, int Quantity)[] packs)
    {
        _packs.AddRange(packs);
        return this;
    }

    /// <summary>Upgrades of these licenses to the current major (R6).</summary>
    public OrderBuilder Upgrading(params License[] licenses)
    {
        _upgrades.AddRange(licenses.Select(l => l.Id));
        return this;
    }

    /// <summary>The order as placed: pending, its quote frozen, with its lines.</summary>
    public async Task<Order> PlaceAsync()
    {
        Cart cart;
        await using (var db = await services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync())
        {
            var product = await db.Products.AsNoTracking().Include(p => p.Packs)
                .SingleAsync(p => productId == null || p.Id == productId);
            cart = Carts.Of(product, _packs, _upgrades);
        }
        // A buyer the test did not place in an organization buys as an owner of the order's organization.
        var buyer = _buyer.Member is null ? _buyer.In(_organizationId, MemberRoles.Owner) : _buyer;
        return await services.GetRequiredService<OrderService>().PlaceAsync(_organizationId, buyer, buyer.Name, cart);
    }

    /// <summary>
    /// The order placed and paid in full through the one door for payments, as Stripe's paid checkout reports it (its
    /// licenses issued and emailed); read back as it then is.
    /// </summary>
    public async Task<Order> PaidAsync(string? receiptUrl = null)
    {
        var placed = await PlaceAsync();
        var payment = await services.GetRequiredService<PaymentEventService>().HandleAsync(PaymentReports.Paid(placed, receiptUrl: receiptUrl));
        Assert.True(payment.Outcome == PaymentReportOutcome.Applied, $"The payment was not applied: {payment.Summary}");
        await using var db = await services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        return await db.Orders.AsNoTracking().Include(o => o.Lines).SingleAsync(o => o.Id == placed.Id);
    }
}
