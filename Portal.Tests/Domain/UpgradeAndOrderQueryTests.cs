using Microsoft.EntityFrameworkCore;
using Portal.Domain;
using Portal.Domain.Licensing;
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
        Assert.Equal((OrderStatus.Pending, placed[2].Total), (newest.Status, newest.Total));
        Assert.Equal(["3 × OfficeStatus 6 – 10-user pack", "OfficeStatus 6 – 1-user pack"], newest.Items);
    }

    [Fact]
    public async Task An_orders_lines_are_listed_alike_everywhere_new_seats_first_larger_packs_first_then_upgrades()
    {
        var older = Assert.Single(await _fx.PurchaseAsync(_fx.Contoso, 5));
        await _fx.ReleaseAsync(7, 0);
        var order = await _fx.Get<OrderService>().PlaceAsync(_fx.Contoso.Id, DomainFixture.CustomerIn(_fx.Contoso.Id), "ana@contoso.example",
            new Cart(_fx.OfficeStatus.Id, [new CartPack(_fx.Pack(1).Id, 2), new CartPack(_fx.Pack(10).Id, 1), new CartPack(_fx.Pack(25).Id, 1)], [older.Id]));
        var expected = new[]
        {
            order.Lines.Single(l => l.Kind == LineKind.NewSeats && l.Seats == 25),
            order.Lines.Single(l => l.Kind == LineKind.NewSeats && l.Seats == 10),
            order.Lines.Single(l => l.Kind == LineKind.NewSeats && l.Seats == 1),
            order.Lines.Single(l => l.Kind == LineKind.Upgrade),
        }.Select(l => l.Description).ToList();
        await using var db = _fx.Db();

        var listed = Assert.Single((await OrderQueries.ListAsync(db, _fx.Contoso.Id, page: 1, pageSize: 10)).Rows).Items;
        var shown = (await OrderQueries.OrderAsync(db, _fx.Contoso.Id, order.Id))!.Lines;

        Assert.Equal(expected, OrderLine.InDisplayOrder(order.Lines).Select(l => l.Description)); // Stripe's line items
        Assert.Equal(expected, shown.Select(l => l.Description));
        Assert.Equal(shown.Select(l => l.Quantity == 1 ? l.Description : $"{l.Quantity} × {l.Description}"), listed);
    }

    [Fact]
    public async Task An_orders_view_has_its_amounts_lines_and_licenses_and_another_organizations_order_is_not_found()
    {
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam");
        var order = await _fx.Get<OrderService>().PlaceAsync(_fx.Contoso.Id, DomainFixture.CustomerIn(_fx.Contoso.Id), "ana@contoso.example", _fx.Cart((10, 1)));
        await _fx.Get<FulfilmentService>().FulfilAsync(new PaidCheckout(order.Id, "cs_test_view", "pi_test_view", order.Total, "https://pay.stripe.com/receipts/view"));
        await using var db = _fx.Db();
        var license = await db.Licenses.AsNoTracking().SingleAsync(l => l.OrderId == order.Id);

        var view = await OrderQueries.OrderAsync(db, _fx.Contoso.Id, order.Id);

        Assert.NotNull(view);
        Assert.Equal((OrderStatus.Fulfilled, "ana@contoso.example", "https://pay.stripe.com/receipts/view"), (view.Status, view.PlacedByEmail, view.ReceiptUrl));
        Assert.Equal((new Money(42_000, "USD"), new Money(42_000, "USD"), new Money(0, "USD"), (string?)null), (view.Total, view.Subtotal, view.DiscountTotal, view.DiscountDescription));
        var line = Assert.Single(view.Lines);
        Assert.Equal((1, new Money(42_000, "USD"), new Money(42_000, "USD")), (line.Quantity, line.UnitPrice, line.Total));
        var issued = Assert.Single(view.Licenses);
        Assert.Equal((license.Id, "OfficeStatus", 6, 10, LicenseStatus.Active, (string?)license.Key), (issued.Id, issued.ProductName, issued.Major, issued.Seats, issued.Status, issued.Key));
        Assert.Equal($"officestatus-6-perpetual-{license.Id:N}.lic", issued.LicenseFileName);
        Assert.Null(await OrderQueries.OrderAsync(db, fabrikam.Id, order.Id));
    }
}
