using Microsoft.EntityFrameworkCore;
using Portal.Domain.Accounts;
using Portal.Domain.Evaluations;
using Portal.Domain.Licensing;
using Portal.Domain.Members;
using Portal.Domain.Organizations;
using Portal.Domain.Usage;
using Portal.Tests.Builders;

namespace Portal.Tests.Domain;

/// <summary>
/// Headroom and key standings (docs/rules.md#seat-planning): reports uploaded through <see cref="UsageService"/> on a real
/// SQLite database and read back with <see cref="UsageQueries"/>, as the pages read them.
/// </summary>
public sealed class HeadroomTests : IAsyncLifetime
{
    private DomainFixture _fx = null!;

    public async Task InitializeAsync() => _fx = await DomainFixture.CreateAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    private static readonly Guid Main = Guid.Parse("3f2c9a1b-5d7e-4c21-9a0b-1c2d3e4f5a6b");
    private static readonly Guid Branch = Guid.Parse("8a61d0c4-2b3e-4f5a-8c9d-0e1f2a3b4c5d");

    // ---- R1: the state follows the users enabled now ----

    [Theory]
    [InlineData(0, HeadroomState.Fits, 0)]
    [InlineData(8, HeadroomState.Fits, 0)]
    [InlineData(9, HeadroomState.Near, 0)]
    [InlineData(10, HeadroomState.Near, 0)]
    [InlineData(11, HeadroomState.Over, 1)]
    public async Task R1_with_10_seats_installed_the_state_turns_near_at_9_enabled_users_and_over_at_11(
        int enabledUsers, HeadroomState expected, int missing)
    {
        var license = Assert.Single(await _fx.PurchaseAsync(_fx.Contoso, 10));

        var headroom = (await ReportAsync(_fx.Contoso, Main, enabledUsers, license.Id)).Headroom;

        Assert.Equal((10, 0, expected, missing), (headroom.SeatsInstalled, headroom.SeatsNotInstalled, headroom.State, headroom.MissingSeats));
    }

    [Fact]
    public async Task R1_disabled_users_do_not_make_an_installation_over_and_its_90_day_peak_is_reported_beside_the_state()
    {
        var licenses = await _fx.PurchaseAsync(_fx.Contoso, 25, 10);
        // 40 users were enabled every day until today; 10 of them have been disabled since.
        var report = UsageReports.For(Main, Now()).WithDays(90, 40) with { EnabledUsers = 30, LicenseIds = Ids(licenses) };

        await UploadAsync(_fx.Contoso, report);

        var headroom = (await ViewAsync(_fx.Contoso, Main)).Headroom;
        Assert.Equal((30, 40, 35), (headroom.EnabledUsers, headroom.PeakEnabledUsers, headroom.SeatsAvailable));
        Assert.Equal((HeadroomState.Fits, 0), (headroom.State, headroom.MissingSeats));
    }

    [Fact]
    public async Task R1_an_installation_without_seats_fits_with_no_enabled_user_and_is_over_with_one()
    {
        var empty = await ReportAsync(_fx.Contoso, Main, 0);
        var one = await ReportAsync(_fx.Contoso, Branch, 1);

        Assert.Equal((0, HeadroomState.Fits, 0), (empty.Headroom.SeatsAvailable, empty.Headroom.State, empty.Headroom.MissingSeats));
        Assert.Equal((0, HeadroomState.Over, 1), (one.Headroom.SeatsAvailable, one.Headroom.State, one.Headroom.MissingSeats));
    }

    // ---- R2: the seats of the installed keys of the installation's major stack ----

    [Fact]
    public async Task R2_the_seats_of_several_installed_licenses_of_the_installations_major_stack()
    {
        var licenses = await _fx.PurchaseAsync(_fx.Contoso, 25, 10, 5);

        var view = await ReportAsync(_fx.Contoso, Main, 41, Ids(licenses));

        Assert.Equal((40, 0, 1), (view.Headroom.SeatsInstalled, view.Headroom.SeatsNotInstalled, view.Headroom.MissingSeats));
        Assert.All(view.Keys, k => Assert.Equal(KeyStanding.Counts, k.Standing));
        Assert.Empty(view.FlaggedKeys);
    }

