using System.Text.Json;
using Bunit;
using MudBlazor.Services;
using Portal.Components.Dashboard;
using Portal.Components.Usage;
using Portal.Domain;
using Portal.Domain.Licensing;
using Portal.Domain.Members;
using Portal.Domain.Usage;
using Portal.Endpoints;
using Portal.Tests.Builders;

namespace Portal.Tests.Components;

public sealed class DashboardTests
{
    private static BunitContext Context()
    {
        var ctx = new BunitContext();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddMudServices();
        return ctx;
    }

    [Fact]
    public async Task Seats_show_how_licenses_add_up_per_major_and_flag_older_majors_for_upgrade()
    {
        await using var ctx = Context();

        var cut = ctx.Render<SeatsSummary>(p => p.Add(c => c.Holdings,
            [new SeatHolding("OfficeStatus", 6, IsCurrentMajor: true, Seats: 35, Licenses: 2), new SeatHolding("OfficeStatus", 5, false, 10, 1)]));

        var items = cut.FindAll("li");
        Assert.Equal(2, items.Count);
        Assert.Contains("35 seats for OfficeStatus 6.x", items[0].TextContent);
        Assert.Contains("2 licenses added up", items[0].TextContent);
        Assert.DoesNotContain("upgrade", items[0].TextContent);
        Assert.Contains("10 seats for OfficeStatus 5.x", items[1].TextContent);
        Assert.Contains("upgrade to the current one", items[1].TextContent);
    }

    [Fact]
    public async Task Seats_without_licenses_say_what_will_appear()
    {
        await using var ctx = Context();

        var cut = ctx.Render<SeatsSummary>(p => p.Add(c => c.Holdings, []));

        Assert.Contains("holds no licenses yet", cut.Markup);
    }

    [Theory]
    [InlineData(null, "starts with your first purchase")]
    [InlineData("2027-03-01", "Included until")]
    [InlineData("2026-01-01", "Ended on 1 January 2026")]
    public async Task Support_status_reflects_the_end_date(string? end, string expected)
    {
        await using var ctx = Context();

        var cut = ctx.Render<SupportStatus>(p => p
            .Add(c => c.SupportEndsOn, end is null ? null : DateOnly.Parse(end))
            .Add(c => c.Today, new DateOnly(2026, 11, 29)));

        Assert.Contains(expected, cut.Markup);
    }

    [Fact]
    public async Task Evaluation_status_shows_days_left_and_a_pending_request()
    {
        await using var ctx = Context();

        var cut = ctx.Render<EvaluationStatus>(p => p.Add(c => c.Evaluations,
            [new EvaluationSummary("OfficeStatus", 6, new DateTimeOffset(2026, 12, 4, 10, 0, 0, TimeSpan.Zero), 5, ExtensionPending: true)]));

        Assert.Contains("5 days left, until 4 Dec 2026", cut.Markup);
        Assert.Contains("waiting for our support team", cut.Markup);
    }

    private static CustomerOverview Overview(
        IReadOnlyList<SeatHolding>? seats = null, int upgradable = 0, DateOnly? supportEndsOn = null,
        IReadOnlyList<EvaluationSummary>? evaluations = null, int pendingDiscounts = 0, string? usableDiscount = null) =>
        new(seats ?? [], upgradable, supportEndsOn, evaluations ?? [], pendingDiscounts, usableDiscount);

    private static readonly DateOnly Today = new(2026, 11, 29);

    private static List<string> ActionKeys(IRenderedComponent<NextActions> cut) =>
        cut.FindAll("[data-action]").Select(a => a.GetAttribute("data-action")!).ToList();

    [Fact]
    public async Task A_new_organization_is_offered_to_buy_evaluate_and_apply_for_a_discount()
    {
        await using var ctx = Context();

        var cut = ctx.Render<NextActions>(p => p.Add(c => c.Overview, Overview()).Add(c => c.Today, Today).Add(c => c.Roles, MemberRoles.Owner));

        Assert.Equal(["buy", "evaluate", "discount"], ActionKeys(cut));
        Assert.Equal("/evaluation", cut.Find("[data-action=evaluate]").GetAttribute("href"));
    }

