using System.Data.Common;
using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using Portal.Components.Licensing;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.Licensing;
using Portal.Domain.Members;
using Portal.Domain.Organizations;
using Portal.Tests.Builders;

namespace Portal.Tests.Components;

/// <summary>
/// The licenses grid and a license's page on a real SQLite database: scoped to the signed-in organization, filtered,
/// sorted and paged in the database, and the key with its copy and download actions.
/// </summary>
public sealed class LicensesPageTests : IAsyncLifetime
{
    private DomainFixture _fx = null!;
    private Organization _fabrikam = null!;

    public async Task InitializeAsync()
    {
        _fx = await DomainFixture.CreateAsync();
        _fabrikam = await _fx.AddOrganizationAsync("Fabrikam");
    }

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    [Fact]
    public async Task Grid_shows_the_signed_in_organizations_licenses_and_never_another_organizations()
    {
        var contoso = await _fx.PurchaseAsync(_fx.Contoso, 25, 10);
        var fabrikam = await _fx.PurchaseAsync(_fabrikam, 50);
        await using var ctx = Context(_fx.Contoso.Id);

        var cut = ctx.Render<LicenseList>();

        var rows = await RowsAsync(cut, expected: 2);
        Assert.All(rows, row => Assert.Contains("OfficeStatus 6.x", row.TextContent));
        Assert.Equal(contoso.Select(l => LicenseText.DetailPath(l.Id)).Order(), LicenseLinks(cut).Order());
        Assert.DoesNotContain(fabrikam[0].Id.ToString(), cut.Markup);
        Assert.DoesNotContain("50", rows.Select(r => r.QuerySelectorAll("td")[1].TextContent.Trim()));
        Assert.Contains("Download all current keys", cut.Markup);
        Assert.Contains("your 2 active licenses", cut.Markup);
    }

    [Fact]
    public async Task Prerendering_shows_the_active_count_and_a_loading_status_without_the_grid_counting_licenses_once()
    {
        await _fx.PurchaseAsync(_fx.Contoso, 25, 10);
        var revoked = (await _fx.PurchaseAsync(_fx.Contoso, 5))[0];
        await RevokeAsync(revoked.Id, "Payment refunded");
        await using var ctx = Context(_fx.Contoso.Id);
        ctx.Renderer.SetRendererInfo(new RendererInfo("Static", isInteractive: false));
        _commands.Clear();

        var cut = ctx.Render<LicenseList>();

        cut.WaitForAssertion(() => Assert.Contains("your 2 active licenses", cut.Markup));
        Assert.Equal("Loading your licenses…", cut.Find("[role=status]").TextContent.Trim());
        Assert.Empty(cut.FindComponents<MudDataGrid<LicenseRow>>());
        Assert.Empty(cut.FindComponents<MudSelect<string>>());
        Assert.Single(_commands, c => c.Text.Contains("GROUP BY"));
        Assert.Equal(2, _commands.Count);
    }

    [Fact]
    public async Task Filtering_by_status_asks_the_database_for_that_status_only()
    {
        var revoked = (await _fx.PurchaseAsync(_fx.Contoso, 5))[0];
        var active = (await _fx.PurchaseAsync(_fx.Contoso, 10))[0];
        await RevokeAsync(revoked.Id, "Payment refunded");
        await using var ctx = Context(_fx.Contoso.Id);
        var cut = ctx.Render<LicenseList>();
        await RowsAsync(cut, expected: 2);
        _commands.Clear();

        var status = cut.FindComponents<MudSelect<string>>().Single(s => s.Instance.Label == "Status");
        await cut.InvokeAsync(() => status.Instance.SelectOption(nameof(LicenseStatus.Revoked)));

        var row = Assert.Single(await RowsAsync(cut, expected: 1));
        Assert.Contains("Revoked", row.TextContent);
        Assert.Contains("Payment refunded", row.TextContent);
        Assert.DoesNotContain(active.Id.ToString(), cut.Markup);
        // The filter and the page are in the SQL: the database returns only what is shown.
        var query = Assert.Single(_commands, c => c.Text.Contains("FROM \"Licenses\"") && c.Text.Contains("LIMIT"));
        Assert.Contains(nameof(LicenseStatus.Revoked), query.Parameters);
        Assert.Contains(_fx.Contoso.Id.ToString().ToUpperInvariant(), query.Parameters.Select(p => p.ToUpperInvariant()));
    }

