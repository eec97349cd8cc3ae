using Portal.Domain.Accounts;
using Portal.Domain.History;
using Portal.Domain.Organizations;
using Portal.Tests.Builders;

namespace Portal.Tests.Domain;

/// <summary>The audit log as staff read it: every event, staff-only ones too, filtered and paged in the database.</summary>
public sealed class AuditQueryTests : IAsyncLifetime
{
    private DomainFixture _fx = null!;
    private Organization _fabrikam = null!;

    public async Task InitializeAsync()
    {
        _fx = await DomainFixture.CreateAsync();
        _fabrikam = await _fx.AddOrganizationAsync("Fabrikam Foundation");
    }

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    [Fact]
    public async Task A_customers_history_for_staff_has_its_staff_only_events_marked_newest_first_and_nothing_of_others()
    {
        await RecordAsync(DomainFixture.Customer, "discount.applied", _fx.Contoso.Id, "Applied for the nonprofit discount.");
        await RecordAsync(Actor.Stripe, "order.partially-refunded", _fx.Contoso.Id, "Part of the payment was refunded.", visible: false);
        await RecordAsync(DomainFixture.Customer, "discount.applied", _fabrikam.Id, "Fabrikam applied.");
        await using var db = _fx.Db();

        var staffView = await AuditQueries.OrganizationHistoryAsync(db, _fx.Contoso.Id, 1, 20);
        var customerView = await AuditLog.LicenseHistoryAsync(db, _fx.Contoso.Id, 1, 20);

        Assert.Equal(2, staffView.TotalCount);
        Assert.Equal(["Part of the payment was refunded.", "Applied for the nonprofit discount."], staffView.Entries.Select(e => e.Summary));
        Assert.Equal([false, true], staffView.Entries.Select(e => e.VisibleToCustomer));
        Assert.Equal(["Applied for the nonprofit discount."], customerView.Entries.Select(e => e.Summary));
    }

    [Fact]
    public async Task The_organizations_history_pages_newest_first()
    {
        for (var i = 1; i <= 5; i++)
            await RecordAsync(DomainFixture.Support, "evaluation.extension-granted", _fx.Contoso.Id, $"Event {i}", visible: i % 2 == 0);
        await using var db = _fx.Db();

        var second = await AuditQueries.OrganizationHistoryAsync(db, _fx.Contoso.Id, page: 2, pageSize: 2);

        Assert.Equal((5, 3), (second.TotalCount, second.PageCount));
        Assert.Equal(["Event 3", "Event 2"], second.Entries.Select(e => e.Summary));
    }

    [Fact]
    public async Task Without_filters_every_event_shows_newest_first_with_its_organizations_name()
    {
        await RecordAsync(DomainFixture.Admin, "staff.created", null, "Staff account created.", visible: false);
        await RecordAsync(DomainFixture.Customer, "discount.applied", _fabrikam.Id, "Fabrikam applied.");
        await using var db = _fx.Db();

        var page = await AuditQueries.SearchAsync(db, new AuditQuery());

        Assert.Equal(2, page.TotalCount);
        var newest = page.Rows[0];
        Assert.Equal(("discount.applied", _fabrikam.Id, "Fabrikam Foundation", true, DomainFixture.Customer.Name),
            (newest.Action, newest.OrganizationId, newest.OrganizationName, newest.VisibleToCustomer, newest.ActorName));
        Assert.Equal(("staff.created", null, null, false), (page.Rows[1].Action, page.Rows[1].OrganizationId, page.Rows[1].OrganizationName, page.Rows[1].VisibleToCustomer));
    }

