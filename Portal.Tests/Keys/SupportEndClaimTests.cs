using Portal.Domain.Evaluations;
using Portal.Domain.Licensing;
using Portal.Tests.Builders;

namespace Portal.Tests.Keys;

/// <summary>
/// Which keys state the support end (<c>sup</c>, R8), as docs/rules.md and the README say: every key states the
/// organization's support end as it stands when the key is signed, and no key does while the organization has bought
/// nothing. A purchase or upgrade always states one: a year after itself.
/// </summary>
public sealed class SupportEndClaimTests : IAsyncLifetime
{
    private DomainFixture _fx = null!;

    public async Task InitializeAsync() => _fx = await DomainFixture.CreateAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    private EvaluationService Evaluations => _fx.Get<EvaluationService>();

    private static DateOnly YearAfter(TimeSpan sinceStart) => DateOnly.FromDateTime(DomainFixture.Start.Add(sinceStart).AddDays(365).UtcDateTime);

    [Fact]
    public async Task An_evaluation_of_an_organization_that_bought_nothing_states_no_support_end()
    {
        var evaluation = await Evaluations.StartAsync(_fx.Contoso.Id, _fx.OfficeStatus.Id, DomainFixture.CustomerIn(_fx.Contoso.Id));

        Assert.Null(_fx.Signer.LastFor(evaluation.Id).SupportEndsOn);
    }

    [Fact]
    public async Task An_evaluation_key_states_the_support_end_of_the_organizations_latest_purchase_and_its_new_key_too()
    {
        await _fx.PurchaseAsync(_fx.Contoso, 5);
        await _fx.ReleaseAsync(7, 0);
        _fx.Clock.Advance(TimeSpan.FromDays(10));

        var evaluation = await Evaluations.StartAsync(_fx.Contoso.Id, _fx.OfficeStatus.Id, DomainFixture.CustomerIn(_fx.Contoso.Id));
        Assert.Equal(YearAfter(TimeSpan.Zero), _fx.Signer.LastFor(evaluation.Id).SupportEndsOn);

        _fx.Clock.Advance(TimeSpan.FromDays(5));
        await _fx.PurchaseAsync(_fx.Contoso, 10);
        var request = await Evaluations.RequestExtensionAsync(_fx.Contoso.Id, evaluation.Id, 14, "Pilot with a second site", DomainFixture.CustomerIn(_fx.Contoso.Id));
        await Evaluations.GrantAsync(request.Id, 14, null, DomainFixture.Support);
        Assert.Equal(YearAfter(TimeSpan.FromDays(15)), _fx.Signer.LastFor(evaluation.Id).SupportEndsOn);
    }

    [Fact]
    public async Task A_complimentary_license_of_an_organization_that_bought_nothing_states_no_support_end()
    {
        await using var db = _fx.Db();

        var gift = await _fx.Get<LicensingService>().GrantComplimentaryAsync(db, _fx.Contoso.Id, _fx.OfficeStatus.Id, 6, 3,
            "Thank you for the beta test", DomainFixture.Admin);

        Assert.Null(_fx.Signer.LastFor(gift.Id).SupportEndsOn);
    }

    [Fact]
    public async Task A_key_keeps_the_support_end_it_was_signed_with_when_a_later_purchase_extends_support()
    {
        var first = Assert.Single(await _fx.PurchaseAsync(_fx.Contoso, 5));
        _fx.Clock.Advance(TimeSpan.FromDays(100));
        var second = Assert.Single(await _fx.PurchaseAsync(_fx.Contoso, 10));

        Assert.Equal(YearAfter(TimeSpan.Zero), Assert.Single(_fx.Signer.Signed, c => c.LicenseId == first.Id).SupportEndsOn);
        Assert.Equal(YearAfter(TimeSpan.FromDays(100)), _fx.Signer.LastFor(second.Id).SupportEndsOn);
        await using var db = _fx.Db();
        Assert.Equal(YearAfter(TimeSpan.FromDays(100)), await LicensingService.SupportEndsOnAsync(db, _fx.Contoso.Id));
    }
}