    [Fact]
    public async Task Paging_shows_the_right_page_of_newest_first_licenses()
    {
        var issued = new List<License>();
        for (var i = 1; i <= 23; i++)
        {
            issued.AddRange(await _fx.PurchaseAsync(_fx.Contoso, i % 2 == 0 ? 5 : 10));
            _fx.Clock.Advance(TimeSpan.FromHours(1));
        }
        await _fx.PurchaseAsync(_fabrikam, 1);
        await using var ctx = Context(_fx.Contoso.Id);
        var cut = ctx.Render<LicenseList>();
        await RowsAsync(cut, expected: LicenseList.PageSize);
        var newestFirst = issued.AsEnumerable().Reverse().Select(l => LicenseText.DetailPath(l.Id)).ToList();
        Assert.Equal(newestFirst.Take(10), LicenseLinks(cut));
        _commands.Clear();

        cut.Find("button[aria-label='Next page']").Click();
        await RowsAsync(cut, expected: 10);
        Assert.Equal(newestFirst.Skip(10).Take(10), LicenseLinks(cut));
        cut.Find("button[aria-label='Next page']").Click();

        await RowsAsync(cut, expected: 3);
        Assert.Equal(newestFirst.Skip(20), LicenseLinks(cut));
        Assert.Contains("21-23 of 23", cut.Markup);
        Assert.Contains(_commands, c => c.Text.Contains("LIMIT") && c.Text.Contains("OFFSET"));
    }

    [Fact]
    public async Task Sorting_by_seats_is_done_by_the_database_across_pages()
    {
        // Eleven licenses: the single 100-seat one is the oldest, so newest-first puts it on page 2.
        await _fx.PurchaseAsync(_fx.Contoso, 100);
        for (var i = 0; i < 10; i++)
        {
            _fx.Clock.Advance(TimeSpan.FromHours(1));
            await _fx.PurchaseAsync(_fx.Contoso, 5);
        }
        await using var ctx = Context(_fx.Contoso.Id);
        var cut = ctx.Render<LicenseList>();
        await RowsAsync(cut, expected: 10);
        Assert.DoesNotContain("100", SeatsShown(cut));

        // As a reader does it: the Seats column's header sorts ascending, then descending (the column's sort name is
        // what the page maps to the database's order).
        SeatsHeader(cut).Click();
        cut.WaitForAssertion(() => Assert.Equal("5", SeatsShown(cut)[0]));
        SeatsHeader(cut).Click();

        cut.WaitForAssertion(() => Assert.Equal("100", SeatsShown(cut)[0]));
    }

    private static AngleSharp.Dom.IElement SeatsHeader(IRenderedComponent<LicenseList> cut) =>
        cut.FindAll("th .sortable-column-header").Single(header => header.TextContent.Trim() == "Seats");

    [Fact]
    public async Task No_licenses_say_what_to_do_and_offer_no_download()
    {
        await _fx.PurchaseAsync(_fabrikam, 50);
        await using var ctx = Context(_fx.Contoso.Id);

        var cut = ctx.Render<LicenseList>();

        cut.WaitForAssertion(() => Assert.Contains("holds no licenses yet", cut.Find("[data-testid=licenses-empty]").TextContent));
        Assert.DoesNotContain("Download all current keys", cut.Markup);
        Assert.Single(cut.FindAll("h1"));
    }

    [Fact]
    public async Task License_page_shows_the_facts_the_key_a_copy_button_and_the_download_link()
    {
        var license = (await _fx.PurchaseAsync(_fx.Contoso, 25))[0];
        await using var ctx = Context(_fx.Contoso.Id);
        var snackbar = ctx.Services.GetRequiredService<ISnackbar>();

        var cut = ctx.Render<LicenseView>(p => p.Add(c => c.Id, license.Id));

        cut.WaitForAssertion(() => Assert.Equal(license.Key, cut.Find("[data-testid=license-key]").TextContent));
        Assert.Equal("OfficeStatus 6.x · 25 seats", cut.Find("h1").TextContent.Trim());
        Assert.Contains("Contoso Ltd", cut.Markup);
        Assert.Contains(license.Id.ToString(), cut.Markup);
        var download = cut.Find("a[data-testid=download-license]");
        Assert.Equal($"/licenses/{license.Id}/download", download.GetAttribute("href"));
        Assert.Equal($"officestatus-6-perpetual-{license.Id:N}.lic", download.GetAttribute("download"));
        Assert.Contains("issued after purchase", cut.Find("ol.history-timeline").TextContent);

        var copy = cut.Find("button[data-testid=copy-key]");
        Assert.Equal("button", copy.TagName.ToLowerInvariant()); // a real button: Tab and Enter work
        await cut.InvokeAsync(() => copy.Click());

        var invocation = Assert.Single(ctx.JSInterop.Invocations, i => i.Identifier == "navigator.clipboard.writeText");
        Assert.Equal(license.Key, invocation.Arguments[0]);
        Assert.Contains(snackbar.ShownSnackbars, s => s.Message == "Key copied");
    }

