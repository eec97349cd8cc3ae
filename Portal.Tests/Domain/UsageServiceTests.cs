using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Portal.Domain;
using Portal.Domain.Accounts;
using Portal.Domain.Evaluations;
using Portal.Domain.Licensing;
using Portal.Domain.Members;
using Portal.Domain.Usage;
using Portal.Tests.Builders;

namespace Portal.Tests.Domain;

/// <summary>Usage reports taken in on a real SQLite database (docs/rules.md#seat-planning): stored per installation, with headroom and flags.</summary>
public sealed class UsageServiceTests : IAsyncLifetime
{
    private DomainFixture _fx = null!;

    public async Task InitializeAsync() => _fx = await DomainFixture.CreateAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    private UsageService Usage => _fx.Get<UsageService>();

    private static readonly Guid Server = Guid.Parse("3f2c9a1b-5d7e-4c21-9a0b-1c2d3e4f5a6b");

    private Actor Technical => DomainFixture.CustomerIn(_fx.Contoso.Id, MemberRoles.Technical);

    private UsageReports Now() => UsageReports.For(Server, _fx.Clock.GetUtcNow());

    [Fact]
    public async Task R1_an_uploaded_report_with_more_enabled_users_than_installed_seats_is_over_by_the_difference()
    {
        var licenses = await _fx.PurchaseAsync(_fx.Contoso, 25, 10);
        var report = UsageReports.For(Server, _fx.Clock.GetUtcNow().AddHours(-1)) with
        {
            EnabledUsers = 41,
            LicenseIds = licenses.Select(l => l.Id).ToList(),
        };

        var receipt = await Usage.UploadAsync(_fx.Contoso.Id, report.Bytes(), DomainFixture.CustomerIn(_fx.Contoso.Id, MemberRoles.Technical));

        Assert.True(receipt.IsNewInstallation);
        Assert.Equal(35, receipt.Installation.Headroom.SeatsInstalled);
        Assert.Equal(6, receipt.Installation.Headroom.MissingSeats);
        Assert.Equal(HeadroomState.Over, receipt.Installation.Headroom.State);
        await using var db = _fx.Db();
        Assert.Equal(90, await db.UsageDays.CountAsync());
        var history = await db.AuditEvents.SingleAsync(e => e.Action == "usage.reported");
        Assert.Contains("41 enabled users", history.Summary);
        Assert.Contains("over by 6 seats", history.Summary);
    }

    [Fact]
    public async Task A_key_of_another_organization_is_accepted_and_flagged()
    {
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam");
        var theirs = await _fx.PurchaseAsync(fabrikam, 10);
        var ours = await _fx.PurchaseAsync(_fx.Contoso, 25);
        var report = UsageReports.For(Server, _fx.Clock.GetUtcNow()) with { EnabledUsers = 20, LicenseIds = [ours[0].Id, theirs[0].Id] };

        var receipt = await Usage.UploadAsync(_fx.Contoso.Id, report.Bytes(), DomainFixture.CustomerIn(_fx.Contoso.Id, MemberRoles.Technical));

        var flagged = Assert.Single(receipt.Installation.FlaggedKeys);
        Assert.Equal((theirs[0].Id, KeyStanding.OtherOrganization), (flagged.KeyId, flagged.Standing));
        Assert.Equal(25, receipt.Installation.Headroom.SeatsInstalled);
    }

    [Fact]
    public async Task A_report_of_the_wrong_format_version_is_refused_with_a_clear_message_and_nothing_stored()
    {
        var report = UsageReports.For(Server, _fx.Clock.GetUtcNow()) with { SchemaVersion = 2 };

        var refused = await Assert.ThrowsAsync<DomainException>(() =>
            Usage.UploadAsync(_fx.Contoso.Id, report.Bytes(), DomainFixture.CustomerIn(_fx.Contoso.Id, MemberRoles.Technical)));

        Assert.Contains("format version 2", refused.Message);
        await using var db = _fx.Db();
        Assert.Equal(0, await db.Installations.CountAsync());
    }

