using Portal.Domain.Accounts;
using Portal.Domain.History;
using Portal.Tests.Builders;

namespace Portal.Tests.Domain;

public sealed class LicenseHistoryTests : IAsyncLifetime
{
    private DomainFixture _fx = null!;

    public async Task InitializeAsync() => _fx = await DomainFixture.CreateAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    [Fact]
    public async Task History_is_newest_first_paged_and_holds_only_the_organizations_customer_visible_events()
    {
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam");
        await using (var db = _fx.Db())
        {
            var audit = _fx.Get<AuditLog>();
            for (var i = 1; i <= 25; i++)
                audit.Record(db, Actor.System, "test.event", "Test", i, _fx.Contoso.Id, $"Contoso event {i}");
            audit.Record(db, Actor.System, "test.event", "Test", 99, fabrikam.Id, "Fabrikam event");
            audit.Record(db, DomainFixture.Support, "test.note", "Test", 100, _fx.Contoso.Id, "Internal note", visibleToCustomer: false);
            await db.SaveChangesAsync();
        }
        await using var read = _fx.Db();

        var first = await AuditLog.LicenseHistoryAsync(read, _fx.Contoso.Id, page: 1, pageSize: 10);
        var third = await AuditLog.LicenseHistoryAsync(read, _fx.Contoso.Id, page: 3, pageSize: 10);

        Assert.Equal(25, first.TotalCount);
        Assert.Equal(3, first.PageCount);
        Assert.Equal(Enumerable.Range(16, 10).Reverse().Select(i => $"Contoso event {i}"), first.Entries.Select(e => e.Summary));
        Assert.Equal(Enumerable.Range(1, 5).Reverse().Select(i => $"Contoso event {i}"), third.Entries.Select(e => e.Summary));
    }

    [Fact]
    public async Task A_long_history_is_counted_only_a_few_pages_ahead_of_the_page_shown()
    {
        await using (var db = _fx.Db())
        {
            var audit = _fx.Get<AuditLog>();
            for (var i = 1; i <= 30; i++)
                audit.Record(db, Actor.System, "test.event", "Test", i, _fx.Contoso.Id, $"Contoso event {i}");
            await db.SaveChangesAsync();
        }
        await using var read = _fx.Db();

        var first = await AuditLog.LicenseHistoryAsync(read, _fx.Contoso.Id, page: 1, pageSize: 2);
        var eleventh = await AuditLog.LicenseHistoryAsync(read, _fx.Contoso.Id, page: 11, pageSize: 2);

        // Page 1 counts up to 11 pages of 2: more than 22 events, so at least 12 pages.
        Assert.Equal((22, false, 12), (first.TotalCount, first.TotalIsExact, first.PageCount));
        Assert.Equal(["Contoso event 30", "Contoso event 29"], first.Entries.Select(e => e.Summary));
        // Page 11 counts up to 21 pages: all 30 events, exactly.
        Assert.Equal((30, true, 15), (eleventh.TotalCount, eleventh.TotalIsExact, eleventh.PageCount));
        Assert.Equal(["Contoso event 10", "Contoso event 9"], eleventh.Entries.Select(e => e.Summary));
    }

    [Fact]
    public async Task Audit_events_cannot_be_changed_or_deleted()
    {
        await using var db = _fx.Db();
        var audit = _fx.Get<AuditLog>().Record(db, Actor.System, "test.event", "Test", 1, _fx.Contoso.Id, "Original");
        await db.SaveChangesAsync();

        db.Remove(audit);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync());
        Assert.Contains("append-only", error.Message);
    }
}
