using Microsoft.EntityFrameworkCore;
using Portal.Domain;
using Portal.Domain.Accounts;
using Portal.Domain.Discounts;
using Portal.Domain.Ordering;
using Portal.Domain.Pricing;
using Portal.Tests.Builders;
using static Portal.Tests.Builders.DomainFixture;
using Portal.Domain.Members;

namespace Portal.Tests.Domain;

/// <summary>An order's amounts are <see cref="Money"/> values, stored each with its currency, all in the quote's one currency.</summary>
public sealed class OrderMoneyTests : IAsyncLifetime
{
    private DomainFixture _fx = null!;

    public async Task InitializeAsync() => _fx = await DomainFixture.CreateAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    private static Actor Buyer { get; } = Actor.Person("buyer-1", "buyer@contoso.example", Roles.Customer);

    private Cart TwoTenUserPacks => new(_fx.OfficeStatus.Id, [new CartPack(_fx.Pack(10).Id, 2)], []);

    [Fact]
    public async Task A_placed_order_reads_back_with_every_amount_and_its_currency()
    {
        var discounts = _fx.Get<DiscountService>();
        var application = await discounts.SubmitAsync(_fx.Contoso.Id, DiscountKind.Educational, "University", [], DomainFixture.CustomerIn(_fx.Contoso.Id));
        await discounts.ApproveAsync(application.Id, 40, null, null, Sales);
        var placed = await _fx.Get<OrderService>().PlaceAsync(_fx.Contoso.Id, Buyer.In(_fx.Contoso.Id, MemberRoles.Owner), "buyer@contoso.example", TwoTenUserPacks);

        await using var db = _fx.Db();
        var stored = await db.Orders.AsNoTracking().Include(o => o.Lines).SingleAsync(o => o.Id == placed.Id);

        Assert.Equal((Usd(84_000), Usd(33_600), Usd(50_400)), (stored.Subtotal, stored.DiscountTotal, stored.Total));
        var line = Assert.Single(stored.Lines);
        Assert.Equal((Usd(42_000), Usd(16_800), Usd(25_200), Usd(50_400)), (line.UnitListPrice, line.UnitDiscount, line.UnitPrice, line.Total));
    }

    [Fact]
    public async Task Amounts_are_compared_sorted_and_summed_by_the_database()
    {
        var orders = _fx.Get<OrderService>();
        await orders.PlaceAsync(_fx.Contoso.Id, Buyer.In(_fx.Contoso.Id, MemberRoles.Owner), "buyer@contoso.example", TwoTenUserPacks);
        await orders.PlaceAsync(_fx.Contoso.Id, Buyer.In(_fx.Contoso.Id, MemberRoles.Owner), "buyer@contoso.example", new Cart(_fx.OfficeStatus.Id, [new CartPack(_fx.Pack(1).Id, 1)], []));
        await using var db = _fx.Db();

        Assert.Equal([Usd(4_900), Usd(84_000)], await db.Orders.OrderBy(o => o.Total.Minor).Select(o => o.Total).ToListAsync());
        Assert.Equal(88_900, await db.Orders.Where(o => o.Total.Currency == "USD").SumAsync(o => o.Total.Minor));
        Assert.Equal(1, await db.Orders.CountAsync(o => o.Total == Usd(4_900)));
    }

    public static TheoryData<string> Amounts => ["subtotal", "discount", "total", "line unit price", "line total"];

    [Theory]
    [MemberData(nameof(Amounts))]
    public async Task An_order_takes_no_quote_with_an_amount_in_another_currency(string amount)
    {
        PricedCart quote;
        await using (var db = _fx.Db())
            quote = await _fx.Get<PricingService>().PriceAsync(db, _fx.Contoso.Id, TwoTenUserPacks);
        static Money InEuros(Money money) => money with { Currency = "EUR" };
        var line = quote.Lines.Single();
        var mixed = amount switch
        {
            "subtotal" => quote with { Subtotal = InEuros(quote.Subtotal) },
            "discount" => quote with { DiscountTotal = InEuros(quote.DiscountTotal) },
            "total" => quote with { Total = InEuros(quote.Total) },
            "line unit price" => quote with { Lines = [line with { UnitPrice = InEuros(line.UnitPrice) }] },
            _ => quote with { Lines = [line with { Total = InEuros(line.Total) }] },
        };

        var error = Assert.Throws<DomainException>(() => Order.FromPricedCart(mixed, "buyer-1", "buyer@contoso.example", Start));

        Assert.Equal("Every amount of an order is in its currency, USD.", error.Message);
        Assert.NotNull(Order.FromPricedCart(quote, "buyer-1", "buyer@contoso.example", Start));
    }
}
