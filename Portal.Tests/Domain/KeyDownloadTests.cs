using Microsoft.EntityFrameworkCore;
using Portal.Domain;
using Portal.Domain.Accounts;
using Portal.Domain.Evaluations;
using Portal.Domain.History;
using Portal.Domain.Licensing;
using Portal.Domain.Members;
using Portal.Domain.Ordering;
using Portal.Tests.Builders;

namespace Portal.Tests.Domain;

/// <summary>
/// Keys leave the portal only for members with the Technical role (owners too), and an order is paid only by members
/// with the Billing role: straight at the domain services, as a request that bypasses the pages would call them. A
/// refused download records nothing.
/// </summary>
public sealed class KeyDownloadTests : IAsyncLifetime
{
    private DomainFixture _fx = null!;

    public async Task InitializeAsync() => _fx = await DomainFixture.CreateAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    private KeyDownloads Keys => _fx.Get<KeyDownloads>();

    /// <summary>The three downloads, each for Contoso's own license or evaluation.</summary>
    public static TheoryData<string> Downloads() => ["one license", "current licenses", "evaluation"];

    private async Task<Func<Actor, Task<object?>>> PrepareAsync(string download)
    {
        var license = (await _fx.PurchaseAsync(_fx.Contoso, 10))[0];
        var evaluation = await _fx.Get<EvaluationService>().StartAsync(_fx.Contoso.Id, _fx.OfficeStatus.Id, DomainFixture.CustomerIn(_fx.Contoso.Id));
        return download switch
        {
            "one license" => async actor => await Keys.LicenseAsync(_fx.Contoso.Id, license.Id, actor),
            "current licenses" => async actor => await Keys.CurrentLicensesAsync(_fx.Contoso.Id, actor),
            _ => async actor => await Keys.EvaluationAsync(_fx.Contoso.Id, evaluation.Id, actor),
        };
    }

    private async Task<int> DownloadEventsAsync()
    {
        await using var db = _fx.Db();
        string[] downloads = [HistoryQueries.LicenseDownloaded, HistoryQueries.LicensesDownloaded, HistoryQueries.EvaluationDownloaded];
        return await db.AuditEvents.CountAsync(e => downloads.Contains(e.Action));
    }

    [Theory]
    [MemberData(nameof(Downloads))]
    public async Task Owners_and_technical_members_take_keys_and_each_download_is_recorded_as_theirs(string download)
    {
        var take = await PrepareAsync(download);

        Assert.NotNull(await take(DomainFixture.CustomerIn(_fx.Contoso.Id, MemberRoles.Owner)));
        Assert.NotNull(await take(DomainFixture.CustomerIn(_fx.Contoso.Id, MemberRoles.Technical)));

        await using var db = _fx.Db();
        var recorded = await db.AuditEvents.Where(e => e.Action.EndsWith(".downloaded")).ToListAsync();
        Assert.Equal(2, recorded.Count);
        Assert.All(recorded, e => Assert.Equal(DomainFixture.Customer.UserId, e.ActorUserId));
        Assert.All(recorded, e => Assert.Equal(_fx.Contoso.Id, e.OrganizationId));
    }

    [Theory]
    [MemberData(nameof(Downloads))]
    public async Task Billing_members_members_with_no_role_other_organizations_and_staff_take_no_key_and_nothing_is_recorded(string download)
    {
        var take = await PrepareAsync(download);
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam");

        Actor[] refused =
        [
            DomainFixture.CustomerIn(_fx.Contoso.Id, MemberRoles.Billing),
            DomainFixture.CustomerIn(_fx.Contoso.Id, MemberRoles.None),
            DomainFixture.CustomerIn(fabrikam.Id, MemberRoles.Owner),
            DomainFixture.Support,
            DomainFixture.Admin,
        ];
        foreach (var actor in refused)
        {
            var error = await Assert.ThrowsAsync<DomainException>(() => take(actor));
            Assert.Contains(actor.Member?.OrganizationId == _fx.Contoso.Id ? "Technical" : "Only members of the organization", error.Message);
        }

        Assert.Equal(0, await DownloadEventsAsync());
    }

    [Fact]
    public async Task Another_organizations_license_or_evaluation_is_not_found_even_for_a_technical_member()
    {
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam");
        var theirLicense = (await _fx.PurchaseAsync(fabrikam, 10))[0];
        var theirEvaluation = await _fx.Get<EvaluationService>().StartAsync(fabrikam.Id, _fx.OfficeStatus.Id, DomainFixture.CustomerIn(fabrikam.Id));
        var technical = DomainFixture.CustomerIn(_fx.Contoso.Id, MemberRoles.Technical);

        Assert.Null(await Keys.LicenseAsync(_fx.Contoso.Id, theirLicense.Id, technical));
        Assert.Null(await Keys.EvaluationAsync(_fx.Contoso.Id, theirEvaluation.Id, technical));
        Assert.Empty(await Keys.CurrentLicensesAsync(_fx.Contoso.Id, technical));
        Assert.Equal(0, await DownloadEventsAsync());
    }

    [Fact]
    public async Task Only_owners_and_billing_members_load_an_order_for_its_checkout()
    {
        var order = await _fx.Order().Packs((5, 1)).PlaceAsync();
        var orders = _fx.Get<OrderService>();

        Assert.Equal(order.Id, (await orders.ForCheckoutAsync(_fx.Contoso.Id, order.Id, DomainFixture.CustomerIn(_fx.Contoso.Id, MemberRoles.Owner)))?.Id);
        Assert.Equal(order.Id, (await orders.ForCheckoutAsync(_fx.Contoso.Id, order.Id, DomainFixture.CustomerIn(_fx.Contoso.Id, MemberRoles.Billing)))?.Id);
        foreach (var roles in new[] { MemberRoles.Technical, MemberRoles.None })
        {
            var error = await Assert.ThrowsAsync<DomainException>(() =>
                orders.ForCheckoutAsync(_fx.Contoso.Id, order.Id, DomainFixture.CustomerIn(_fx.Contoso.Id, roles)));
            Assert.Contains("Billing", error.Message);
        }
        Assert.Null(await orders.ForCheckoutAsync(_fx.Contoso.Id, Guid.NewGuid(), DomainFixture.CustomerIn(_fx.Contoso.Id, MemberRoles.Billing)));
    }
}