    [Fact]
    public async Task R2_a_key_of_another_major_does_not_count_and_is_flagged_as_another_version()
    {
        var six = Assert.Single(await _fx.PurchaseAsync(_fx.Contoso, 10));
        await _fx.ReleaseAsync(7, 0);
        var seven = Assert.Single(await _fx.PurchaseAsync(_fx.Contoso, 25));
        var report = UsageReports.For(Main, Now()) with { Version = "7.0", EnabledUsers = 30, LicenseIds = [seven.Id, six.Id] };

        await UploadAsync(_fx.Contoso, report);

        var view = await ViewAsync(_fx.Contoso, Main);
        Assert.Equal((25, 0, 5), (view.Headroom.SeatsInstalled, view.Headroom.SeatsNotInstalled, view.Headroom.MissingSeats));
        Assert.Equal(KeyStanding.OtherVersion, Standing(view, six.Id));
        Assert.Equal(six.Id, Assert.Single(view.FlaggedKeys).KeyId);
    }

    [Fact]
    public async Task R2_a_key_of_another_organization_does_not_count_and_its_seats_are_not_shown()
    {
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam");
        var theirs = Assert.Single(await _fx.PurchaseAsync(fabrikam, 50));
        var ours = Assert.Single(await _fx.PurchaseAsync(_fx.Contoso, 10));

        var view = await ReportAsync(_fx.Contoso, Main, 12, ours.Id, theirs.Id);

        Assert.Equal((10, 0, 2), (view.Headroom.SeatsInstalled, view.Headroom.SeatsNotInstalled, view.Headroom.MissingSeats));
        var flagged = Assert.Single(view.FlaggedKeys);
        Assert.Equal((theirs.Id, KeyStanding.OtherOrganization, (int?)null), (flagged.KeyId, flagged.Standing, flagged.Seats));
    }

    // ---- Seats held but not installed anywhere ----

    [Fact]
    public async Task A_license_bought_and_not_installed_anywhere_counts_as_available_so_the_installation_is_not_missing_it()
    {
        var licenses = await _fx.PurchaseAsync(_fx.Contoso, 25, 10);

        var headroom = (await ReportAsync(_fx.Contoso, Main, 30, licenses[0].Id)).Headroom;

        Assert.Equal((25, 10, 35), (headroom.SeatsInstalled, headroom.SeatsNotInstalled, headroom.SeatsAvailable));
        Assert.Equal((0, HeadroomState.Fits), (headroom.MissingSeats, headroom.State));
        Assert.True(headroom.NeedsKeysInstalled);
    }

    [Fact]
    public async Task A_license_installed_at_one_installation_leaves_the_pool_of_the_others()
    {
        var licenses = await _fx.PurchaseAsync(_fx.Contoso, 25, 10);
        await ReportAsync(_fx.Contoso, Main, 30, licenses[0].Id);

        await ReportAsync(_fx.Contoso, Branch, 8, licenses[1].Id);

        var main = (await ViewAsync(_fx.Contoso, Main)).Headroom;
        var branch = (await ViewAsync(_fx.Contoso, Branch)).Headroom;
        Assert.Equal((25, 0, HeadroomState.Over, 5), (main.SeatsInstalled, main.SeatsNotInstalled, main.State, main.MissingSeats));
        Assert.Equal((10, 0, HeadroomState.Fits), (branch.SeatsInstalled, branch.SeatsNotInstalled, branch.State));
        Assert.False(main.NeedsKeysInstalled);
    }

