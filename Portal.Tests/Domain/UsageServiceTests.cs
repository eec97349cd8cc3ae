using Microsoft.EntityFrameworkCore;
using Portal.Domain;
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
}
