using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.Licensing;
using Portal.Domain.Members;
using Portal.Domain.Ordering;
using Portal.Domain.Organizations;
using Portal.Domain.Pricing;
using Portal.Domain.Quotes;

namespace Portal.Tests.Builders;

/// <summary>
/// A quote asked for the way the buy and upgrade pages ask for one (<see cref="QuoteService.CreateAsync"/>) and, if asked,
/// accepted into its order (<see cref="QuoteService.AcceptAsync"/>). By default a Billing member of the organization asks
/// for OfficeStatus packs, and accepts with a purchase-order number and <see cref="Address"/>.
/// </summary>
/// <example><c>var order = await fx.Quote().Packs((10, 1)).AcceptedAsync(PaymentMethod.Invoice);</c></example>
public sealed class QuoteBuilder(IServiceProvider services, Guid organizationId)
{
    private readonly List<(int Seats, int Quantity)> _packs = [];
    private readonly List<Guid> _upgrades = [];
    private Guid _organizationId = organizationId;
    private Actor? _by;

    /// <summary>The billing address tests accept quotes with.</summary>
    public static PostalAddress Address { get; } = PostalAddress.Create("1 Procurement Way", "Floor 2", "SW1A 1AA", "London", "");

    /// <summary>A Billing member of the organization, as the quote pages act for one.</summary>
    public static Actor BillingMember(Guid organizationId) => DomainFixture.Customer.In(organizationId, MemberRoles.Billing);

    /// <summary>What a customer confirms to accept: the purchase order, <see cref="Address"/> unless given, no tax ID unless given.</summary>
    public static QuoteAcceptance Acceptance(PaymentMethod method, string? purchaseOrder = "PO-4711", PostalAddress? address = null, TaxId? taxId = null) =>
        new(purchaseOrder, address ?? Address, taxId, method);

    /// <summary>Asked for by this organization instead.</summary>
    public QuoteBuilder For(Organization organization)
    {
        _organizationId = organization.Id;
        return this;
    }

    /// <summary>Asked for (and accepted) by this person, acting in the organization.</summary>
    public QuoteBuilder By(Actor actor)
    {
        _by = actor;
        return this;
    }

    /// <summary>Packs of OfficeStatus by their seats, with how many of each.</summary>
    public QuoteBuilder Packs(params (int Seats, int Quantity)[] packs)
    {
        _packs.AddRange(packs);
        return this;
    }

    /// <summary>Upgrades of these licenses to the current major (R6).</summary>
    public QuoteBuilder Upgrading(params License[] licenses)
    {
        _upgrades.AddRange(licenses.Select(l => l.Id));
        return this;
    }

    private Actor Member => _by ?? BillingMember(_organizationId);

    /// <summary>The quote as created: numbered, open, emailed.</summary>
    public async Task<Quote> CreateAsync()
    {
        Cart cart;
        await using (var db = await services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync())
        {
            var product = await db.Products.AsNoTracking().Include(p => p.Packs).SingleAsync();
            cart = Carts.Of(product, _packs, _upgrades);
        }
        return await services.GetRequiredService<QuoteService>().CreateAsync(_organizationId, Member, Member.Name, cart);
    }

    /// <summary>The quote created and accepted, to be paid by <paramref name="method"/>: the order placed from it.</summary>
    public async Task<Order> AcceptedAsync(PaymentMethod method, string? purchaseOrder = "PO-4711")
    {
        var quote = await CreateAsync();
        return await services.GetRequiredService<QuoteService>()
            .AcceptAsync(_organizationId, quote.Id, Member, Member.Name, Acceptance(method, purchaseOrder));
    }
}

public static class QuoteBuilding
{
    /// <summary>A quote of OfficeStatus for Contoso by a Billing member; see <see cref="QuoteBuilder"/>.</summary>
    public static QuoteBuilder Quote(this DomainFixture fx) => new(fx.Get<IServiceProvider>(), fx.Contoso.Id);
}