    [Fact]
    public async Task A_key_named_by_two_installations_of_the_organization_is_installed_twice_and_counts_for_neither()
    {
        var licenses = await _fx.PurchaseAsync(_fx.Contoso, 25, 10);
        await ReportAsync(_fx.Contoso, Main, 30, licenses[0].Id, licenses[1].Id);

        await ReportAsync(_fx.Contoso, Branch, 8, licenses[1].Id);

        var main = await ViewAsync(_fx.Contoso, Main);
        var branch = await ViewAsync(_fx.Contoso, Branch);
        Assert.Equal(KeyStanding.Counts, Standing(main, licenses[0].Id));
        Assert.Equal(KeyStanding.InstalledTwice, Standing(main, licenses[1].Id));
        Assert.Equal(KeyStanding.InstalledTwice, Standing(branch, licenses[1].Id));
        Assert.True(KeyStanding.InstalledTwice.IsFlagged());
        // Neither installation counts it, and it is not free for either to install: it is installed already.
        Assert.Equal((25, 0, 5), (main.Headroom.SeatsInstalled, main.Headroom.SeatsNotInstalled, main.Headroom.MissingSeats));
        Assert.Equal((0, 0, 8), (branch.Headroom.SeatsInstalled, branch.Headroom.SeatsNotInstalled, branch.Headroom.MissingSeats));
    }

    [Fact]
    public async Task A_key_also_named_by_an_installation_of_another_major_still_counts_where_it_belongs()
    {
        var six = Assert.Single(await _fx.PurchaseAsync(_fx.Contoso, 10));
        await ReportAsync(_fx.Contoso, Main, 8, six.Id);
        await _fx.ReleaseAsync(7, 0);

        await UploadAsync(_fx.Contoso, UsageReports.For(Branch, Now()) with { Version = "7.0", EnabledUsers = 3, LicenseIds = [six.Id] });

        var main = await ViewAsync(_fx.Contoso, Main);
        Assert.Equal(KeyStanding.Counts, Standing(main, six.Id));
        Assert.Equal((10, HeadroomState.Fits), (main.Headroom.SeatsInstalled, main.Headroom.State));
        Assert.Equal(KeyStanding.OtherVersion, Standing(await ViewAsync(_fx.Contoso, Branch), six.Id));
    }

    [Fact]
    public async Task A_retired_installation_leaves_the_views_its_keys_go_back_to_the_pool_and_its_next_report_brings_it_back()
    {
        var licenses = await _fx.PurchaseAsync(_fx.Contoso, 25, 10);
        await ReportAsync(_fx.Contoso, Main, 30, licenses[0].Id);
        var branch = await ReportAsync(_fx.Contoso, Branch, 8, licenses[1].Id);

        await _fx.Get<UsageService>().RetireAsync(_fx.Contoso.Id, branch.Id, Technical(_fx.Contoso));

        var afterRetiring = await ViewsAsync(_fx.Contoso);
        var main = Assert.Single(afterRetiring);
        Assert.Equal((Main, 10, HeadroomState.Fits), (main.ReportedId, main.Headroom.SeatsNotInstalled, main.Headroom.State));
        await using (var db = _fx.Db())
            Assert.DoesNotContain(await UsageQueries.AllAsync(db, Now()), i => i.ReportedId == Branch);

        await ReportAsync(_fx.Contoso, Branch, 9, licenses[1].Id);

        var back = await ViewAsync(_fx.Contoso, Branch);
        Assert.Equal((2, 9, 10), (back.ReportCount, back.Headroom.EnabledUsers, back.Headroom.SeatsInstalled));
        var mainAgain = (await ViewAsync(_fx.Contoso, Main)).Headroom;
        Assert.Equal((0, 5), (mainAgain.SeatsNotInstalled, mainAgain.MissingSeats));
    }

    // ---- R10 and R6: withdrawn and replaced licenses ----

