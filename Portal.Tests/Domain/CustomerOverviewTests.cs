using Portal.Domain;
using Portal.Domain.Discounts;
using Portal.Domain.Evaluations;
using Portal.Domain.Licensing;
using Portal.Tests.Builders;

namespace Portal.Tests.Domain;

public sealed class CustomerOverviewTests : IAsyncLifetime
{
    private DomainFixture _fx = null!;

    public async Task InitializeAsync() => _fx = await DomainFixture.CreateAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    [Fact]
    public async Task The_overview_adds_up_active_seats_per_major_with_support_and_evaluation_and_nothing_of_other_organizations()
    {
        await _fx.PurchaseAsync(_fx.Contoso, 10);
        await _fx.ReleaseAsync(7, 0);
        await _fx.PurchaseAsync(_fx.Contoso, 25, 5);
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam");
        await _fx.PurchaseAsync(fabrikam, 100);
        var evaluation = await _fx.Get<EvaluationService>().StartAsync(_fx.Contoso.Id, _fx.OfficeStatus.Id, DomainFixture.CustomerIn(_fx.Contoso.Id));
        await _fx.Get<EvaluationService>().RequestExtensionAsync(_fx.Contoso.Id, evaluation.Id, 5, "Pilot", DomainFixture.CustomerIn(_fx.Contoso.Id));
        _fx.Clock.Advance(TimeSpan.FromDays(10));
        await using var db = _fx.Db();

        var overview = await CustomerOverview.LoadAsync(db, _fx.Contoso.Id, _fx.Clock.GetUtcNow());

        Assert.Equal(
            [new SeatHolding("OfficeStatus", 7, true, 30, 2), new SeatHolding("OfficeStatus", 6, false, 10, 1, new Money(21_000, "USD"))],
            overview.Seats);
        Assert.Equal(1, overview.UpgradableLicenses);
        Assert.Equal(DateOnly.FromDateTime(DomainFixture.Start.AddDays(365).UtcDateTime), overview.SupportEndsOn);
        var summary = Assert.Single(overview.Evaluations);
        Assert.Equal((7, 20, true), (summary.Major, summary.DaysLeft, summary.ExtensionPending));
        Assert.Equal(0, overview.PendingDiscountApplications);
        Assert.Equal(1, overview.PendingExtensionRequests);
        Assert.Null(overview.UsableDiscount);
    }

    [Fact]
    public async Task The_overview_names_the_discount_in_force_and_counts_pending_applications()
    {
        var discounts = _fx.Get<DiscountService>();
        var approved = await discounts.SubmitAsync(_fx.Contoso.Id, DiscountKind.Nonprofit, "Charity no. 1234567", [], DomainFixture.CustomerIn(_fx.Contoso.Id));
        await discounts.ApproveAsync(approved.Id, 40, null, "Welcome", DomainFixture.Sales);
        await discounts.SubmitAsync(_fx.Contoso.Id, DiscountKind.CrossGrade, "We used BrandX", [], DomainFixture.CustomerIn(_fx.Contoso.Id));
        await using var db = _fx.Db();

        var overview = await CustomerOverview.LoadAsync(db, _fx.Contoso.Id, _fx.Clock.GetUtcNow());

        Assert.StartsWith("Nonprofit discount of 40 %, approved until ", overview.UsableDiscount);
        Assert.Equal(1, overview.PendingDiscountApplications);
    }
}
