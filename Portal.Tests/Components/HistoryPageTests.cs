using System.Security.Claims;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Portal.Components.History;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.History;
using Portal.Tests.Builders;

namespace Portal.Tests.Components;

/// <summary>The license history page on a real SQLite database: newest first, paged, one organization only.</summary>
public sealed class HistoryPageTests : IAsyncLifetime
{
    private DomainFixture _fx = null!;

    public async Task InitializeAsync() => _fx = await DomainFixture.CreateAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    [Fact]
    public async Task History_shows_the_organizations_events_newest_first_one_page_at_a_time()
    {
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam");
        await using (var db = _fx.Db())
        {
            var audit = _fx.Get<AuditLog>();
            for (var i = 1; i <= 25; i++)
            {
                audit.Record(db, DomainFixture.Customer, "test.event", "Test", i, _fx.Contoso.Id, $"Contoso event {i}");
                _fx.Clock.Advance(TimeSpan.FromMinutes(5));
            }
            audit.Record(db, Actor.System, "test.event", "Test", 99, fabrikam.Id, "Fabrikam event");
            audit.Record(db, DomainFixture.Support, "test.note", "Test", 100, _fx.Contoso.Id, "Internal note", visibleToCustomer: false);
            await db.SaveChangesAsync();
        }
        await using var ctx = Context(_fx.Contoso.Id);

        var cut = ctx.Render<LicenseHistory>();

        cut.WaitForAssertion(() => Assert.Equal(LicenseHistory.PageSize, Entries(cut).Count));
        Assert.Equal(Enumerable.Range(6, 20).Reverse().Select(i => $"Contoso event {i}"), Entries(cut));
        Assert.Contains("by ana@contoso.example", cut.Find("li.history-entry").TextContent);
        Assert.Contains("25 events · page 1 of 2", cut.Find("[data-testid=history-position]").TextContent);
        Assert.Equal("/history/export.csv", cut.Find("a[href='/history/export.csv']").GetAttribute("href"));

        cut.Find("button[aria-label='Next page']").Click();

        cut.WaitForAssertion(() => Assert.Equal(Enumerable.Range(1, 5).Reverse().Select(i => $"Contoso event {i}"), Entries(cut)));
        Assert.Contains("page 2 of 2", cut.Find("[data-testid=history-position]").TextContent);
        Assert.DoesNotContain("Fabrikam", cut.Markup);
        Assert.DoesNotContain("Internal note", cut.Markup);
        Assert.Single(cut.FindAll("h1"));
    }

    [Fact]
    public async Task A_license_purchase_and_a_key_download_show_when_who_and_what()
    {
        var license = (await _fx.PurchaseAsync(_fx.Contoso, 25))[0];
        _fx.Clock.Advance(TimeSpan.FromDays(1));
        await using (var db = _fx.Db())
        {
            _fx.Get<AuditLog>().Record(db, DomainFixture.Customer, HistoryQueries.LicenseDownloaded, "License", license.Id, _fx.Contoso.Id,
                "License key for OfficeStatus 6 (25 users) downloaded by ana@contoso.example.");
            await db.SaveChangesAsync();
        }
        await using var ctx = Context(_fx.Contoso.Id);

        var cut = ctx.Render<LicenseHistory>();

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("li.history-entry").Count));
        var entries = cut.FindAll("li.history-entry");
        Assert.Equal(HistoryQueries.LicenseDownloaded, entries[0].GetAttribute("data-action"));
        Assert.Contains("30 Nov 2026, 10:00 UTC", entries[0].TextContent);
        Assert.Equal("2026-11-30T10:00:00.0000000Z", entries[0].QuerySelector("time")!.GetAttribute("datetime"));
        Assert.Equal("license.issued", entries[1].GetAttribute("data-action"));
        Assert.Contains("issued after purchase", entries[1].TextContent);
        Assert.Contains("by Stripe", entries[1].TextContent);
        Assert.Empty(cut.FindAll("button[aria-label='Next page']"));
    }

    [Fact]
    public async Task A_long_history_says_more_than_it_counted_and_the_pager_grows_as_it_is_followed()
    {
        await using (var db = _fx.Db())
        {
            var audit = _fx.Get<AuditLog>();
            for (var i = 1; i <= 300; i++)
                audit.Record(db, DomainFixture.Customer, "test.event", "Test", i, _fx.Contoso.Id, $"Contoso event {i}");
            await db.SaveChangesAsync();
        }
        await using var ctx = Context(_fx.Contoso.Id);

        var cut = ctx.Render<LicenseHistory>();

        cut.WaitForAssertion(() => Assert.Equal("Contoso event 300", Entries(cut)[0]));
        Assert.Contains("More than 220 events · page 1 of 12 or more", cut.Find("[data-testid=history-position]").TextContent);

        cut.Find("button[aria-label='Last page']").Click();

        cut.WaitForAssertion(() => Assert.Equal("Contoso event 80", Entries(cut)[0]));
        Assert.Contains("300 events · page 12 of 15", cut.Find("[data-testid=history-position]").TextContent);
    }

    [Fact]
    public async Task No_history_says_what_to_do_and_offers_no_export()
    {
        await using var ctx = Context(_fx.Contoso.Id);

        var cut = ctx.Render<LicenseHistory>();

        cut.WaitForAssertion(() => Assert.Contains("Nothing has happened yet", cut.Find("[data-testid=history-empty]").TextContent));
        Assert.Empty(cut.FindAll("a[href='/history/export.csv']"));
        Assert.Empty(cut.FindAll("li.history-entry"));
    }

    private static List<string> Entries(IRenderedComponent<LicenseHistory> cut) =>
        cut.FindAll("li.history-entry .history-body p:first-child").Select(p => p.TextContent.Trim()).ToList();

    private BunitContext Context(Guid organizationId)
    {
        var ctx = new BunitContext();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddMudServices();
        ctx.Services.AddSingleton(_fx.Get<IDbContextFactory<PortalDbContext>>());
        var auth = ctx.AddAuthorization();
        auth.SetAuthorized("ana@contoso.example");
        auth.SetRoles(Roles.Customer);
        auth.SetClaims(new Claim(PortalClaimTypes.OrganizationId, organizationId.ToString()));
        return ctx;
    }
}