    [Fact]
    public async Task R10_a_revoked_license_installed_is_flagged_revoked_and_its_seats_are_gone()
    {
        var licenses = await _fx.PurchaseAsync(_fx.Contoso, 25, 10);
        await ReportAsync(_fx.Contoso, Main, 30, Ids(licenses));

        await using (var db = _fx.Db())
        {
            var refunded = await db.Licenses.SingleAsync(l => l.Id == licenses[1].Id);
            _fx.Get<LicensingService>().Revoke(db, refunded, "Payment refunded in Stripe", Actor.Stripe);
            await db.SaveChangesAsync();
        }

        var view = await ViewAsync(_fx.Contoso, Main);
        Assert.Equal(KeyStanding.Revoked, Standing(view, licenses[1].Id));
        Assert.Equal(licenses[1].Id, Assert.Single(view.FlaggedKeys).KeyId);
        Assert.Equal((25, 0, HeadroomState.Over, 5),
            (view.Headroom.SeatsInstalled, view.Headroom.SeatsNotInstalled, view.Headroom.State, view.Headroom.MissingSeats));
    }

    [Fact]
    public async Task R6_an_upgraded_license_is_flagged_and_the_license_replacing_it_counts_at_an_installation_of_the_new_major()
    {
        var old = Assert.Single(await _fx.PurchaseAsync(_fx.Contoso, 25));
        await _fx.ReleaseAsync(7, 0);
        await ReportAsync(_fx.Contoso, Main, 20, old.Id);
        var replacement = await _fx.UpgradeAsync(old);

        var stillOnSix = await ViewAsync(_fx.Contoso, Main);
        await UploadAsync(_fx.Contoso, UsageReports.For(Branch, Now()) with { Version = "7.0", EnabledUsers = 20, LicenseIds = [replacement.Id] });
        var onSeven = await ViewAsync(_fx.Contoso, Branch);

        Assert.Equal(KeyStanding.Upgraded, Standing(stillOnSix, old.Id));
        Assert.True(KeyStanding.Upgraded.IsFlagged());
        Assert.Equal((0, 0, HeadroomState.Over, 20),
            (stillOnSix.Headroom.SeatsInstalled, stillOnSix.Headroom.SeatsNotInstalled, stillOnSix.Headroom.State, stillOnSix.Headroom.MissingSeats));
        Assert.Equal(KeyStanding.Counts, Standing(onSeven, replacement.Id));
        Assert.Equal((7, 25, HeadroomState.Fits), (onSeven.Major, onSeven.Headroom.SeatsInstalled, onSeven.Headroom.State));
    }

    // ---- Evaluation keys ----

    [Fact]
    public async Task A_running_evaluation_of_the_organization_counts_its_seats_until_the_moment_it_ends_and_then_is_flagged()
    {
        var evaluation = await _fx.Get<EvaluationService>().StartAsync(_fx.Contoso.Id, _fx.OfficeStatus.Id, Technical(_fx.Contoso));
        var running = await ReportAsync(_fx.Contoso, Main, 40, evaluation.Id);

        Assert.Equal(KeyStanding.Evaluation, Standing(running, evaluation.Id));
        Assert.Empty(running.FlaggedKeys);
        Assert.Equal((evaluation.Seats, 0, HeadroomState.Fits),
            (running.Headroom.SeatsInstalled, running.Headroom.SeatsNotInstalled, running.Headroom.State));

        _fx.Clock.SetUtcNow(evaluation.ExpiresAt.AddMinutes(-1));
        Assert.Equal(KeyStanding.Evaluation, Standing(await ViewAsync(_fx.Contoso, Main), evaluation.Id));

        _fx.Clock.SetUtcNow(evaluation.ExpiresAt);
        var ended = await ViewAsync(_fx.Contoso, Main);
        Assert.Equal(KeyStanding.EndedEvaluation, Standing(ended, evaluation.Id));
        Assert.Equal(evaluation.Id, Assert.Single(ended.FlaggedKeys).KeyId);
        Assert.Equal((0, HeadroomState.Over, 40), (ended.Headroom.SeatsInstalled, ended.Headroom.State, ended.Headroom.MissingSeats));
    }