    [Fact]
    public async Task A_token_posts_a_report_for_its_organization_and_is_bound_to_that_installation()
    {
        var created = await Usage.CreateTokenAsync(_fx.Contoso.Id, "Main server", DomainFixture.CustomerIn(_fx.Contoso.Id, MemberRoles.Technical));

        var receipt = await Usage.PostAsync(created.Secret, UsageReports.For(Server, _fx.Clock.GetUtcNow()).Bytes());
        var other = UsageReports.For(Guid.NewGuid(), _fx.Clock.GetUtcNow());

        Assert.Equal(_fx.Contoso.Id, receipt.Installation.OrganizationId);
        await Assert.ThrowsAsync<UsageTokenRefusedException>(() => Usage.PostAsync(created.Secret, other.Bytes()));
        await Assert.ThrowsAsync<UsageTokenRefusedException>(() => Usage.PostAsync("kmu_wrong", other.Bytes()));
    }

    [Fact]
    public async Task Keys_that_do_not_belong_are_accepted_and_flagged_each_with_its_standing()
    {
        var evaluation = await _fx.Get<EvaluationService>().StartAsync(_fx.Contoso.Id, _fx.OfficeStatus.Id, DomainFixture.CustomerIn(_fx.Contoso.Id));
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam");
        var theirs = (await _fx.PurchaseAsync(fabrikam, 10))[0];
        var ours = await _fx.PurchaseAsync(_fx.Contoso, 25, 10, 5);
        var (counts, revoked, upgraded) = (ours[0], ours[1], ours[2]);
        await using (var db = _fx.Db())
        {
            _fx.Get<LicensingService>().Revoke(db, await db.Licenses.SingleAsync(l => l.Id == revoked.Id), "Payment refunded", Actor.Stripe);
            await db.SaveChangesAsync();
        }
        await _fx.ReleaseAsync(7, 0);
        await _fx.UpgradeAsync(upgraded);
        _fx.Clock.Advance(TimeSpan.FromDays(31));
        var unknown = Guid.Parse("0b7e2d4c-1a3f-4e5d-8c9b-7a6f5e4d3c2b");
        var report = Now() with { EnabledUsers = 20, LicenseIds = [counts.Id, theirs.Id, revoked.Id, upgraded.Id, unknown, evaluation.Id] };

        var receipt = await Usage.UploadAsync(_fx.Contoso.Id, report.Bytes(), Technical);

        var standings = receipt.Installation.Keys.ToDictionary(k => k.KeyId, k => k.Standing);
        Assert.Equal(KeyStanding.Counts, standings[counts.Id]);
        Assert.Equal(KeyStanding.OtherOrganization, standings[theirs.Id]);
        Assert.Equal(KeyStanding.Revoked, standings[revoked.Id]);
        Assert.Equal(KeyStanding.Upgraded, standings[upgraded.Id]);
        Assert.Equal(KeyStanding.Unknown, standings[unknown]);
        Assert.Equal(KeyStanding.EndedEvaluation, standings[evaluation.Id]);
        Assert.Equal(5, receipt.Installation.FlaggedKeys.Count);
        Assert.Equal(25, receipt.Installation.Headroom.SeatsInstalled);
        await using var check = _fx.Db();
        Assert.Equal(5, (await check.UsageReports.SingleAsync()).FlaggedKeys);
        Assert.Equal(6, await check.Set<InstalledKey>().CountAsync());
        Assert.Contains("5 keys do not belong", (await check.AuditEvents.SingleAsync(e => e.Action == "usage.reported")).Summary);
    }

    [Fact]
    public async Task Sending_the_same_report_again_is_refused_and_changes_nothing()
    {
        var report = Now() with { EnabledUsers = 41 };
        await Usage.UploadAsync(_fx.Contoso.Id, report.Bytes(), Technical);
        var before = await StoredAsync();

        var again = await Assert.ThrowsAsync<UsageReportConflictException>(() => Usage.UploadAsync(_fx.Contoso.Id, report.Bytes(), Technical));

        Assert.Equal("This report from Main office server was received before; nothing changed.", again.Message);
        Assert.Equal(before, await StoredAsync());
    }