    [Fact]
    public async Task Each_filter_narrows_the_events_and_they_combine()
    {
        await RecordAsync(DomainFixture.Customer, "discount.applied", _fx.Contoso.Id, "Contoso applied.");
        await RecordAsync(DomainFixture.Sales, "discount.approved", _fx.Contoso.Id, "Contoso approved.");
        await RecordAsync(DomainFixture.Sales, "discount.approved", _fabrikam.Id, "Fabrikam approved.");
        await RecordAsync(DomainFixture.Admin, "staff.created", null, "Staff account created.", visible: false);
        await RecordAsync(Actor.Stripe, "order.partially-refunded", _fx.Contoso.Id, "Part refunded.", visible: false);
        await using var db = _fx.Db();

        async Task<IReadOnlyList<string>> Summaries(AuditQuery query) =>
            (await AuditQueries.SearchAsync(db, query)).Rows.Select(r => r.Summary).ToList();

        Assert.Equal(["Part refunded.", "Contoso approved.", "Contoso applied."], await Summaries(new AuditQuery(OrganizationId: _fx.Contoso.Id)));
        Assert.Equal(["Fabrikam approved.", "Contoso approved.", "Contoso applied."], await Summaries(new AuditQuery(ActionPrefix: " Discount. ")));
        Assert.Equal(["Fabrikam approved.", "Contoso approved."], await Summaries(new AuditQuery(ActorName: "SUE@")));
        Assert.Equal(["Part refunded.", "Staff account created."], await Summaries(new AuditQuery(Visibility: AuditVisibility.StaffOnly)));
        Assert.Equal(3, (await AuditQueries.SearchAsync(db, new AuditQuery(Visibility: AuditVisibility.CustomerVisible))).TotalCount);
        Assert.Equal(["Contoso approved."],
            await Summaries(new AuditQuery(OrganizationId: _fx.Contoso.Id, ActionPrefix: "discount.", ActorName: "sue", Visibility: AuditVisibility.CustomerVisible)));
    }

    [Fact]
    public async Task A_date_range_is_whole_utc_days_with_both_ends_included()
    {
        await RecordAsync(DomainFixture.Customer, "discount.applied", _fx.Contoso.Id, "29 Nov, morning");
        _fx.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero));
        await RecordAsync(DomainFixture.Customer, "discount.applied", _fx.Contoso.Id, "30 Nov, midnight");
        _fx.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 1, 23, 59, 59, TimeSpan.Zero));
        await RecordAsync(DomainFixture.Customer, "discount.applied", _fx.Contoso.Id, "1 Dec, last second");
        _fx.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero));
        await RecordAsync(DomainFixture.Customer, "discount.applied", _fx.Contoso.Id, "2 Dec, midnight");
        await using var db = _fx.Db();

        var page = await AuditQueries.SearchAsync(db, new AuditQuery(From: new DateOnly(2026, 11, 30), To: new DateOnly(2026, 12, 1)));
        var fromOnly = await AuditQueries.SearchAsync(db, new AuditQuery(From: new DateOnly(2026, 12, 2)));

        Assert.Equal(["1 Dec, last second", "30 Nov, midnight"], page.Rows.Select(r => r.Summary));
        Assert.Equal(["2 Dec, midnight"], fromOnly.Rows.Select(r => r.Summary));
    }

    [Fact]
    public async Task Odd_input_finds_nothing_instead_of_failing()
    {
        await RecordAsync(DomainFixture.Customer, "discount.applied", _fx.Contoso.Id, "Contoso applied.");
        await using var db = _fx.Db();

        var reversed = await AuditQueries.SearchAsync(db, new AuditQuery(From: new DateOnly(2026, 12, 1), To: new DateOnly(2026, 11, 1)));
        var lastDay = await AuditQueries.SearchAsync(db, new AuditQuery(To: DateOnly.MaxValue, PageSize: 0, Page: -3));
        var wildcard = await AuditQueries.SearchAsync(db, new AuditQuery(ActionPrefix: "discount_"));

        Assert.Empty(reversed.Rows);
        Assert.Equal(1, lastDay.TotalCount);
        Assert.Empty(wildcard.Rows);
    }

    [Fact]
    public async Task The_log_pages_newest_first_without_repeating_or_skipping()
    {
        for (var i = 1; i <= 7; i++)
            await RecordAsync(DomainFixture.Customer, "license.downloaded", _fx.Contoso.Id, $"Download {i}");
        await using var db = _fx.Db();

        var pages = new List<AuditListPage>();
        for (var page = 1; page <= 3; page++)
            pages.Add(await AuditQueries.SearchAsync(db, new AuditQuery(Page: page, PageSize: 3)));

        Assert.All(pages, p => Assert.Equal(7, p.TotalCount));
        Assert.Equal(Enumerable.Range(1, 7).Reverse().Select(i => $"Download {i}"), pages.SelectMany(p => p.Rows).Select(r => r.Summary));
    }

    private async Task RecordAsync(Actor actor, string action, Guid? organizationId, string summary, bool visible = true)
    {
        await using var db = _fx.Db();
        _fx.Get<AuditLog>().Record(db, actor, action, "Test", Guid.NewGuid(), organizationId, summary, visibleToCustomer: visible);
        await db.SaveChangesAsync();
    }
}