    [Fact]
    public async Task Another_organizations_evaluation_key_is_flagged_as_another_organizations_and_does_not_count()
    {
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam");
        var theirs = await _fx.Get<EvaluationService>().StartAsync(fabrikam.Id, _fx.OfficeStatus.Id, Technical(fabrikam));

        var view = await ReportAsync(_fx.Contoso, Main, 5, theirs.Id);

        var flagged = Assert.Single(view.FlaggedKeys);
        Assert.Equal((theirs.Id, KeyStanding.OtherOrganization, (int?)null), (flagged.KeyId, flagged.Standing, flagged.Seats));
        Assert.Equal((0, HeadroomState.Over, 5), (view.Headroom.SeatsInstalled, view.Headroom.State, view.Headroom.MissingSeats));
    }

    // ---- Unknown keys and the standings' sentences ----

    [Fact]
    public async Task An_id_Portal_never_issued_is_flagged_unknown_without_seats()
    {
        var license = Assert.Single(await _fx.PurchaseAsync(_fx.Contoso, 10));
        var unknown = Guid.Parse("00000000-1111-2222-3333-444444444444");

        var view = await ReportAsync(_fx.Contoso, Main, 10, license.Id, unknown);

        var flagged = Assert.Single(view.FlaggedKeys);
        Assert.Equal((unknown, KeyStanding.Unknown, (int?)null), (flagged.KeyId, flagged.Standing, flagged.Seats));
        Assert.Equal((10, HeadroomState.Near), (view.Headroom.SeatsInstalled, view.Headroom.State));
    }

    [Fact]
    public void Only_keys_that_count_or_are_a_running_evaluation_are_not_flagged()
    {
        Assert.Equal([KeyStanding.Counts, KeyStanding.Evaluation], Enum.GetValues<KeyStanding>().Where(s => !s.IsFlagged()));
    }

    [Fact]
    public void Every_key_standing_is_explained_in_a_sentence_of_its_own()
    {
        var sentences = Enum.GetValues<KeyStanding>().Select(s => s.Explain()).ToList();

        Assert.All(sentences, sentence =>
        {
            Assert.True(char.IsUpper(sentence[0]), sentence);
            Assert.EndsWith(".", sentence);
        });
        Assert.Equal(sentences.Count, sentences.Distinct().Count());
    }

    // ---- The Headroom record itself ----

    [Theory]
    [InlineData(24, 25, 10, 0, false, HeadroomState.Fits)]
    [InlineData(30, 25, 10, 0, true, HeadroomState.Fits)]
    [InlineData(32, 25, 10, 0, true, HeadroomState.Near)]
    [InlineData(35, 25, 10, 0, true, HeadroomState.Near)]
    [InlineData(36, 25, 10, 1, false, HeadroomState.Over)]
    [InlineData(25, 25, 10, 0, false, HeadroomState.Fits)]
    [InlineData(26, 25, 0, 1, false, HeadroomState.Over)]
    [InlineData(0, 0, 0, 0, false, HeadroomState.Fits)]
    [InlineData(1, 0, 0, 1, false, HeadroomState.Over)]
    [InlineData(1, 1, 0, 0, false, HeadroomState.Near)]
    public void Headroom_misses_the_users_beyond_all_seats_held_and_needs_keys_installed_only_when_held_seats_cover_them(
        int enabledUsers, int seatsInstalled, int seatsNotInstalled, int missing, bool needsKeysInstalled, HeadroomState state)
    {
        var headroom = new Headroom(enabledUsers, enabledUsers, seatsInstalled, seatsNotInstalled);

        Assert.Equal((missing, needsKeysInstalled, state), (headroom.MissingSeats, headroom.NeedsKeysInstalled, headroom.State));
    }

