using Portal.Domain;
using Portal.Domain.Ordering;
using Portal.Domain.Pricing;
using Portal.Tests.Builders;

namespace Portal.Tests.Domain;

/// <summary>The read side behind the upgrade and order pages, on a real SQLite database.</summary>
public sealed class UpgradeAndOrderQueryTests : IAsyncLifetime
{
    private DomainFixture _fx = null!;

    public async Task InitializeAsync() => _fx = await DomainFixture.CreateAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    [Fact]
    public async Task R6_only_the_organizations_active_licenses_for_older_majors_are_offered_with_todays_upgrade_list_price()
    {
        var offered = Assert.Single(await _fx.PurchaseAsync(_fx.Contoso, 10));
        var upgradedEarlier = Assert.Single(await _fx.PurchaseAsync(_fx.Contoso, 5));
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam");
        await _fx.PurchaseAsync(fabrikam, 25);
        await _fx.ReleaseAsync(7, 0);
        await _fx.UpgradeAsync(upgradedEarlier);
        await _fx.PurchaseAsync(_fx.Contoso, 50);
        await using var db = _fx.Db();

        var offers = await UpgradeOffers.ForOrganizationAsync(db, _fx.Contoso.Id);

        var offer = Assert.Single(offers);
        Assert.Equal((offered.Id, 6, 7, 10), (offer.LicenseId, offer.FromMajor, offer.ToMajor, offer.Seats));
        // 50 % of the 10-user pack's USD 420.00.
        Assert.Equal(new Money(21_000, "USD"), offer.UpgradeListPrice);
    }

    [Fact]
    public async Task An_organization_with_only_current_licenses_is_offered_no_upgrade()
    {
        await _fx.PurchaseAsync(_fx.Contoso, 10);
        await using var db = _fx.Db();

        Assert.Empty(await UpgradeOffers.ForOrganizationAsync(db, _fx.Contoso.Id));
    }

    [Fact]
    public async Task Orders_are_listed_newest_first_a_page_at_a_time_for_one_organization_only()
    {
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam");
        await _fx.Order().For(fabrikam).Packs((25, 1)).PlaceAsync();
        var placed = new List<Order>();
        for (var i = 1; i <= 3; i++)
        {
            _fx.Clock.Advance(TimeSpan.FromHours(1));
            placed.Add(await _fx.Order().Packs((10, i), (1, 1)).PlaceAsync());
        }
        await using var db = _fx.Db();

        var first = await OrderQueries.ListAsync(db, _fx.Contoso.Id, page: 1, pageSize: 2);
        var second = await OrderQueries.ListAsync(db, _fx.Contoso.Id, page: 2, pageSize: 2);

        Assert.Equal(3, first.TotalCount);
        Assert.Equal([placed[2].Id, placed[1].Id], first.Rows.Select(r => r.Id));
        Assert.Equal([placed[0].Id], second.Rows.Select(r => r.Id));
        var newest = first.Rows[0];
        Assert.Equal((OrderStatus.Pending, new Money(placed[2].Total, "USD")), (newest.Status, newest.Total));
        Assert.Equal(["3 × OfficeStatus 6 – 10-user pack", "OfficeStatus 6 – 1-user pack"], newest.Items);
    }
}
