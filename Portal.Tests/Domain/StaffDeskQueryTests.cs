using Portal.Domain.Discounts;
using Portal.Domain.Evaluations;
using Portal.Domain.Organizations;
using Portal.Tests.Builders;

namespace Portal.Tests.Domain;

/// <summary>The sales and support desks' queues and cases on a real SQLite database.</summary>
public sealed class StaffDeskQueryTests : IAsyncLifetime
{
    private DomainFixture _fx = null!;

    public async Task InitializeAsync() => _fx = await DomainFixture.CreateAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    private DiscountService Discounts => _fx.Get<DiscountService>();

    [Fact]
    public async Task The_discount_queue_puts_pending_applications_first_oldest_waiting_first_then_decided_ones_newest_first()
    {
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam Foundation", OrganizationKind.Nonprofit);
        var woodgrove = await _fx.AddOrganizationAsync("Woodgrove School", OrganizationKind.Educational);
        var decidedOld = await SubmitAsync(_fx.Contoso, DiscountKind.CrossGrade);
        var pendingOld = await SubmitAsync(fabrikam, DiscountKind.Nonprofit);
        var decidedNew = await SubmitAsync(woodgrove, DiscountKind.Educational);
        var pendingNew = await SubmitAsync(_fx.Contoso, DiscountKind.Governmental);
        await Discounts.ApproveAsync(decidedOld.Id, 25, null, null, DomainFixture.Sales);
        await Discounts.DenyAsync(decidedNew.Id, "Not a school", DomainFixture.Sales);
        await using var db = _fx.Db();

        var all = await DiscountDesk.QueueAsync(db, new DiscountQueueQuery(null, null, null, 1, 10));
        var secondPage = await DiscountDesk.QueueAsync(db, new DiscountQueueQuery(null, null, null, 2, 3));
        var pendingOnly = await DiscountDesk.QueueAsync(db, new DiscountQueueQuery(DiscountStatus.Pending, null, null, 1, 10));

        Assert.Equal([pendingOld.Id, pendingNew.Id, decidedNew.Id, decidedOld.Id], all.Rows.Select(r => r.Id));
        Assert.Equal(4, all.TotalCount);
        Assert.Equal([decidedOld.Id], secondPage.Rows.Select(r => r.Id));
        Assert.Equal([pendingOld.Id, pendingNew.Id], pendingOnly.Rows.Select(r => r.Id));
        Assert.Equal(2, pendingOnly.TotalCount);
        Assert.Equal(("Fabrikam Foundation", OrganizationKind.Nonprofit), (all.Rows[0].OrganizationName, all.Rows[0].OrganizationKind));
    }

    [Fact]
    public async Task The_discount_queue_filters_by_kind_and_by_organization_name_literally()
    {
        var percent = await _fx.AddOrganizationAsync("100% Volunteers", OrganizationKind.Nonprofit);
        var other = await _fx.AddOrganizationAsync("Fabrikam Foundation", OrganizationKind.Nonprofit);
        var theirs = await SubmitAsync(percent, DiscountKind.Nonprofit);
        await SubmitAsync(other, DiscountKind.Nonprofit);
        await SubmitAsync(_fx.Contoso, DiscountKind.CrossGrade);
        await using var db = _fx.Db();

        var bySearch = await DiscountDesk.QueueAsync(db, new DiscountQueueQuery(null, null, "0% vol", 1, 10));
        var wildcard = await DiscountDesk.QueueAsync(db, new DiscountQueueQuery(null, null, "%", 1, 10));
        var byKind = await DiscountDesk.QueueAsync(db, new DiscountQueueQuery(null, DiscountKind.CrossGrade, null, 1, 10));

        Assert.Equal([theirs.Id], bySearch.Rows.Select(r => r.Id));
        Assert.Equal([theirs.Id], wildcard.Rows.Select(r => r.Id));
        Assert.Equal([DiscountKind.CrossGrade], byKind.Rows.Select(r => r.Kind));
    }

    [Fact]
    public async Task A_discount_case_has_the_organization_its_history_other_applications_and_the_kinds_defaults()
    {
        var earlier = await SubmitAsync(_fx.Contoso, DiscountKind.CrossGrade);
        await Discounts.DenyAsync(earlier.Id, "Competitor not recognised", DomainFixture.Sales);
        var application = await SubmitAsync(_fx.Contoso, DiscountKind.Nonprofit);
        await using var db = _fx.Db();

        var found = await DiscountDesk.CaseAsync(db, application.Id, _fx.Clock.GetUtcNow());

        var @case = Assert.IsType<DiscountCase>(found);
        Assert.Equal("Contoso Ltd", @case.Organization.Name);
        Assert.Equal([earlier.Id], @case.OtherApplications.Select(a => a.Id));
        Assert.Equal(40, @case.DefaultPercent);
        Assert.Equal(_fx.Clock.GetUtcNow().AddDays(365), @case.DefaultValidUntil);
        Assert.Contains(@case.RecentHistory, e => e.Action == "discount.denied");
        Assert.Null(await DiscountDesk.CaseAsync(db, Guid.NewGuid(), _fx.Clock.GetUtcNow()));
    }