    [Fact]
    public void Headroom_keeps_its_arithmetic_exact_with_large_numbers()
    {
        // 30 million seats × 90 % does not fit in an int; a million users against them is far from near.
        Assert.Equal(HeadroomState.Fits, new Headroom(1_000_000, 1_000_000, 30_000_000, 0).State);
        Assert.Equal(HeadroomState.Near, new Headroom(1_000_000, 1_000_000, 1_000_000, 111_111).State);
        Assert.Equal(HeadroomState.Fits, new Headroom(1_000_000, 1_000_000, 1_000_000, 111_112).State);
        var over = new Headroom(1_000_000, 1_000_000, 500_000, 499_999);
        Assert.Equal((999_999, 1, HeadroomState.Over), (over.SeatsAvailable, over.MissingSeats, over.State));
    }

    [Theory]
    [InlineData(9, 12, 10, 0, 4)]
    [InlineData(12, 9, 10, 0, 4)]
    [InlineData(9, 9, 10, 0, 1)]
    [InlineData(45, 45, 40, 10, 1)]
    [InlineData(90, 90, 100, 0, 1)]
    public void Seats_ahead_bring_the_higher_of_users_now_and_the_peak_below_90_percent_of_the_seats(
        int enabledUsers, int peak, int seatsInstalled, int seatsNotInstalled, int ahead)
    {
        var headroom = new Headroom(enabledUsers, peak, seatsInstalled, seatsNotInstalled);
        var after = new Headroom(Math.Max(enabledUsers, peak), peak, seatsInstalled + ahead, seatsNotInstalled);
        var oneLess = new Headroom(Math.Max(enabledUsers, peak), peak, seatsInstalled + ahead - 1, seatsNotInstalled);

        Assert.Equal(ahead, headroom.SeatsAhead);
        Assert.Equal(HeadroomState.Fits, after.State);
        Assert.NotEqual(HeadroomState.Fits, oneLess.State);
    }

    [Fact]
    public void An_installation_is_silent_only_when_more_than_90_days_passed_since_its_report_was_written()
    {
        var reportedAt = DomainFixture.Start;
        var view = new InstallationView(Guid.NewGuid(), Guid.NewGuid(), Main, "Main office server", Guid.NewGuid(), "OfficeStatus", 6, 1, 6,
            reportedAt, reportedAt.AddDays(5), 1, new Headroom(10, 10, 10, 0), []);

        Assert.False(view.IsSilent(reportedAt.AddDays(90)));
        Assert.True(view.IsSilent(reportedAt.AddDays(90).AddSeconds(1)));
    }

    // ---- Helpers ----

    private DateTimeOffset Now() => _fx.Clock.GetUtcNow();

    private static Actor Technical(Organization organization) => DomainFixture.CustomerIn(organization.Id, MemberRoles.Technical);

    private static Guid[] Ids(IEnumerable<License> licenses) => licenses.Select(l => l.Id).ToArray();

    private static KeyStanding Standing(InstallationView view, Guid keyId) => view.Keys.Single(k => k.KeyId == keyId).Standing;

    private async Task UploadAsync(Organization organization, UsageReports report) =>
        await _fx.Get<UsageService>().UploadAsync(organization.Id, report.Bytes(), Technical(organization));

    /// <summary>A report written a minute after the previous one, uploaded; the installation as the pages then see it.</summary>
    private async Task<InstallationView> ReportAsync(Organization organization, Guid installation, int enabledUsers, params Guid[] keys)
    {
        _fx.Clock.Advance(TimeSpan.FromMinutes(1));
        await UploadAsync(organization, UsageReports.For(installation, Now()) with { EnabledUsers = enabledUsers, LicenseIds = keys });
        return await ViewAsync(organization, installation);
    }

    private async Task<IReadOnlyList<InstallationView>> ViewsAsync(Organization organization)
    {
        await using var db = _fx.Db();
        return await UsageQueries.ForOrganizationAsync(db, organization.Id, Now());
    }

    private async Task<InstallationView> ViewAsync(Organization organization, Guid reportedId) =>
        (await ViewsAsync(organization)).Single(i => i.ReportedId == reportedId);
}