    [Fact]
    public async Task An_older_report_is_refused_and_a_newer_one_updates_the_installation()
    {
        var written = _fx.Clock.GetUtcNow();
        await Usage.UploadAsync(_fx.Contoso.Id, (Now() with { EnabledUsers = 30 }).Bytes(), Technical);
        var before = await StoredAsync();

        var older = await Assert.ThrowsAsync<UsageReportConflictException>(() =>
            Usage.UploadAsync(_fx.Contoso.Id, (UsageReports.For(Server, written.AddHours(-1)) with { EnabledUsers = 99 }).Bytes(), Technical));
        var unchanged = await StoredAsync();
        _fx.Clock.Advance(TimeSpan.FromHours(2));
        var newer = await Usage.UploadAsync(_fx.Contoso.Id, (Now() with { EnabledUsers = 45, InstallationName = "Renamed server" }).Bytes(), Technical);

        Assert.Contains("was written before the latest one Portal has (2026-11-29 10:00 UTC), so it is not used", older.Message);
        Assert.Equal(before, unchanged);
        Assert.False(newer.IsNewInstallation);
        Assert.Equal(45, newer.Installation.Headroom.EnabledUsers);
        Assert.Equal("Renamed server", newer.Installation.Name);
        await using var db = _fx.Db();
        var installation = await db.Installations.SingleAsync();
        Assert.Equal((2, 45, _fx.Clock.GetUtcNow()), (installation.ReportCount, installation.EnabledUsers, installation.LastReportedAt));
        Assert.Equal(2, await db.UsageReports.CountAsync());
    }

    [Fact]
    public async Task A_later_report_replaces_the_days_it_covers_again_and_keeps_the_others()
    {
        var licenses = await _fx.PurchaseAsync(_fx.Contoso, 25);
        var day = DateOnly.FromDateTime(_fx.Clock.GetUtcNow().UtcDateTime);
        await Usage.UploadAsync(_fx.Contoso.Id, Now().WithDays(3, 20).Bytes(), Technical);
        _fx.Clock.Advance(TimeSpan.FromDays(1));

        await Usage.UploadAsync(_fx.Contoso.Id, (Now() with { LicenseIds = [licenses[0].Id] }).WithDays(2, 24).Bytes(), Technical);

        await using var db = _fx.Db();
        var days = await db.UsageDays.OrderBy(d => d.Day).Select(d => new { d.Day, d.EnabledUsers, d.Seats }).ToListAsync();
        Assert.Equal(
            [new { Day = day.AddDays(-2), EnabledUsers = 20, Seats = 0 }, new { Day = day.AddDays(-1), EnabledUsers = 20, Seats = 0 },
             new { Day = day, EnabledUsers = 24, Seats = 25 }, new { Day = day.AddDays(1), EnabledUsers = 24, Seats = 25 }],
            days);
    }