    [Fact]
    public async Task Older_licenses_put_the_upgrade_first_and_keys_can_be_downloaded()
    {
        await using var ctx = Context();
        var cut = ctx.Render<NextActions>(p => p
            .Add(c => c.Overview, Overview(seats: [new SeatHolding("OfficeStatus", 5, false, 10, 1)], upgradable: 1, usableDiscount: "Nonprofit discount of 40 %"))
            .Add(c => c.Today, Today)
            .Add(c => c.Roles, MemberRoles.Owner));

        Assert.Equal(["upgrade", "buy", "evaluate", "keys"], ActionKeys(cut));
        Assert.Contains("Upgrade 1 older license", cut.Find("[data-action=upgrade]").TextContent);
        Assert.Contains("mud-button-filled", cut.Find("[data-action=upgrade]").ClassName);
        Assert.Equal(LicenseDownloads.DownloadAllPath, cut.Find("[data-action=keys]").GetAttribute("href"));
    }

    [Fact]
    public async Task A_running_evaluation_without_licenses_counts_down_to_buying_and_offers_more_time_near_its_end()
    {
        await using var ctx = Context();
        var evaluation = new EvaluationSummary("OfficeStatus", 6, DateTimeOffset.UnixEpoch, 3, ExtensionPending: false);

        var cut = ctx.Render<NextActions>(p => p.Add(c => c.Overview, Overview(evaluations: [evaluation], pendingDiscounts: 1)).Add(c => c.Today, Today).Add(c => c.Roles, MemberRoles.Owner));

        Assert.Equal(["buy", "extend"], ActionKeys(cut));
        Assert.Contains("before your evaluation ends in 3 days", cut.Find("[data-action=buy]").TextContent);
    }

    [Fact]
    public async Task Ended_support_is_renewed_by_buying()
    {
        await using var ctx = Context();

        var cut = ctx.Render<NextActions>(p => p
            .Add(c => c.Overview, Overview(seats: [new SeatHolding("OfficeStatus", 6, true, 10, 1)], supportEndsOn: Today.AddDays(-1), usableDiscount: "x"))
            .Add(c => c.Today, Today)
            .Add(c => c.Roles, MemberRoles.Owner));

        Assert.Equal(["buy", "keys"], ActionKeys(cut));
        Assert.Contains("renew support", cut.Find("[data-action=buy]").TextContent);
    }

    [Fact]
    public async Task A_billing_member_is_offered_buying_and_told_that_evaluating_and_keys_take_the_technical_role()
    {
        await using var ctx = Context();

        var cut = ctx.Render<NextActions>(p => p
            .Add(c => c.Overview, Overview(seats: [new SeatHolding("OfficeStatus", 5, false, 10, 1)], upgradable: 1))
            .Add(c => c.Today, Today)
            .Add(c => c.Roles, MemberRoles.Billing));

        Assert.Equal(["upgrade", "buy", "discount"], ActionKeys(cut));
        Assert.Contains("mud-button-filled", cut.Find("[data-action=upgrade]").ClassName);
        var note = Assert.Single(cut.FindAll("[data-testid=role-required]"));
        Assert.Equal("Technical", note.GetAttribute("data-role"));
        Assert.Contains("To start an evaluation or download license keys, you need the Technical role.", Text(note));
    }

    [Fact]
    public async Task A_technical_member_is_offered_the_evaluation_and_keys_first_and_told_that_buying_takes_the_billing_role()
    {
        await using var ctx = Context();

        var cut = ctx.Render<NextActions>(p => p
            .Add(c => c.Overview, Overview(seats: [new SeatHolding("OfficeStatus", 5, false, 10, 1)], upgradable: 1))
            .Add(c => c.Today, Today)
            .Add(c => c.Roles, MemberRoles.Technical));

        Assert.Equal(["evaluate", "keys"], ActionKeys(cut));
        Assert.Contains("mud-button-filled", cut.Find("[data-action=evaluate]").ClassName);
        var note = Assert.Single(cut.FindAll("[data-testid=role-required]"));
        Assert.Equal("Billing", note.GetAttribute("data-role"));
        Assert.Contains("To upgrade older licenses, buy seats or apply for a discount, you need the Billing role.", Text(note));
    }

