using Portal.Domain;
using Portal.Domain.Catalog;

namespace Portal.Tests.Domain;

public sealed class CatalogTests
{
    [Fact]
    public void OfficeStatus_seed_is_version_6_1_with_the_seven_packs()
    {
        var product = CatalogSeed.OfficeStatus();

        Assert.Equal("6.1", product.CurrentVersion);
        Assert.Equal([1, 5, 10, 25, 50, 100, 250], product.Packs.Select(p => p.Seats));
        Assert.Equal("USD", product.Currency);
        Assert.Equal(Product.DefaultUpgradePercent, product.UpgradePercent);
        Assert.All(product.Packs, pack => Assert.True(pack.ListPrice.Minor > 0 && pack.ListPrice.Currency == "USD"));
    }

    [Fact]
    public void A_product_cannot_have_two_packs_of_the_same_size()
    {
        var product = Product.Create("officestatus", "OfficeStatus", 6, 1, "USD");
        product.AddPack(5, new Money(22_500, "USD"));

        var error = Assert.Throws<DomainException>(() => product.AddPack(5, new Money(20_000, "USD")));

        Assert.Contains("already has a 5-user pack", error.Message);
    }

    [Fact]
    public void A_pack_is_priced_in_the_currency_of_its_product()
    {
        var product = Product.Create("officestatus", "OfficeStatus", 6, 1, "USD");
        product.AddPack(5, new Money(22_500, "USD"));

        var added = Assert.Throws<DomainException>(() => product.AddPack(10, new Money(42_000, "EUR")));
        var changed = Assert.Throws<DomainException>(() => product.ChangePackPrice(5, new Money(22_500, "EUR")));

        Assert.Equal("OfficeStatus is priced in USD, not EUR.", added.Message);
        Assert.Equal("OfficeStatus is priced in USD, not EUR.", changed.Message);
        Assert.Equal(new Money(22_500, "USD"), Assert.Single(product.Packs).ListPrice);
    }

    [Theory]
    [InlineData(0, 100)]
    [InlineData(5, -1)]
    public void A_pack_needs_seats_and_a_non_negative_price(int seats, long price)
    {
        var product = Product.Create("officestatus", "OfficeStatus", 6, 1, "USD");

        Assert.Throws<DomainException>(() => product.AddPack(seats, new Money(price, "USD")));
    }

    [Theory]
    [InlineData("Office Status", "OfficeStatus", 6, 1, "USD", 50)]
    [InlineData("officestatus", "", 6, 1, "USD", 50)]
    [InlineData("officestatus", "OfficeStatus", 0, 1, "USD", 50)]
    [InlineData("officestatus", "OfficeStatus", 6, 1, "US", 50)]
    [InlineData("officestatus", "OfficeStatus", 6, 1, "USD", 101)]
    public void Invalid_products_are_refused(string code, string name, int major, int minor, string currency, int upgradePercent)
    {
        Assert.Throws<DomainException>(() => Product.Create(code, name, major, minor, currency, upgradePercent));
    }

    [Theory]
    [InlineData(123_450, "USD", "USD 1,234.50")]
    [InlineData(5, "EUR", "EUR 0.05")]
    [InlineData(1500, "JPY", "JPY 1,500")]
    public void R12_money_is_integer_minor_units_shown_in_the_currency(long minor, string currency, string expected)
    {
        Assert.Equal(expected, new Money(minor, currency).ToString());
    }

    [Theory]
    [InlineData("399.5", "USD", 39_950)]
    [InlineData("420", "EUR", 42_000)]
    [InlineData("1500", "JPY", 1_500)]
    public void R12_an_amount_typed_in_whole_units_becomes_minor_units(string typed, string currency, long minor)
    {
        Assert.Equal(new Money(minor, currency), Money.FromMajor(decimal.Parse(typed, System.Globalization.CultureInfo.InvariantCulture), currency));
    }

    [Theory]
    [InlineData("420.555", "USD", "Amounts in USD have at most 2 decimals.")]
    [InlineData("1500.5", "JPY", "Amounts in JPY are whole numbers.")]
    public void R12_an_amount_finer_than_the_currency_is_refused(string typed, string currency, string message)
    {
        var error = Assert.Throws<DomainException>(() => Money.FromMajor(decimal.Parse(typed, System.Globalization.CultureInfo.InvariantCulture), currency));

        Assert.Equal(message, error.Message);
    }
}