    [Fact]
    public async Task The_extension_queue_puts_pending_requests_first_and_searches_by_organization()
    {
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam Foundation", OrganizationKind.Nonprofit);
        var evaluations = _fx.Get<EvaluationService>();
        var ours = await evaluations.StartAsync(_fx.Contoso.Id, _fx.OfficeStatus.Id, DomainFixture.CustomerIn(_fx.Contoso.Id));
        var theirs = await evaluations.StartAsync(fabrikam.Id, _fx.OfficeStatus.Id, DomainFixture.CustomerIn(fabrikam.Id));
        var decided = await evaluations.RequestExtensionAsync(_fx.Contoso.Id, ours.Id, 10, "Pilot", DomainFixture.CustomerIn(_fx.Contoso.Id));
        await evaluations.GrantAsync(decided.Id, 10, null, DomainFixture.Support);
        _fx.Clock.Advance(TimeSpan.FromHours(1));
        var pending = await evaluations.RequestExtensionAsync(fabrikam.Id, theirs.Id, 14, "Board meeting", DomainFixture.CustomerIn(fabrikam.Id));
        await using var db = _fx.Db();

        var all = await ExtensionDesk.QueueAsync(db, new ExtensionQueueQuery(null, null, 1, 10));
        var contoso = await ExtensionDesk.QueueAsync(db, new ExtensionQueueQuery(null, "contoso", 1, 10));

        Assert.Equal([pending.Id, decided.Id], all.Rows.Select(r => r.RequestId));
        Assert.Equal(("Fabrikam Foundation", "OfficeStatus", 14, "Board meeting"),
            (all.Rows[0].OrganizationName, all.Rows[0].ProductName, all.Rows[0].DaysRequested, all.Rows[0].Reason));
        Assert.Equal([decided.Id], contoso.Rows.Select(r => r.RequestId));
        Assert.Equal(1, await ExtensionDesk.PendingCountAsync(db));
    }

    [Fact]
    public async Task R9_an_extension_case_says_how_many_days_support_may_still_grant_under_both_caps()
    {
        var evaluations = _fx.Get<EvaluationService>();
        var evaluation = await evaluations.StartAsync(_fx.Contoso.Id, _fx.OfficeStatus.Id, DomainFixture.CustomerIn(_fx.Contoso.Id));
        var first = await evaluations.RequestExtensionAsync(_fx.Contoso.Id, evaluation.Id, 30, "Pilot", DomainFixture.CustomerIn(_fx.Contoso.Id));
        await evaluations.GrantAsync(first.Id, 30, null, DomainFixture.Support);
        var second = await evaluations.RequestExtensionAsync(_fx.Contoso.Id, evaluation.Id, 30, "Second site", DomainFixture.CustomerIn(_fx.Contoso.Id));
        await evaluations.GrantAsync(second.Id, 25, null, DomainFixture.Support);
        var third = await evaluations.RequestExtensionAsync(_fx.Contoso.Id, evaluation.Id, 30, "Third site", DomainFixture.CustomerIn(_fx.Contoso.Id));
        await using var db = _fx.Db();

        var @case = Assert.IsType<ExtensionCase>(await ExtensionDesk.CaseAsync(db, third.Id, _fx.Clock.GetUtcNow()));

        // 30 + 30 + 25 = 85 of the 90 days: 5 are left under the whole-evaluation cap, fewer than one grant's 30.
        Assert.Equal((30, 90, 5), (@case.MaxExtensionDays, @case.MaxEvaluationDays, @case.MostDaysSupportMayGrant));
        Assert.Equal(3, @case.Evaluation.Evaluation.Requests.Count);
        Assert.Contains(@case.RecentHistory, e => e.Action == "evaluation.extension-granted");
    }

    private Task<DiscountApplication> SubmitAsync(Organization organization, DiscountKind kind)
    {
        _fx.Clock.Advance(TimeSpan.FromMinutes(5));
        return Discounts.SubmitAsync(organization.Id, kind, $"Evidence for {kind}", [], DomainFixture.CustomerIn(organization.Id));
    }
}