    [Fact]
    public async Task A_member_with_no_role_is_offered_nothing_and_told_which_role_each_step_takes()
    {
        await using var ctx = Context();

        var cut = ctx.Render<NextActions>(p => p.Add(c => c.Overview, Overview()).Add(c => c.Today, Today).Add(c => c.Roles, MemberRoles.None));

        Assert.Empty(cut.FindAll("a[data-action]"));
        Assert.Empty(cut.FindAll("nav"));
        Assert.Equal(["Billing", "Technical"], cut.FindAll("[data-testid=role-required]").Select(n => n.GetAttribute("data-role")!));
    }

    private static string Text(AngleSharp.Dom.IElement element) => System.Text.RegularExpressions.Regex.Replace(element.TextContent, @"\s+", " ").Trim();

    [Fact]
    public async Task Older_seats_say_what_upgrading_them_lists_at()
    {
        await using var ctx = Context();

        var cut = ctx.Render<SeatsSummary>(p => p.Add(c => c.Holdings, [new SeatHolding("OfficeStatus", 5, false, 10, 1, new Money(21_000, "USD"))]));

        Assert.Contains("for USD 210.00 at list price", cut.Markup);
        Assert.NotNull(cut.Find("a[href='/upgrade']"));
    }

    [Fact]
    public async Task Pending_requests_and_the_discount_in_force_link_to_where_they_are_followed()
    {
        await using var ctx = Context();
        var evaluation = new EvaluationSummary("OfficeStatus", 6, DateTimeOffset.UnixEpoch, 3, ExtensionPending: true);

        var cut = ctx.Render<PendingRequests>(p => p.Add(c => c.Overview,
            Overview(evaluations: [evaluation], pendingDiscounts: 2, usableDiscount: "Nonprofit discount of 40 %, approved until 2027-11-29")));

        var items = cut.FindAll("li").Select(li => System.Text.RegularExpressions.Regex.Replace(li.TextContent, @"\s+", " ")).ToList();
        Assert.Equal(3, items.Count);
        Assert.Contains("Nonprofit discount of 40 %, approved until 2027-11-29 applies to every quote", items[0]);
        Assert.Contains("2 discount applications are waiting", items[1]);
        Assert.Contains("more evaluation time is waiting", items[2]);
    }

    [Fact]
    public async Task Nothing_pending_shows_no_requests_section()
    {
        await using var ctx = Context();

        var cut = ctx.Render<PendingRequests>(p => p.Add(c => c.Overview, Overview()));

        Assert.Empty(cut.Markup.Trim());
    }

    private static readonly DateTimeOffset Now = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

