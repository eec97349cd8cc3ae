using System.Text.RegularExpressions;
using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Portal.Components.Usage;
using Portal.Domain.Licensing;
using Portal.Domain.Members;
using Portal.Domain.Organizations;
using Portal.Domain.Usage;
using Portal.Tests.Builders;

namespace Portal.Tests.Components;

/// <summary>
/// The installations page and an installation's page on the real usage service and SQLite database (docs/rules.md#seat-planning):
/// headroom states and figures, what to buy or upgrade, keys that do not belong, uploading a report, installation
/// tokens, retiring, who may do what, and scope.
/// </summary>
public sealed class InstallationsPageTests : IAsyncLifetime
{
    private DomainFixture _fx = null!;

    public async Task InitializeAsync() => _fx = await DomainFixture.CreateAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    private static readonly Guid Server = Guid.Parse("3f2c9a1b-5d7e-4c21-9a0b-1c2d3e4f5a6b");

    private DateTimeOffset Now => _fx.Clock.GetUtcNow();

    /// <summary>A report written an hour ago by the installation <see cref="Server"/> (named "Main office server").</summary>
    private UsageReports Report(int enabledUsers, IEnumerable<License> installed, Guid? installation = null) =>
        UsageReports.For(installation ?? Server, Now.AddHours(-1)) with { EnabledUsers = enabledUsers, LicenseIds = installed.Select(l => l.Id).ToList() };

    private async Task<InstallationView> UploadAsync(Organization organization, UsageReports report) =>
        (await _fx.Get<UsageService>().UploadAsync(organization.Id, report.Bytes(), DomainFixture.CustomerIn(organization.Id, MemberRoles.Technical))).Installation;

    private static string Text(IElement element) => Regex.Replace(element.TextContent, @"\s+", " ").Trim();

    private static IElement Installation(IRenderedComponent<InstallationsPage> cut, Guid id) => cut.Find($"[data-installation='{id}']");

    private static string Figure(IElement scope, string figure) => scope.QuerySelector($"[data-figure={figure}]")!.TextContent.Trim();

    private static IRenderedComponent<InstallationPage> RenderInstallation(CustomerPageContext page, Guid installationId)
    {
        var cut = page.Bunit.Render<InstallationPage>(p => p.Add(c => c.InstallationId, installationId));
        cut.WaitForAssertion(() =>
        {
            Assert.Single(cut.FindAll("h1"));
            Assert.Empty(cut.FindAll(".mud-progress-circular"));
        }, TimeSpan.FromSeconds(5));
        return cut;
    }

    private static void Confirm(CustomerPageContext page, string yes)
    {
        page.Dialogs.WaitForAssertion(() => Assert.Contains(yes, page.Dialogs.FindAll("button").Select(b => b.TextContent.Trim())));
        page.Dialogs.FindAll("button").Single(b => b.TextContent.Trim() == yes).Click();
    }

    private static void Upload(IRenderedComponent<InstallationsPage> cut, InputFileContent file) =>
        cut.FindComponent<InputFile>().UploadFiles(file);

    [Fact]
    public async Task Without_installations_the_page_says_what_a_usage_report_is_and_how_to_send_one()
    {
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso, roles: MemberRoles.None);

        var cut = page.RenderPage<InstallationsPage>();