    [Theory]
    [InlineData(MemberRoles.Billing)]
    [InlineData(MemberRoles.None)]
    public async Task A_member_without_the_technical_role_sees_the_licenses_but_no_key_and_no_download(MemberRoles roles)
    {
        var license = (await _fx.PurchaseAsync(_fx.Contoso, 25))[0];
        await using var ctx = Context(_fx.Contoso.Id, roles);

        var list = ctx.Render<LicenseList>();
        Assert.Single(await RowsAsync(list, expected: 1));
        var page = ctx.Render<LicenseView>(p => p.Add(c => c.Id, license.Id));
        page.WaitForAssertion(() => Assert.Equal("OfficeStatus 6.x · 25 seats", page.Find("h1").TextContent.Trim()));

        Assert.DoesNotContain("Download all current keys", list.Markup);
        Assert.Empty(list.FindAll($"a[href='{Portal.Endpoints.LicenseDownloads.DownloadAllPath}']"));
        Assert.Equal("Technical", list.Find("[data-testid=role-required]").GetAttribute("data-role"));
        Assert.Empty(page.FindAll("[data-testid=license-key]"));
        Assert.Empty(page.FindAll("[data-testid=download-license]"));
        Assert.Empty(page.FindAll("[data-testid=copy-key]"));
        Assert.DoesNotContain(license.Key, page.Markup);
        Assert.Contains("To see and download license keys, you need the Technical role.", page.Find("[data-testid=role-required]").TextContent);
        Assert.Contains("Contoso Ltd", page.Markup);
    }

    [Fact]
    public async Task A_technical_member_gets_the_key_and_the_downloads()
    {
        var license = (await _fx.PurchaseAsync(_fx.Contoso, 25))[0];
        await using var ctx = Context(_fx.Contoso.Id, MemberRoles.Technical);

        var list = ctx.Render<LicenseList>();
        await RowsAsync(list, expected: 1);
        var page = ctx.Render<LicenseView>(p => p.Add(c => c.Id, license.Id));

        page.WaitForAssertion(() => Assert.Equal(license.Key, page.Find("[data-testid=license-key]").TextContent));
        Assert.NotNull(list.Find($"a[href='{Portal.Endpoints.LicenseDownloads.DownloadAllPath}']"));
        Assert.NotNull(page.Find("a[data-testid=download-license]"));
        Assert.Empty(list.FindAll("[data-testid=role-required]"));
        Assert.Empty(page.FindAll("[data-testid=role-required]"));
    }

    [Fact]
    public async Task An_upgrade_links_the_old_and_the_new_license_both_ways()
    {
        var old = (await _fx.PurchaseAsync(_fx.Contoso, 10))[0];
        await _fx.ReleaseAsync(7, 0);
        var replacement = await _fx.UpgradeAsync(old);
        await using var ctx = Context(_fx.Contoso.Id);

        var grid = ctx.Render<LicenseList>();
        var upgradedRow = (await RowsAsync(grid, expected: 2)).Single(r => r.TextContent.Contains("OfficeStatus 6.x"));
        Assert.Contains("Upgraded", upgradedRow.TextContent);
        Assert.Contains("Replaced by the 7.x license", upgradedRow.TextContent);
        Assert.Contains(upgradedRow.QuerySelectorAll("a"), a => a.GetAttribute("href") == LicenseText.DetailPath(replacement.Id));

        var oldPage = ctx.Render<LicenseView>(p => p.Add(c => c.Id, old.Id));
        oldPage.WaitForAssertion(() => Assert.Contains("This license was upgraded", oldPage.Markup));
        Assert.Contains(oldPage.FindAll("a"), a => a.GetAttribute("href") == LicenseText.DetailPath(replacement.Id));
        Assert.Equal(old.Key, oldPage.Find("[data-testid=license-key]").TextContent); // still valid for 6.x installations

        var newPage = ctx.Render<LicenseView>(p => p.Add(c => c.Id, replacement.Id));
        newPage.WaitForAssertion(() => Assert.Contains("Upgraded from", newPage.Markup));
        Assert.Contains(newPage.FindAll("a"), a => a.GetAttribute("href") == LicenseText.DetailPath(old.Id));
        Assert.Contains("upgraded to OfficeStatus 7", newPage.Find("ol.history-timeline").TextContent);
    }

