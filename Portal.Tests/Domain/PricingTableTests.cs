using Portal.Domain.Discounts;
using Portal.Domain.Pricing;
using Portal.Tests.Builders;

namespace Portal.Tests.Domain;

/// <summary>The price of every pack, alone and with each discount kind at its default percent, and of upgrades.</summary>
public sealed class PricingTableTests : IAsyncLifetime
{
    private DomainFixture _fx = null!;

    public async Task InitializeAsync() => _fx = await DomainFixture.CreateAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    public static TheoryData<int, long> Packs => new()
    {
        { 1, 4_900 }, { 5, 22_500 }, { 10, 42_000 }, { 25, 97_500 }, { 50, 180_000 }, { 100, 330_000 }, { 250, 750_000 },
    };

    [Theory]
    [MemberData(nameof(Packs))]
    public async Task Every_pack_costs_its_list_price_times_the_quantity(int seats, long listPrice)
    {
        var quote = await PriceAsync(_fx.Cart((seats, 3)));

        var line = Assert.Single(quote.Lines);
        Assert.Equal((seats, 3, DomainFixture.Usd(listPrice), DomainFixture.Usd(0)), (line.Seats, line.Quantity, line.UnitListPrice, line.UnitDiscount));
        Assert.Equal(DomainFixture.Usd(3 * listPrice), quote.Total);
        Assert.Equal(3 * seats, quote.NewSeats);
        Assert.Null(quote.Discount);
    }

    [Theory]
    [InlineData(DiscountKind.Nonprofit, 40)]
    [InlineData(DiscountKind.Educational, 40)]
    [InlineData(DiscountKind.Governmental, 20)]
    [InlineData(DiscountKind.CrossGrade, 25)]
    public async Task Each_discount_kind_takes_its_default_percent_off_every_pack(DiscountKind kind, int percent)
    {
        await _fx.ApprovedDiscountAsync(kind);
        var cart = _fx.Cart([.. _fx.OfficeStatus.Packs.Select(p => (p.Seats, 1))]);

        var quote = await PriceAsync(cart);

        Assert.Equal((kind, percent), (quote.Discount!.Kind, quote.Discount.Percent));
        Assert.All(quote.Lines, line => Assert.Equal(DomainFixture.Usd(PricingService.PercentOf(line.UnitListPrice.Minor, percent)), line.UnitDiscount));
        Assert.Equal(DomainFixture.Usd(quote.Lines.Sum(l => l.UnitListPrice.Minor)), quote.Subtotal);
        Assert.Equal(DomainFixture.Usd(quote.Subtotal.Minor - quote.Lines.Sum(l => l.UnitDiscount.Minor)), quote.Total);
    }

    [Theory]
    [MemberData(nameof(Packs))]
    public async Task Upgrading_any_pack_size_costs_half_its_current_list_price(int seats, long listPrice)
    {
        var old = Assert.Single(await _fx.PurchaseAsync(_fx.Contoso, seats));
        await _fx.ReleaseAsync(7, 0);

        var quote = await PriceAsync(_fx.UpgradeCart(old));

        Assert.Equal(DomainFixture.Usd(PricingService.PercentOf(listPrice, 50)), quote.Total);
    }

    [Fact]
    public async Task A_license_of_a_size_no_pack_has_is_upgraded_at_that_many_single_seats()
    {
        await using (var db = _fx.Db())
            await _fx.Get<Portal.Domain.Licensing.LicensingService>().GrantComplimentaryAsync(
                db, _fx.Contoso.Id, _fx.OfficeStatus.Id, 6, 7, "Goodwill", DomainFixture.Admin);
        await _fx.ReleaseAsync(7, 0);
        await using var read = _fx.Db();
        var license = read.Licenses.Single();

        var quote = await PriceAsync(_fx.UpgradeCart(license));

        Assert.Equal(DomainFixture.Usd(PricingService.PercentOf(7 * 4_900, 50)), quote.Total);
    }

    [Fact]
    public async Task Quantities_outside_1_to_100_and_repeated_packs_are_refused()
    {
        await Assert.ThrowsAsync<Portal.Domain.DomainException>(() => PriceAsync(_fx.Cart((5, 0))));
        await Assert.ThrowsAsync<Portal.Domain.DomainException>(() => PriceAsync(_fx.Cart((5, 101))));
        await Assert.ThrowsAsync<Portal.Domain.DomainException>(() => PriceAsync(_fx.Cart((5, 1), (5, 2))));
        await Assert.ThrowsAsync<Portal.Domain.DomainException>(() => PriceAsync(_fx.Cart()));
    }

    [Fact]
    public async Task Another_organizations_license_cannot_be_upgraded()
    {
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam");
        var theirs = Assert.Single(await _fx.PurchaseAsync(fabrikam, 10));
        await _fx.ReleaseAsync(7, 0);

        var error = await Assert.ThrowsAsync<Portal.Domain.DomainException>(() => PriceAsync(_fx.UpgradeCart(theirs)));

        Assert.Contains("does not belong to your organization", error.Message);
    }

    private async Task<PricedCart> PriceAsync(Cart cart)
    {
        await using var db = _fx.Db();
        return await _fx.Get<PricingService>().PriceAsync(db, _fx.Contoso.Id, cart);
    }
}
