using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.Members;
using Portal.Domain.Ordering;
using Portal.Domain.Organizations;
using Portal.Domain.Quotes;
using Portal.Tests.Builders;

namespace Portal.Tests.Payments;

/// <summary>
/// Orders paid by invoice, placed as a customer places one: a quote for OfficeStatus packs, accepted with a purchase-order
/// number, a billing address and (unless told otherwise) a tax ID. Works on any services that hold the domain.
/// </summary>
public static class InvoiceOrders
{
    public const string PurchaseOrder = "PO-2026-0042";

    public static PostalAddress Address { get; } = PostalAddress.Create("1 Town Hall Square", "Finance department", "LS1 1UR", "Leeds", "West Yorkshire");

    public static TaxId VatNumber { get; } = TaxId.Create("gb_vat", "GB123456789")!;

    /// <summary>The customer as the domain services see them: an owner of its organization.</summary>
    public static Actor ActorOf(TestCustomer customer) => Actor.Person(customer.UserId, customer.Email, Roles.Customer).In(customer.OrganizationId, MemberRoles.Owner);

    /// <summary>What sign-in gives the customer: the Customer role, its organization and its member role (Owner unless told).</summary>
    public static ClaimsPrincipal PrincipalOf(TestCustomer customer, MemberRoles role = MemberRoles.Owner) => new(new ClaimsIdentity(
    [
        new Claim(ClaimTypes.NameIdentifier, customer.UserId), new Claim(ClaimTypes.Email, customer.Email), new Claim(ClaimTypes.Role, Roles.Customer),
        new Claim(PortalClaimTypes.OrganizationId, customer.OrganizationId.ToString()), new Claim(PortalClaimTypes.MemberRole, role.ToString()),
    ], "test"));

    /// <summary>The quote for <paramref name="packs"/> (25 + 2 × 10 seats unless given), accepted to be paid by invoice: its order.</summary>
    public static async Task<(Quote Quote, Order Order)> PlaceAsync(IServiceProvider services, Guid organizationId, Actor buyer,
        TaxId? taxId = null, bool withoutTaxId = false, params (int Seats, int Quantity)[] packs)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var product = await db.Products.AsNoTracking().Include(p => p.Packs).SingleAsync();
        var cart = Carts.Of(product, packs.Length == 0 ? [(25, 1), (10, 2)] : packs, []);
        var quotes = services.GetRequiredService<QuoteService>();
        var quote = await quotes.CreateAsync(organizationId, buyer, buyer.Name, cart);
        var order = await quotes.AcceptAsync(organizationId, quote.Id, buyer, buyer.Name,
            new QuoteAcceptance(PurchaseOrder, Address, withoutTaxId ? null : taxId ?? VatNumber, PaymentMethod.Invoice));
        var accepted = await db.Quotes.AsNoTracking().Include(q => q.Lines).SingleAsync(q => q.Id == quote.Id);
        var placed = await db.Orders.AsNoTracking().Include(o => o.Lines).SingleAsync(o => o.Id == order.Id);
        return (accepted, placed);
    }

    public static Task<(Quote Quote, Order Order)> PlaceAsync(PaymentsApp app, TestCustomer customer, params (int Seats, int Quantity)[] packs) =>
        PlaceAsync(app.Services, customer.OrganizationId, ActorOf(customer), packs: packs);
}
