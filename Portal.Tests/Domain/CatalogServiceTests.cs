using Microsoft.EntityFrameworkCore;
using Portal.Domain;
using Portal.Domain.Catalog;
using Portal.Domain.Pricing;
using Portal.Tests.Builders;

namespace Portal.Tests.Domain;

public sealed class CatalogServiceTests : IAsyncLifetime
{
    private DomainFixture _fx = null!;

    public async Task InitializeAsync() => _fx = await DomainFixture.CreateAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    private CatalogService Catalog => _fx.Get<CatalogService>();

    [Fact]
    public async Task An_admin_changes_a_pack_price_and_new_quotes_use_it_with_an_audit_entry()
    {
        await Catalog.ChangePackPriceAsync(_fx.OfficeStatus.Id, 10, DomainFixture.Usd(39_900), DomainFixture.Admin);
        await using var db = _fx.Db();

        var quote = await _fx.Get<PricingService>().PriceAsync(db, _fx.Contoso.Id, _fx.Cart((10, 1)));

        Assert.Equal(DomainFixture.Usd(39_900), quote.Total);
        var audit = await db.AuditEvents.SingleAsync(e => e.Action == "catalog.changed");
        Assert.Equal("OfficeStatus 10-user pack price changed from USD 420.00 to USD 399.00.", audit.Summary);
        Assert.False(audit.VisibleToCustomer);
        Assert.Equal("ada@keymetric.example", audit.ActorName);
    }

    [Fact]
    public async Task Releases_move_forward_only()
    {
        var released = await Catalog.ReleaseAsync(_fx.OfficeStatus.Id, 6, 2, DomainFixture.Admin);

        var backwards = await Assert.ThrowsAsync<DomainException>(() => Catalog.ReleaseAsync(_fx.OfficeStatus.Id, 5, 9, DomainFixture.Admin));

        Assert.Equal("6.2", released.CurrentVersion);
        Assert.Contains("not newer than the current version 6.2", backwards.Message);
    }

    [Fact]
    public async Task Only_an_admin_changes_the_catalog()
    {
        var error = await Assert.ThrowsAsync<DomainException>(() =>
            Catalog.ChangeUpgradePercentAsync(_fx.OfficeStatus.Id, 30, DomainFixture.Sales));

        Assert.Contains("Only Admin staff", error.Message);
        await using var db = _fx.Db();
        Assert.Equal(50, (await db.Products.SingleAsync()).UpgradePercent);
    }

    [Fact]
    public async Task An_admin_adds_a_pack_to_an_existing_product()
    {
        await Catalog.AddPackAsync(_fx.OfficeStatus.Id, 500, DomainFixture.Usd(1_400_000), DomainFixture.Admin);

        await using var db = _fx.Db();
        Assert.Equal(8, await db.SeatPacks.CountAsync());
        Assert.Equal(DomainFixture.Usd(1_400_000), (await db.SeatPacks.SingleAsync(p => p.Seats == 500)).ListPrice);
    }
}