        Assert.Equal("Installations", cut.Find("h1").TextContent);
        Assert.Contains("never a user's name", Text(cut.Find("[data-testid=usage-report-explained]")));
        Assert.Contains("No installation has reported yet", Text(cut.Find("[data-testid=no-installations]")));
        Assert.Empty(cut.FindAll("[data-installation]"));
    }

    [Fact]
    public async Task R1_an_installation_over_its_seats_shows_its_figures_and_offers_to_buy_exactly_the_missing_seats()
    {
        var licenses = await _fx.PurchaseAsync(_fx.Contoso, 25, 10);
        var installation = await UploadAsync(_fx.Contoso, Report(41, licenses).WithDays(90, 44));
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso, roles: MemberRoles.None);

        var cut = page.RenderPage<InstallationsPage>();

        var card = Installation(cut, installation.Id);
        Assert.Equal("Over", card.GetAttribute("data-state"));
        Assert.Equal("Over by 6 seats", card.QuerySelector("[data-state=Over]")!.TextContent.Trim());
        Assert.Equal("Main office server", card.QuerySelector("h2")!.TextContent.Trim());
        Assert.Equal(UsagePaths.Installation(installation.Id), card.QuerySelector("h2 a")!.GetAttribute("href"));
        Assert.Contains("OfficeStatus 6.1", Text(card));
        Assert.Equal("Last reported an hour ago (29 Nov 2026, 09:00 UTC)", Text(card.QuerySelector("[data-testid=last-reported]")!));
        Assert.Equal(("41", "44", "35"), (Figure(card, "enabled"), Figure(card, "peak"), Figure(card, "installed")));
        Assert.Null(card.QuerySelector("[data-figure=not-installed]"));
        var buy = card.QuerySelector("[data-offer=buy-missing]")!;
        Assert.Equal("/buy?seats=6", buy.GetAttribute("href"));
        Assert.Equal("Buy the 6 missing seats", buy.TextContent.Trim());
        Assert.Null(card.QuerySelector("[data-offer=upgrade]"));
        Assert.Null(card.QuerySelector("[data-testid=flagged-keys]"));
    }

    [Fact]
    public async Task Near_the_limit_offers_seats_ahead_and_an_installation_that_fits_is_offered_nothing()
    {
        var licenses = await _fx.PurchaseAsync(_fx.Contoso, 25, 10);
        var near = await UploadAsync(_fx.Contoso, Report(32, licenses));
        var small = await _fx.PurchaseAsync(_fx.Contoso, 50);
        var fits = await UploadAsync(_fx.Contoso, Report(20, small, Guid.NewGuid()) with { InstallationName = "Branch office" });
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);

        var cut = page.RenderPage<InstallationsPage>();

        var nearCard = Installation(cut, near.Id);
        Assert.Equal("Near the limit", nearCard.QuerySelector("[data-state=Near]")!.TextContent.Trim());
        // 32 users use 91 % of 35 seats; with one more seat they use 89 %.
        Assert.Equal("/buy?seats=1", nearCard.QuerySelector("[data-offer=buy-ahead]")!.GetAttribute("href"));
        Assert.Null(nearCard.QuerySelector("[data-offer=buy-missing]"));
        var fitsCard = Installation(cut, fits.Id);
        Assert.Equal("Fits", fitsCard.QuerySelector("[data-state=Fits]")!.TextContent.Trim());
        Assert.Null(fitsCard.QuerySelector("[data-testid=headroom-offer]"));
    }

    [Fact]
    public async Task R3_an_older_major_over_its_seats_is_told_older_seats_are_not_sold_and_offered_the_upgrade_with_them()
    {
        await using (var db = _fx.Db())
        {
            var old = await _fx.Get<LicensingService>().GrantComplimentaryAsync(db, _fx.Contoso.Id, _fx.OfficeStatus.Id, 5, 10, "Bought long ago.", DomainFixture.Admin);
            var installation = await UploadAsync(_fx.Contoso, Report(14, [old]) with { Version = "5.3" });
            await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);

            var cut = page.RenderPage<InstallationsPage>();

            var card = Installation(cut, installation.Id);
            Assert.Equal("Over by 4 seats", card.QuerySelector("[data-state=Over]")!.TextContent.Trim());
            Assert.Contains("Seats for OfficeStatus 5.x are no longer sold", Text(card.QuerySelector("[data-testid=older-major]")!));
            var upgrade = card.QuerySelector("[data-offer=upgrade]")!;
            Assert.Equal($"/upgrade?installation={installation.Id}", upgrade.GetAttribute("href"));
            Assert.Equal("Upgrade with the missing seats", upgrade.TextContent.Trim());
            Assert.Null(card.QuerySelector("[data-offer=buy-missing]"));
        }
    }

    [Fact]
    public async Task Seats_held_but_not_installed_are_not_missing_and_the_member_is_told_to_install_their_keys()
    {
        var licenses = await _fx.PurchaseAsync(_fx.Contoso, 25, 10);
        var installation = await UploadAsync(_fx.Contoso, Report(30, [licenses[0]]));
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);

        var cut = page.RenderPage<InstallationsPage>();

        var card = Installation(cut, installation.Id);
        Assert.Equal(("25", "10"), (Figure(card, "installed"), Figure(card, "not-installed")));
        Assert.NotEqual("Over", card.GetAttribute("data-state"));
        var hint = Text(card.QuerySelector("[data-testid=install-keys]")!);
        Assert.Contains("10 seats of this version that no installation has installed: install the keys from your licenses page.", hint);
        Assert.Contains("Until then 5 enabled users here have no installed seat.", hint);
        Assert.Equal("/licenses", card.QuerySelector("[data-testid=install-keys] a")!.GetAttribute("href"));
    }

    [Fact]
    public async Task Keys_that_do_not_belong_are_listed_by_id_with_why_and_nothing_of_another_organization()
    {
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam Secret Holdings");
        var theirs = await _fx.PurchaseAsync(fabrikam, 10);
        var ours = await _fx.PurchaseAsync(_fx.Contoso, 25);
        var unknown = Guid.NewGuid();
        var report = Report(20, ours) with { LicenseIds = [ours[0].Id, theirs[0].Id, unknown] };
        var installation = await UploadAsync(_fx.Contoso, report);
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);

        var cut = page.RenderPage<InstallationsPage>();

        var flagged = Installation(cut, installation.Id).QuerySelectorAll("[data-testid=flagged-keys] li");
        Assert.Equal(new[] { theirs[0].Id, unknown }.Select(id => id.ToString()).Order(), flagged.Select(li => li.GetAttribute("data-key-id")!).Order());
        var other = flagged.Single(li => li.GetAttribute("data-key-id") == theirs[0].Id.ToString());
        Assert.Equal($"{theirs[0].Id}: {KeyStanding.OtherOrganization.Explain()}", Text(other));
        var stranger = flagged.Single(li => li.GetAttribute("data-key-id") == unknown.ToString());
        Assert.Equal($"{unknown}: {KeyStanding.Unknown.Explain()}", Text(stranger));
        Assert.DoesNotContain("Fabrikam", cut.Markup);
        Assert.DoesNotContain(theirs[0].Key, cut.Markup);
    }

    [Fact]
    public async Task An_installation_silent_for_more_than_90_days_says_for_how_long()
    {
        var licenses = await _fx.PurchaseAsync(_fx.Contoso, 25);
        var installation = await UploadAsync(_fx.Contoso, Report(10, licenses));
        _fx.Clock.Advance(TimeSpan.FromDays(95));
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);

        var cut = page.RenderPage<InstallationsPage>();

        var card = Installation(cut, installation.Id);
        Assert.Contains("Not reported for 95 days", Text(card.QuerySelector("[data-testid=silent]")!));
        Assert.StartsWith("Last reported 3 months ago (29 Nov 2026, 09:00 UTC)", Text(card.QuerySelector("[data-testid=last-reported]")!));
    }

    [Fact]
    public async Task A_technical_member_uploads_a_report_and_sees_its_installation_and_state()
    {
        var licenses = await _fx.PurchaseAsync(_fx.Contoso, 25, 10);
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso, "it@contoso.example", MemberRoles.Technical);
        var cut = page.RenderPage<InstallationsPage>();

        Upload(cut, InputFileContent.CreateFromBinary(Report(41, licenses).Bytes(), "usage-report.json", contentType: "application/json"));

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=upload-received]")), TimeSpan.FromSeconds(5));
        Assert.StartsWith("New installation Main office server: Over by 6 seats, 41 enabled users for 35 seats.", Text(cut.Find("[data-testid=upload-received]")));
        await using var db = _fx.Db();
        var stored = await db.Installations.SingleAsync();
        Assert.Equal(UsagePaths.Installation(stored.Id), cut.Find("[data-testid=upload-received] a").GetAttribute("href"));
        Assert.Equal("Over", Installation(cut, stored.Id).GetAttribute("data-state"));
        Assert.Empty(cut.FindAll("[data-testid=no-installations]"));
        var report = await db.UsageReports.SingleAsync();
        Assert.Equal((UsageSource.Upload, "it@contoso.example"), (report.Source, report.ReceivedBy));
    }

    [Fact]
    public async Task A_refused_report_says_why_and_stores_nothing()
    {
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso, "it@contoso.example", MemberRoles.Technical);
        var cut = page.RenderPage<InstallationsPage>();

        Upload(cut, InputFileContent.CreateFromBinary((Report(10, []) with { SchemaVersion = 2 }).Bytes(), "usage-report.json", contentType: "application/json"));

        cut.WaitForAssertion(() => Assert.Contains("format version 2", Text(cut.Find("[data-testid=upload-problem]"))), TimeSpan.FromSeconds(5));
        Assert.StartsWith("usage-report.json was not taken in:", Text(cut.Find("[data-testid=upload-problem]")));
        Assert.Equal("alert", cut.Find("[data-testid=upload-problem]").GetAttribute("role"));
        Assert.Empty(cut.FindAll("[data-testid=upload-received]"));
        await using var db = _fx.Db();
        Assert.False(await db.Installations.AnyAsync());
        Assert.False(await db.UsageReports.AnyAsync());
    }

    [Theory]
    [InlineData("usage-report.csv", 100, "usage-report.csv is not a .json file.")]
    [InlineData("huge.json", UsageReportFormat.MaxBytes + 1, "huge.json is larger than 1 MB.")]
    public async Task A_file_that_is_not_a_json_report_of_at_most_1_MB_is_refused_before_it_is_read(string name, int size, string message)
    {
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso, "it@contoso.example", MemberRoles.Technical);
        var cut = page.RenderPage<InstallationsPage>();

        Upload(cut, InputFileContent.CreateFromBinary(new byte[size], name, contentType: "application/json"));

        cut.WaitForAssertion(() => Assert.StartsWith(message, Text(cut.Find("[data-testid=upload-problem]"))), TimeSpan.FromSeconds(5));
        await using var db = _fx.Db();
        Assert.False(await db.UsageReports.AnyAsync());
    }

    [Fact]
    public async Task A_new_tokens_secret_is_shown_once_with_the_command_to_post_and_never_again_after_a_reload()
    {
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso, "it@contoso.example", MemberRoles.Technical);
        var cut = page.RenderPage<InstallationsPage>();
        Assert.Equal("Your organization has no installation tokens.", cut.Find("[data-testid=no-tokens]").TextContent.Trim());

        cut.FindComponents<MudTextField<string>>().Single(f => f.Instance.Label == "Token name").Find("input").Change("Main office server");
        cut.Find("[data-testid=create-token]").Click();

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=token-secret]")), TimeSpan.FromSeconds(5));
        var secret = cut.Find("[data-testid=token-secret]").TextContent.Trim();
        Assert.StartsWith(InstallationToken.Prefix, secret);
        Assert.Contains("it will not be shown again", Text(cut.Find("[data-testid=token-secret-panel]")));
        var curl = cut.Find("[data-testid=token-curl]").TextContent;
        Assert.Contains($"-X POST http://localhost{UsagePaths.Api}", curl);
        Assert.Contains($"Authorization: Bearer {secret}", curl);
        await using (var db = _fx.Db())
        {
            var stored = await db.InstallationTokens.SingleAsync();
            Assert.Equal(InstallationToken.HashOfPresented(secret), stored.Hash);
            Assert.Equal($"{InstallationToken.Prefix}…{secret[^4..]}", cut.Find($"[data-token='{stored.Id}']").ParentElement!.QuerySelector("code")!.TextContent);
        }

        // The token works, and binds to the installation that posts first.
        var posted = await _fx.Get<UsageService>().PostAsync(secret, Report(5, []).Bytes());
        var reloaded = page.RenderPage<InstallationsPage>();

        Assert.DoesNotContain(secret, reloaded.Markup);
        Assert.Empty(reloaded.FindAll("[data-testid=token-secret-panel]"));
        var row = reloaded.Find("[data-testid=token-table] tbody tr");
        Assert.Contains("Main office server", row.TextContent);
        Assert.Equal(UsagePaths.Installation(posted.Installation.Id), row.QuerySelector($"a[href='{UsagePaths.Installation(posted.Installation.Id)}']")!.GetAttribute("href"));
    }

    [Fact]
    public async Task A_token_without_a_name_is_not_created()
    {
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso, "it@contoso.example", MemberRoles.Technical);
        var cut = page.RenderPage<InstallationsPage>();

        cut.Find("[data-testid=create-token]").Click();

        cut.WaitForAssertion(() => Assert.Contains(InstallationToken.CheckName(null)!, cut.Markup));
        Assert.Empty(cut.FindAll("[data-testid=token-secret]"));
        await using var db = _fx.Db();
        Assert.False(await db.InstallationTokens.AnyAsync());
    }

    [Fact]
    public async Task A_technical_member_revokes_a_token_after_confirming_and_it_stays_listed_as_revoked()
    {
        var created = await _fx.Get<UsageService>().CreateTokenAsync(_fx.Contoso.Id, "Old server", DomainFixture.CustomerIn(_fx.Contoso.Id, MemberRoles.Technical));
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso, "it@contoso.example", MemberRoles.Technical);
        var cut = page.RenderPage<InstallationsPage>();

        cut.Find("[data-testid=revoke-token]").Click();
        Confirm(page, "Revoke");

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-revoked=true]")), TimeSpan.FromSeconds(5));
        Assert.StartsWith("Revoked 29 Nov 2026 by it@contoso.example", Text(cut.Find("[data-revoked=true]")));
        Assert.Empty(cut.FindAll("[data-testid=revoke-token]"));
        await using var db = _fx.Db();
        Assert.NotNull((await db.InstallationTokens.SingleAsync(t => t.Id == created.Token.Id)).RevokedAt);
        await Assert.ThrowsAsync<UsageTokenRefusedException>(() => _fx.Get<UsageService>().PostAsync(created.Secret, Report(5, []).Bytes()));
    }

    [Theory]
    [InlineData(MemberRoles.Billing)]
    [InlineData(MemberRoles.None)]
    public async Task A_member_without_the_technical_role_reads_everything_but_cannot_upload_manage_tokens_or_retire(MemberRoles roles)
    {
        var licenses = await _fx.PurchaseAsync(_fx.Contoso, 25, 10);
        var installation = await UploadAsync(_fx.Contoso, Report(41, licenses));
        await _fx.Get<UsageService>().CreateTokenAsync(_fx.Contoso.Id, "Main office server", DomainFixture.CustomerIn(_fx.Contoso.Id, MemberRoles.Technical));
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso, "reader@contoso.example", roles);

        var list = page.RenderPage<InstallationsPage>();
        var detail = RenderInstallation(page, installation.Id);

        Assert.NotNull(Installation(list, installation.Id));
        Assert.Single(list.FindAll("[data-testid=token-table] tbody tr"));
        Assert.Empty(list.FindAll("[data-testid=upload-report]"));
        Assert.Empty(list.FindComponents<InputFile>());
        Assert.Empty(list.FindAll("[data-testid=create-token]"));
        Assert.Empty(list.FindAll("[data-testid=revoke-token]"));
        Assert.Equal(["Technical", "Technical"], list.FindAll("[data-testid=role-required]").Select(n => n.GetAttribute("data-role")!));
        Assert.Empty(detail.FindAll("[data-testid=retire]"));
        Assert.Equal("Technical", detail.Find("[data-testid=role-required]").GetAttribute("data-role"));
    }

    [Fact]
    public async Task An_installations_page_shows_its_headroom_chart_keys_and_recent_reports()
    {
        var licenses = await _fx.PurchaseAsync(_fx.Contoso, 25, 10);
        var installation = await UploadAsync(_fx.Contoso, Report(41, licenses).WithDays(90, 40));
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);

        var cut = RenderInstallation(page, installation.Id);

        Assert.Equal("Main office server", cut.Find("h1").TextContent.Trim());
        Assert.Equal("Over by 6 seats", cut.Find("[data-state=Over]").TextContent.Trim());
        Assert.Equal("/buy?seats=6", cut.Find("[data-offer=buy-missing]").GetAttribute("href"));
        Assert.Contains(Server.ToString(), cut.Markup);

        var chart = cut.Find("[data-testid=usage-chart]");
        Assert.NotEmpty(chart.QuerySelectorAll("svg"));
        Assert.Equal("Most enabled users per day against seats installed, last 90 days", chart.QuerySelector("[role=img]")!.GetAttribute("aria-label"));
        Assert.Equal("usage-chart-summary", chart.GetAttribute("aria-labelledby"));
        Assert.Equal(
            "From 1 September 2026 to 29 November 2026, 90 days reported: at most 40 enabled users (on 1 September 2026), 35 seats installed on the latest day; 90 days had more enabled users than seats installed.",
            Text(cut.Find("[data-testid=usage-chart-summary]")));
        var days = cut.FindAll("[data-testid=usage-chart-table] tbody tr");
        Assert.Equal(90, days.Count);
        Assert.Equal(["29 November 2026", "40", "35"], days[^1].Children.Select(cell => cell.TextContent.Trim()));

        var keys = cut.FindAll("[data-testid=key-table] tbody tr");
        Assert.Equal(2, keys.Count);
        Assert.All(keys, row => Assert.Equal("Counts", row.QuerySelector("[data-standing]")!.GetAttribute("data-standing")));
        var report = Assert.Single(cut.FindAll("[data-testid=report-table] tbody tr"));
        Assert.Contains("Uploaded by ana@contoso.example", Text(report));
    }

    [Fact]
    public async Task A_technical_member_retires_an_installation_after_confirming_and_returns_to_the_list()
    {
        var licenses = await _fx.PurchaseAsync(_fx.Contoso, 25);
        var installation = await UploadAsync(_fx.Contoso, Report(10, licenses));
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso, "it@contoso.example", MemberRoles.Technical);
        var cut = RenderInstallation(page, installation.Id);

        cut.Find("[data-testid=retire]").Click();
        Confirm(page, "Retire");

        var navigation = page.Bunit.Services.GetRequiredService<NavigationManager>();
        cut.WaitForAssertion(() => Assert.EndsWith(UsagePaths.Installations, navigation.Uri), TimeSpan.FromSeconds(5));
        await using var db = _fx.Db();
        Assert.NotNull((await db.Installations.SingleAsync()).RetiredAt);
        Assert.Empty(page.RenderPage<InstallationsPage>().FindAll("[data-installation]"));
    }

    [Fact]
    public async Task Another_organizations_installation_is_not_found_and_nothing_of_it_shows()
    {
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam");
        var theirs = await UploadAsync(fabrikam, Report(41, await _fx.PurchaseAsync(fabrikam, 25)) with { InstallationName = "Fabrikam HQ server" });
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);

        var cut = RenderInstallation(page, theirs.Id);

        Assert.Equal("Installation not found", cut.Find("h1").TextContent.Trim());
        Assert.DoesNotContain("Fabrikam", cut.Markup);
        Assert.DoesNotContain(Server.ToString(), cut.Markup);
        Assert.Empty(cut.FindAll("[data-testid=usage-chart]"));
        Assert.Empty(cut.FindAll("[data-testid=retire]"));
        Assert.Empty(page.RenderPage<InstallationsPage>().FindAll("[data-installation]"));
    }
}