    private static InstallationView View(string name, Headroom headroom, DateTimeOffset lastReportedAt, params InstalledKeyView[] keys) =>
        new(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), name, Guid.NewGuid(), "OfficeStatus", 6, 1, 6,
            lastReportedAt, lastReportedAt, 1, headroom, keys);

    [Fact]
    public async Task Installations_show_their_state_users_against_seats_and_when_they_reported_linking_to_their_page()
    {
        await using var ctx = Context();
        var over = View("Main office server", new Headroom(41, 44, 35, 0), Now.AddHours(-2));
        var silent = View("Branch office", new Headroom(10, 12, 25, 0), Now.AddDays(-95),
            new InstalledKeyView(Guid.NewGuid(), KeyStanding.Counts, 25), new InstalledKeyView(Guid.NewGuid(), KeyStanding.OtherOrganization, null));

        var cut = ctx.Render<InstallationsStatus>(p => p.Add(c => c.Installations, [over, silent]).Add(c => c.Now, Now));

        var items = cut.FindAll("li");
        Assert.Equal(["Over", "Fits"], items.Select(li => li.GetAttribute("data-state")!));
        Assert.Equal("Main office server Over by 6 seats OfficeStatus 6.1 · 41 enabled users for 35 seats · reported 2 hours ago", Text(items[0]));
        Assert.Equal(UsagePaths.Installation(over.Id), items[0].QuerySelector("a")!.GetAttribute("href"));
        Assert.Equal("Branch office Fits OfficeStatus 6.1 · 10 enabled users for 25 seats · not reported for 95 days · 1 key does not belong", Text(items[1]));
    }

    /// <summary>
    /// The dashboard reads the organization's installations with the rest, and they survive the hand-over from the
    /// prerendered page to its circuit (the persisted state is JSON).
    /// </summary>
    [Fact]
    public async Task The_dashboard_reads_each_installations_headroom_and_hands_it_over_to_the_circuit()
    {
        await using var fx = await DomainFixture.CreateAsync();
        var licenses = await fx.PurchaseAsync(fx.Contoso, 25, 10);
        var report = UsageReports.For(Guid.NewGuid(), fx.Clock.GetUtcNow().AddHours(-1)) with { EnabledUsers = 41, LicenseIds = licenses.Select(l => l.Id).ToList() };
        await fx.Get<UsageService>().UploadAsync(fx.Contoso.Id, report.Bytes(), DomainFixture.CustomerIn(fx.Contoso.Id, MemberRoles.Technical));
        await using var db = fx.Db();

        var dashboard = await CustomerDashboard.LoadAsync(db, fx.Contoso.Id, fx.Clock.GetUtcNow());
        var handedOver = JsonSerializer.Deserialize<CustomerDashboard>(JsonSerializer.Serialize(dashboard, JsonSerializerOptions.Web), JsonSerializerOptions.Web)!;

        var installation = Assert.Single(handedOver.Installations);
        Assert.Equal(("Main office server", HeadroomState.Over, 6), (installation.Name, installation.Headroom.State, installation.Headroom.MissingSeats));
        await using var ctx = Context();
        var cut = ctx.Render<InstallationsStatus>(p => p.Add(c => c.Installations, handedOver.Installations).Add(c => c.Now, fx.Clock.GetUtcNow()));
        Assert.Contains("Over by 6 seats", cut.Markup);
    }

    [Fact]
    public async Task An_organization_without_installations_has_none_on_its_dashboard()
    {
        await using var fx = await DomainFixture.CreateAsync();
        var fabrikam = await fx.AddOrganizationAsync("Fabrikam");
        var report = UsageReports.For(Guid.NewGuid(), fx.Clock.GetUtcNow());
        await fx.Get<UsageService>().UploadAsync(fabrikam.Id, report.Bytes(), DomainFixture.CustomerIn(fabrikam.Id, MemberRoles.Technical));
        await using var db = fx.Db();

        var dashboard = await CustomerDashboard.LoadAsync(db, fx.Contoso.Id, fx.Clock.GetUtcNow());

        Assert.Empty(dashboard!.Installations);
    }

    [Fact]
    public async Task The_dashboard_page_has_an_installations_card_once_one_reports_and_until_then_invites_a_report()
    {
        await using var fx = await DomainFixture.CreateAsync();
        var licenses = await fx.PurchaseAsync(fx.Contoso, 25, 10);
        await using var page = await CustomerPageContext.CreateAsync(fx, fx.Contoso, roles: MemberRoles.None);

        var before = page.RenderPage<Dashboard>();
        Assert.Empty(before.FindAll("[data-testid=dashboard-installations]"));
        Assert.Equal(UsagePaths.Installations, before.Find("[data-testid=installations-invitation] a").GetAttribute("href"));

        var report = UsageReports.For(Guid.NewGuid(), fx.Clock.GetUtcNow().AddHours(-1)) with { EnabledUsers = 41, LicenseIds = licenses.Select(l => l.Id).ToList() };
        await fx.Get<UsageService>().UploadAsync(fx.Contoso.Id, report.Bytes(), DomainFixture.CustomerIn(fx.Contoso.Id, MemberRoles.Technical));
        var after = page.RenderPage<Dashboard>();

        Assert.Empty(after.FindAll("[data-testid=installations-invitation]"));
        Assert.Contains("Over by 6 seats", Text(after.Find("[data-testid=dashboard-installations]")));
    }
}