    [Fact]
    public async Task A_revoked_license_shows_why_and_no_key()
    {
        var license = (await _fx.PurchaseAsync(_fx.Contoso, 5))[0];
        await RevokeAsync(license.Id, "Payment disputed");
        await using var ctx = Context(_fx.Contoso.Id);

        var cut = ctx.Render<LicenseView>(p => p.Add(c => c.Id, license.Id));

        cut.WaitForAssertion(() => Assert.Contains("Payment disputed", cut.Markup));
        Assert.Empty(cut.FindAll("[data-testid=license-key]"));
        Assert.Empty(cut.FindAll("[data-testid=download-license]"));
        Assert.DoesNotContain(license.Key, cut.Markup);
    }

    [Fact]
    public async Task Another_organizations_license_is_not_found_and_none_of_it_is_rendered()
    {
        var theirs = (await _fx.PurchaseAsync(_fabrikam, 50))[0];
        await using var ctx = Context(_fx.Contoso.Id);

        var cut = ctx.Render<LicenseView>(p => p.Add(c => c.Id, theirs.Id));

        cut.WaitForAssertion(() => Assert.Equal("License not found", cut.Find("h1").TextContent.Trim()));
        Assert.DoesNotContain(theirs.Key, cut.Markup);
        Assert.DoesNotContain("Fabrikam", cut.Markup);
        Assert.DoesNotContain("50", cut.Markup);
    }

    private readonly List<RecordedCommand> _commands = [];

    /// <summary>A page signed in as a member of the organization, an owner unless <paramref name="roles"/> says otherwise.</summary>
    private BunitContext Context(Guid organizationId, MemberRoles roles = MemberRoles.Owner)
    {
        var ctx = new BunitContext();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddMudServices();
        ctx.Services.AddSingleton<TimeProvider>(_fx.Clock);
        ctx.Services.AddSingleton<IDbContextFactory<PortalDbContext>>(new RecordingDbFactory(_fx, _commands));
        var auth = ctx.AddAuthorization();
        auth.SetAuthorized("ana@contoso.example");
        auth.SetRoles(Roles.Customer);
        auth.SetClaims([new Claim(PortalClaimTypes.OrganizationId, organizationId.ToString()),
            .. roles.Split().Select(role => new Claim(PortalClaimTypes.MemberRole, role.ToString()))]);
        ctx.Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        ctx.Render<MudPopoverProvider>();
        return ctx;
    }

    private static async Task<IReadOnlyList<AngleSharp.Dom.IElement>> RowsAsync(IRenderedComponent<LicenseList> cut, int expected)
    {
        await Task.Yield();
        cut.WaitForAssertion(() => Assert.Equal(expected, cut.FindAll("tbody tr.mud-table-row").Count), TimeSpan.FromSeconds(5));
        return cut.FindAll("tbody tr.mud-table-row");
    }

    private static List<string> LicenseLinks(IRenderedComponent<LicenseList> cut) =>
        cut.FindAll("tbody tr.mud-table-row td:first-child a").Select(a => a.GetAttribute("href") ?? "").ToList();

    private static List<string> SeatsShown(IRenderedComponent<LicenseList> cut) =>
        cut.FindAll("tbody tr.mud-table-row").Select(r => r.QuerySelectorAll("td")[1].TextContent.Trim()).ToList();

    private async Task RevokeAsync(Guid licenseId, string reason)
    {
        await using var db = _fx.Db();
        var license = await db.Licenses.SingleAsync(l => l.Id == licenseId);
        _fx.Get<LicensingService>().Revoke(db, license, reason, Actor.Stripe);
        await db.SaveChangesAsync();
    }

    private sealed record RecordedCommand(string Text, IReadOnlyList<string> Parameters);

    /// <summary>Contexts on the fixture's database that record every SQL command, to see what the page asks for.</summary>
    private sealed class RecordingDbFactory(DomainFixture fx, List<RecordedCommand> commands) : IDbContextFactory<PortalDbContext>
    {
        private readonly string _connectionString = GetConnectionString(fx);

        public PortalDbContext CreateDbContext() =>
            new SqlitePortalDbContext(new DbContextOptionsBuilder<SqlitePortalDbContext>()
                .UseSqlite(_connectionString)
                .UseIdentitySchema()
                .AddInterceptors(new Recorder(commands))
                .Options);

        private static string GetConnectionString(DomainFixture fx)
        {
            using var db = fx.Db();
            return db.Database.GetConnectionString()!;
        }
    }

    private sealed class Recorder(List<RecordedCommand> commands) : DbCommandInterceptor
    {
        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            lock (commands)
                commands.Add(new RecordedCommand(command.CommandText,
                    command.Parameters.Cast<DbParameter>().Select(p => Convert.ToString(p.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "").ToList()));
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }
    }
}