    [Fact]
    public async Task The_same_new_report_sent_twice_at_once_makes_one_installation_and_the_other_is_refused_cleanly()
    {
        var report = (Now() with { EnabledUsers = 41 }).Bytes();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            try
            {
                await Usage.UploadAsync(_fx.Contoso.Id, report, Technical);
                return null;
            }
            catch (Exception refused)
            {
                return refused;
            }
        })));

        var refused = Assert.Single(outcomes, outcome => outcome is not null);
        Assert.IsType<UsageReportConflictException>(refused);
        var stored = await StoredAsync();
        Assert.Equal((1, 1, 1), (stored.Installations, stored.Reports, stored.History));
    }

    [Fact]
    public async Task Two_reports_of_a_new_installation_at_once_make_one_installation_with_the_newer_figures_or_a_clean_refusal()
    {
        var earlier = (UsageReports.For(Server, _fx.Clock.GetUtcNow().AddMinutes(-1)) with { EnabledUsers = 30 }).Bytes();
        var later = (Now() with { EnabledUsers = 41 }).Bytes();

        var outcomes = await Task.WhenAll(new[] { earlier, later }.Select(report => Task.Run(async () =>
        {
            try
            {
                await Usage.UploadAsync(_fx.Contoso.Id, report, Technical);
                return null;
            }
            catch (Exception refused)
            {
                return refused;
            }
        })));

        Assert.All(outcomes.OfType<Exception>(), refused => Assert.IsType<UsageReportConflictException>(refused));
        var taken = outcomes.Count(outcome => outcome is null);
        await using var db = _fx.Db();
        var installation = await db.Installations.SingleAsync();
        Assert.Equal(taken, installation.ReportCount);
        Assert.Equal(taken, await db.UsageReports.CountAsync());
        Assert.Equal(taken, await db.AuditEvents.CountAsync(e => e.Action == "usage.reported"));
        // Whatever the order, the installation never goes back to the earlier figures once it has the later ones.
        Assert.True(taken == 1 || installation.EnabledUsers == 41, $"{taken} taken, {installation.EnabledUsers} enabled users");
    }

    [Fact]
    public async Task A_member_cannot_upload_for_an_installation_of_another_organization()
    {
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam");
        await Usage.UploadAsync(_fx.Contoso.Id, Now().Bytes(), Technical);
        var before = await StoredAsync();
        _fx.Clock.Advance(TimeSpan.FromHours(1));

        var refused = await Assert.ThrowsAsync<DomainException>(() =>
            Usage.UploadAsync(fabrikam.Id, Now().Bytes(), DomainFixture.CustomerIn(fabrikam.Id, MemberRoles.Technical)));

        Assert.Contains("reports to another organization", refused.Message);
        Assert.Equal(before, await StoredAsync());
    }

    public static TheoryData<string, MemberRoles, bool> TokenKeepers() => new()
    {
        { "an owner", MemberRoles.Owner, true },
        { "a Technical member", MemberRoles.Technical, true },
        { "a Billing member", MemberRoles.Billing, false },
        { "a member without a role", MemberRoles.None, false },
    };

    [Theory]
    [MemberData(nameof(TokenKeepers))]
    public async Task Only_owners_and_technical_members_create_and_revoke_tokens_and_upload_reports(string member, MemberRoles roles, bool allowed)
    {
        var actor = DomainFixture.CustomerIn(_fx.Contoso.Id, roles);
        var existing = await Usage.CreateTokenAsync(_fx.Contoso.Id, "Existing server", Technical);

        var create = await Record.ExceptionAsync(() => Usage.CreateTokenAsync(_fx.Contoso.Id, "New server", actor));
        var revoke = await Record.ExceptionAsync(() => Usage.RevokeTokenAsync(_fx.Contoso.Id, existing.Token.Id, actor));
        var upload = await Record.ExceptionAsync(() => Usage.UploadAsync(_fx.Contoso.Id, Now().Bytes(), actor));

        foreach (var refusal in new[] { create, revoke, upload })
        {
            if (allowed)
            {
                Assert.Null(refusal);
            }
            else
            {
                Assert.True(refusal is DomainException, $"{member}: {refusal}");
                Assert.Contains("Only members with the Technical or Owner role", refusal.Message);
            }
        }
        var tokens = await Usage.TokensAsync(_fx.Contoso.Id);
        Assert.Equal(allowed ? 2 : 1, tokens.Count);
        Assert.Equal(allowed, tokens.Single(t => t.Id == existing.Token.Id).IsRevoked);
    }

    [Fact]
    public async Task Staff_and_members_of_other_organizations_cannot_create_or_revoke_an_organizations_tokens()
    {
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam");
        var existing = await Usage.CreateTokenAsync(_fx.Contoso.Id, "Main server", Technical);

        foreach (var outsider in new[] { DomainFixture.Admin, DomainFixture.Support, DomainFixture.CustomerIn(fabrikam.Id, MemberRoles.Owner) })
        {
            var create = await Assert.ThrowsAsync<DomainException>(() => Usage.CreateTokenAsync(_fx.Contoso.Id, "Intruder", outsider));
            var revoke = await Assert.ThrowsAsync<DomainException>(() => Usage.RevokeTokenAsync(_fx.Contoso.Id, existing.Token.Id, outsider));
            Assert.Contains("Only members of the organization", create.Message);
            Assert.Contains("Only members of the organization", revoke.Message);
        }
        // Fabrikam's owner naming Contoso's token in Fabrikam finds nothing.
        var elsewhere = await Assert.ThrowsAsync<DomainException>(() =>
            Usage.RevokeTokenAsync(fabrikam.Id, existing.Token.Id, DomainFixture.CustomerIn(fabrikam.Id, MemberRoles.Owner)));

        Assert.Equal("That installation token does not exist.", elsewhere.Message);
        var token = Assert.Single(await Usage.TokensAsync(_fx.Contoso.Id));
        Assert.False(token.IsRevoked);
        Assert.Empty(await Usage.TokensAsync(fabrikam.Id));
    }

    [Fact]
    public async Task Tokens_are_listed_newest_first_for_their_organization_only_with_who_revoked_them()
    {
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam");
        var first = await Usage.CreateTokenAsync(_fx.Contoso.Id, "  Main server  ", Technical);
        _fx.Clock.Advance(TimeSpan.FromMinutes(1));
        var second = await Usage.CreateTokenAsync(_fx.Contoso.Id, "Branch server", Technical);
        await Usage.CreateTokenAsync(fabrikam.Id, "Fabrikam server", DomainFixture.CustomerIn(fabrikam.Id, MemberRoles.Technical));
        _fx.Clock.Advance(TimeSpan.FromMinutes(1));
        await Usage.RevokeTokenAsync(_fx.Contoso.Id, first.Token.Id, Technical);

        var tokens = await Usage.TokensAsync(_fx.Contoso.Id);

        Assert.Equal([second.Token.Id, first.Token.Id], tokens.Select(t => t.Id));
        Assert.Equal("Main server", tokens[1].Name);
        Assert.Equal((_fx.Clock.GetUtcNow(), DomainFixture.Customer.Name), (tokens[1].RevokedAt, tokens[1].RevokedBy));
        Assert.Equal($"kmu_…{first.Secret[^4..]}", tokens[1].Display);
        Assert.False(tokens[0].IsRevoked);
        var twice = await Assert.ThrowsAsync<DomainException>(() => Usage.RevokeTokenAsync(_fx.Contoso.Id, first.Token.Id, Technical));
        Assert.Equal("The token Main server is already revoked.", twice.Message);
    }

    public static TheoryData<string> BadTokenNames() => new("", "   ", new string('n', InstallationToken.NameMaxLength + 1));

    [Theory]
    [MemberData(nameof(BadTokenNames))]
    public async Task A_token_needs_a_name_of_at_most_100_characters(string name)
    {
        var refused = await Assert.ThrowsAsync<DomainException>(() => Usage.CreateTokenAsync(_fx.Contoso.Id, name, Technical));

        Assert.Equal(InstallationToken.CheckName(name), refused.Message);
        Assert.Empty(await Usage.TokensAsync(_fx.Contoso.Id));
    }

    [Fact]
    public async Task An_organization_holds_at_most_50_active_tokens_and_revoking_one_makes_room()
    {
        var tokens = new List<CreatedInstallationToken>();
        for (var i = 1; i <= InstallationToken.MaxActivePerOrganization; i++)
            tokens.Add(await Usage.CreateTokenAsync(_fx.Contoso.Id, $"Server {i}", Technical));

        var refused = await Assert.ThrowsAsync<DomainException>(() => Usage.CreateTokenAsync(_fx.Contoso.Id, "Server 51", Technical));
        await Usage.RevokeTokenAsync(_fx.Contoso.Id, tokens[0].Token.Id, Technical);
        var another = await Usage.CreateTokenAsync(_fx.Contoso.Id, "Server 51", Technical);

        Assert.Equal("Your organization has 50 tokens; revoke the ones no installation uses before creating another.", refused.Message);
        Assert.Equal(51, (await Usage.TokensAsync(_fx.Contoso.Id)).Count);
        Assert.True((await Usage.PostAsync(another.Secret, Now().Bytes())).IsNewInstallation);
    }

    [Fact]
    public async Task A_tokens_secret_is_never_stored_only_its_hash_and_last_four_characters()
    {
        var created = await Usage.CreateTokenAsync(_fx.Contoso.Id, "Main server", Technical);
        await Usage.PostAsync(created.Secret, Now().Bytes());
        await Usage.RevokeTokenAsync(_fx.Contoso.Id, created.Token.Id, Technical);

        await using (var db = _fx.Db())
        {
            var row = await db.InstallationTokens.AsNoTracking().SingleAsync();
            Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(created.Secret)), row.Hash);
            Assert.Equal(created.Secret[^4..], row.Hint);
            Assert.StartsWith("kmu_", created.Secret);
            Assert.Equal(47, created.Secret.Length);
            var history = await db.AuditEvents.Where(e => e.Action.StartsWith("usage-token.")).OrderBy(e => e.Id).ToListAsync();
            Assert.Equal(["usage-token.created", "usage-token.revoked"], history.Select(e => e.Action));
            Assert.All(history, e => Assert.Contains(row.Hint, e.Summary));
            Assert.Equal([DomainFixture.Customer.Name, DomainFixture.Customer.Name], history.Select(e => e.ActorName));
            var reported = await db.AuditEvents.SingleAsync(e => e.Action == "usage.reported");
            Assert.Equal("Installation token “Main server”", reported.ActorName);
            Assert.Equal("Installation token “Main server”", (await db.UsageReports.SingleAsync()).ReceivedBy);
            Assert.Equal(UsageSource.Api, (await db.UsageReports.SingleAsync()).Source);
        }
        // Nowhere in the database: not in a column, the history or the write-ahead log.
        SqliteConnection.ClearAllPools();
        var secret = Encoding.UTF8.GetBytes(created.Secret[4..]);
        await using var check = _fx.Db();
        var file = new SqliteConnectionStringBuilder(check.Database.GetConnectionString()).DataSource;
        foreach (var path in new[] { file, file + "-wal" }.Where(File.Exists))
        {
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var content = new MemoryStream();
            await stream.CopyToAsync(content);
            Assert.True(content.ToArray().AsSpan().IndexOf(secret) < 0, $"the secret is in {Path.GetFileName(path)}");
        }
    }

    [Fact]
    public async Task A_revoked_token_is_refused_and_stores_nothing()
    {
        var created = await Usage.CreateTokenAsync(_fx.Contoso.Id, "Main server", Technical);
        await Usage.PostAsync(created.Secret, Now().Bytes());
        await Usage.RevokeTokenAsync(_fx.Contoso.Id, created.Token.Id, Technical);
        var before = await StoredAsync();
        _fx.Clock.Advance(TimeSpan.FromHours(1));

        var refused = await Assert.ThrowsAsync<UsageTokenRefusedException>(() => Usage.PostAsync(created.Secret, Now().Bytes()));

        Assert.Equal("This installation token was revoked.", refused.Message);
        Assert.Equal(before, await StoredAsync());
    }

    [Fact]
    public async Task A_token_of_another_organization_cannot_report_for_an_installation_registered_elsewhere()
    {
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam");
        var ours = await Usage.CreateTokenAsync(_fx.Contoso.Id, "Main server", Technical);
        var theirs = await Usage.CreateTokenAsync(fabrikam.Id, "Their server", DomainFixture.CustomerIn(fabrikam.Id, MemberRoles.Technical));
        await Usage.PostAsync(ours.Secret, Now().Bytes());
        var before = await StoredAsync();
        _fx.Clock.Advance(TimeSpan.FromHours(1));

        var refused = await Assert.ThrowsAsync<UsageTokenRefusedException>(() => Usage.PostAsync(theirs.Secret, (Now() with { EnabledUsers = 500 }).Bytes()));

        Assert.Contains("reports to another organization", refused.Message);
        Assert.Equal(before, await StoredAsync());
        Assert.Null((await Usage.TokensAsync(fabrikam.Id)).Single().InstallationId);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("kmu_")]
    [InlineData("not-a-token")]
    [InlineData("kmu_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task Without_a_valid_token_the_report_is_not_even_read(string? secret)
    {
        var read = false;

        await Assert.ThrowsAsync<UsageTokenRefusedException>(() => Usage.PostAsync(secret, _ =>
        {
            read = true;
            return Task.FromResult(Now().Bytes());
        }));

        Assert.False(read);
        Assert.Equal(0, (await StoredAsync()).Installations);
    }

    private sealed record Stored(int Installations, int Keys, int Days, int Reports, int History, string? Latest);

    private async Task<Stored> StoredAsync()
    {
        await using var db = _fx.Db();
        var latest = await db.Installations.AsNoTracking().OrderBy(i => i.FirstReceivedAt).FirstOrDefaultAsync();
        return new Stored(
            await db.Installations.CountAsync(),
            await db.Set<InstalledKey>().CountAsync(),
            await db.UsageDays.CountAsync(),
            await db.UsageReports.CountAsync(),
            await db.AuditEvents.CountAsync(e => e.Action == "usage.reported"),
            latest is null ? null : $"{latest.OrganizationId} {latest.LastReportedAt:O} {latest.EnabledUsers} {latest.PeakEnabledUsers} {latest.ReportCount} {latest.Name}");
    }
}
