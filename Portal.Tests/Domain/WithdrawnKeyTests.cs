using Microsoft.EntityFrameworkCore;
using Portal.Domain.Accounts;
using Portal.Domain.Licensing;
using Portal.Domain.Ordering;
using Portal.Domain.Pricing;
using Portal.Tests.Builders;

namespace Portal.Tests.Domain;

/// <summary>
/// R10: a revoked license's key may no longer be used, so it is given out nowhere: not in the order's view, the
/// license's detail, the downloads or a registration email. The rule is <see cref="License.AvailableKey"/>.
/// </summary>
public sealed class WithdrawnKeyTests : IAsyncLifetime
{
    private DomainFixture _fx = null!;

    public async Task InitializeAsync() => _fx = await DomainFixture.CreateAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    [Fact]
    public async Task A_revoked_licenses_key_is_in_no_order_view_license_detail_download_or_email()
    {
        var order = await _fx.Get<OrderService>().PlaceAsync(_fx.Contoso.Id, DomainFixture.CustomerIn(_fx.Contoso.Id), "ana@contoso.example",
            new Cart(_fx.OfficeStatus.Id, [new CartPack(_fx.Pack(25).Id, 1), new CartPack(_fx.Pack(10).Id, 1)], []));
        Assert.Equal(FulfilmentOutcome.Fulfilled, await _fx.Get<FulfilmentService>().FulfilAsync(
            new PaidCheckout(order.Id, "cs_test_withdrawn", "pi_test_withdrawn", order.Total, "usd")));
        License revoked, kept;
        await using (var db = _fx.Db())
        {
            var licenses = await db.Licenses.Where(l => l.OrderId == order.Id).OrderByDescending(l => l.Seats).ToListAsync();
            (revoked, kept) = (licenses[0], licenses[1]);
            _fx.Get<LicensingService>().Revoke(db, revoked, "Payment refunded", Actor.Stripe);
            await db.SaveChangesAsync();
        }
        await using var read = _fx.Db();

        var view = await OrderQueries.OrderAsync(read, _fx.Contoso.Id, order.Id);
        Assert.Null(view!.Licenses.Single(l => l.Id == revoked.Id).Key);
        Assert.Equal(kept.Key, view.Licenses.Single(l => l.Id == kept.Id).Key);

        var detail = await LicenseQueries.DetailAsync(read, _fx.Contoso.Id, revoked.Id);
        Assert.Equal(LicenseStatus.Revoked, detail!.Status);
        Assert.False(detail.KeyAvailable);
        Assert.Null(detail.Key);
        Assert.Throws<InvalidOperationException>(() => detail.LicenseFileText);
        Assert.Equal([kept.Id], (await LicenseQueries.ActiveWithKeysAsync(read, _fx.Contoso.Id)).Select(l => l.Id));

        var stored = await read.Licenses.AsNoTracking().SingleAsync(l => l.Id == revoked.Id);
        var organization = await read.Organizations.AsNoTracking().SingleAsync(o => o.Id == _fx.Contoso.Id);
        Assert.Throws<ArgumentException>(() => RegistrationEmail.Compose(organization, _fx.OfficeStatus, [stored], null, ["ana@contoso.example"]));
    }
}
