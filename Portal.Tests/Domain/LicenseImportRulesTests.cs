using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Domain;
using Portal.Domain.Accounts;
using Portal.Domain.History;
using Portal.Domain.Licensing;
using Portal.Domain.Pricing;
using Portal.Tests.Builders;

namespace Portal.Tests.Domain;

/// <summary>
/// Licenses bought before Portal existed, imported by an admin with their original date (docs/decisions/0005): how they
/// count under R2, R6 and R8, and what is refused.
/// </summary>
public sealed class LicenseImportRulesTests : IAsyncLifetime
{
    private static readonly DateOnly March2024 = new(2024, 3, 1);

    private DomainFixture _fx = null!;

    public async Task InitializeAsync() => _fx = await DomainFixture.CreateAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    private ExistingLicense Existing(int major = 5, int seats = 10, DateOnly? purchasedOn = null, string? reference = "INV-7", Guid? organizationId = null) =>
        new(organizationId ?? _fx.Contoso.Id, _fx.OfficeStatus.Id, major, seats, purchasedOn ?? March2024, reference);

    private async Task<License> ImportAsync(ExistingLicense existing, Actor? actor = null)
    {
        await using var db = _fx.Db();
        return await _fx.Get<LicensingService>().ImportAsync(db, existing, actor ?? DomainFixture.Admin);
    }

    private async Task AssertNothingStoredAsync()
    {
        await using var db = _fx.Db();
        Assert.False(await db.Licenses.AnyAsync());
        Assert.False(await db.AuditEvents.AnyAsync());
    }

    [Fact]
    public async Task An_imported_license_keeps_its_original_purchase_date_and_is_issued_and_signed_at_it()
    {
        var license = await ImportAsync(Existing());

        await using var db = _fx.Db();
        var stored = await db.Licenses.SingleAsync();
        Assert.Equal(license.Id, stored.Id);
        Assert.Equal((LicenseSource.Imported, LicenseStatus.Active, 5, 10), (stored.Source, stored.Status, stored.Major, stored.Seats));
        Assert.Equal(new DateTimeOffset(2024, 3, 1, 0, 0, 0, TimeSpan.Zero), stored.IssuedAt);
        Assert.Null(stored.OrderId);
        var claims = _fx.Signer.LastFor(license.Id);
        Assert.Equal(stored.IssuedAt, claims.IssuedAt);
        Assert.Equal((5, 10, "Contoso Ltd"), (claims.Major, claims.Seats, claims.Licensee));
        Assert.Null(claims.ExpiresAt);
        Assert.StartsWith($"test-key.{license.Id:N}.", stored.Key);
    }

    [Fact]
    public async Task R2_imported_seats_count_for_their_major_and_stack_with_other_licenses_of_it_only()
    {
        await ImportAsync(Existing(seats: 10));
        await ImportAsync(Existing(seats: 5, reference: "INV-8"));
        await _fx.PurchaseAsync(_fx.Contoso, 25);

        Assert.Equal(15, await _fx.CapacityAsync(_fx.Contoso, 5));
        Assert.Equal(25, await _fx.CapacityAsync(_fx.Contoso, 6));
    }

    [Fact]
    public async Task R6_an_imported_older_license_is_upgraded_to_the_current_major_at_the_upgrade_price()
    {
        var imported = await ImportAsync(Existing(major: 5, seats: 25));

        await using (var db = _fx.Db())
        {
            var offer = Assert.Single(await UpgradeOffers.ForOrganizationAsync(db, _fx.Contoso.Id));
            Assert.Equal((imported.Id, 5, 6), (offer.LicenseId, offer.FromMajor, offer.ToMajor));
            var quote = await _fx.Get<PricingService>().PriceAsync(db, _fx.Contoso.Id, _fx.UpgradeCart(imported));
            Assert.Equal(DomainFixture.Usd(97_500 / 2), Assert.Single(quote.Lines).UnitListPrice);
            Assert.Equal(DomainFixture.Usd(48_750), quote.Total);
        }
        await _fx.UpgradeAsync(imported);

        Assert.Equal(0, await _fx.CapacityAsync(_fx.Contoso, 5));
        Assert.Equal(25, await _fx.CapacityAsync(_fx.Contoso, 6));
        await using var check = _fx.Db();
        Assert.Equal(LicenseStatus.Upgraded, (await check.Licenses.SingleAsync(l => l.Id == imported.Id)).Status);
    }

    [Fact]
    public async Task R8_an_old_imported_purchase_gives_no_support_from_today()
    {
        var license = await ImportAsync(Existing(purchasedOn: March2024));

        await using var db = _fx.Db();
        var supportEnd = await LicensingService.SupportEndsOnAsync(db, _fx.Contoso.Id);
        Assert.Equal(new DateOnly(2025, 3, 1), supportEnd);
        Assert.True(supportEnd < DateOnly.FromDateTime(DomainFixture.Start.UtcDateTime));
        Assert.Equal(supportEnd, _fx.Signer.LastFor(license.Id).SupportEndsOn);
    }

    [Fact]
    public async Task R8_a_purchase_made_in_the_last_year_before_Portal_gives_support_until_a_year_after_it()
    {
        var boughtOn = DateOnly.FromDateTime(DomainFixture.Start.AddDays(-100).UtcDateTime);

        var license = await ImportAsync(Existing(major: 6, purchasedOn: boughtOn));

        await using var db = _fx.Db();
        var expected = boughtOn.AddDays(365);
        Assert.Equal(expected, await LicensingService.SupportEndsOnAsync(db, _fx.Contoso.Id));
        Assert.Equal(expected, _fx.Signer.LastFor(license.Id).SupportEndsOn);
    }

    [Fact]
    public async Task R8_importing_an_old_license_does_not_shorten_the_support_a_later_purchase_gives()
    {
        await _fx.PurchaseAsync(_fx.Contoso, 5);

        var license = await ImportAsync(Existing(purchasedOn: March2024));

        var fromPurchase = DateOnly.FromDateTime(DomainFixture.Start.AddDays(365).UtcDateTime);
        await using var db = _fx.Db();
        Assert.Equal(fromPurchase, await LicensingService.SupportEndsOnAsync(db, _fx.Contoso.Id));
        Assert.Equal(fromPurchase, _fx.Signer.LastFor(license.Id).SupportEndsOn);
    }

    [Theory]
    [InlineData(7, 10, "2024-03-01", "has no major version 7; the current one is 6")]
    [InlineData(0, 10, "2024-03-01", "has no major version 0")]
    [InlineData(5, 0, "2024-03-01", "at least one seat")]
    [InlineData(5, -3, "2024-03-01", "at least one seat")]
    [InlineData(5, 10, "2026-11-30", "2026-11-30 is in the future")]
    [InlineData(5, 10, "1999-12-31", "before 2000-01-01")]
    public async Task An_impossible_license_is_refused_with_a_clear_message_and_nothing_is_stored(int major, int seats, string purchasedOn, string message)
    {
        var error = await Assert.ThrowsAsync<DomainException>(() => ImportAsync(Existing(major, seats, DateOnly.Parse(purchasedOn))));

        Assert.Contains(message, error.Message);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task Today_and_any_major_up_to_the_current_one_can_be_imported()
    {
        var today = DateOnly.FromDateTime(DomainFixture.Start.UtcDateTime);

        await ImportAsync(Existing(major: 1, purchasedOn: License.EarliestImportedPurchase));
        await ImportAsync(Existing(major: 6, purchasedOn: today));

        Assert.Equal(10, await _fx.CapacityAsync(_fx.Contoso, 1));
        Assert.Equal(10, await _fx.CapacityAsync(_fx.Contoso, 6));
    }

    [Theory]
    [InlineData("Line one\nline two")]
    [InlineData("Tab\there")]
    public async Task A_reference_that_is_not_one_line_of_text_is_refused(string reference)
    {
        var error = await Assert.ThrowsAsync<DomainException>(() => ImportAsync(Existing(reference: reference)));

        Assert.Contains("one line of text", error.Message);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task A_reference_longer_than_100_characters_is_refused()
    {
        var error = await Assert.ThrowsAsync<DomainException>(() => ImportAsync(Existing(reference: new string('x', 101))));

        Assert.Contains("at most 100 characters", error.Message);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task The_same_license_is_imported_once_even_after_it_was_upgraded()
    {
        var first = await ImportAsync(Existing(reference: "INV-7"));
        await _fx.UpgradeAsync(first);

        var again = await Assert.ThrowsAsync<DomainException>(() => ImportAsync(Existing(reference: " inv-7 ")));

        Assert.Equal($"This license was already imported on 2026-11-29 (license {first.Id}).", again.Message);
        await using var check = _fx.Db();
        Assert.Equal(1, await check.Licenses.CountAsync(l => l.Source == LicenseSource.Imported));
    }

    [Fact]
    public async Task Without_a_reference_a_repeat_is_refused_too()
    {
        await ImportAsync(Existing(reference: null));

        var again = await Assert.ThrowsAsync<DomainException>(() => ImportAsync(Existing(reference: "  ")));

        Assert.Contains("already imported", again.Message);
    }

    [Fact]
    public async Task Licenses_that_differ_in_organization_seats_date_major_or_reference_are_all_imported()
    {
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam");

        await ImportAsync(Existing());
        await ImportAsync(Existing(organizationId: fabrikam.Id));
        await ImportAsync(Existing(seats: 11));
        await ImportAsync(Existing(purchasedOn: March2024.AddDays(1)));
        await ImportAsync(Existing(major: 4));
        await ImportAsync(Existing(reference: "INV-8"));
        await ImportAsync(Existing(reference: null));

        await using var db = _fx.Db();
        Assert.Equal(7, await db.Licenses.CountAsync());
    }

    [Fact]
    public async Task Two_imports_of_the_same_license_at_once_store_one()
    {
        // Each on its own thread: SQLite's driver runs "async" calls synchronously, so awaiting alone would take turns.
        using var start = new Barrier(4);
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            start.SignalAndWait();
            try
            {
                await ImportAsync(Existing());
                return true;
            }
            catch (DomainException)
            {
                return false;
            }
        })));

        Assert.Equal(1, results.Count(imported => imported));
        await using var db = _fx.Db();
        Assert.Equal(1, await db.Licenses.CountAsync());
    }

    [Theory]
    [InlineData(Roles.Sales)]
    [InlineData(Roles.Support)]
    [InlineData(Roles.Customer)]
    public async Task Only_an_admin_imports_a_license(string role)
    {
        var actor = Actor.Person($"{role}-1", $"{role}@example.com", role);

        var error = await Assert.ThrowsAsync<DomainException>(() => ImportAsync(Existing(), actor));

        Assert.Equal("Only Admin staff can import existing licenses.", error.Message);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task Each_import_is_in_the_customers_history_with_its_date_and_reference()
    {
        var license = await ImportAsync(Existing(reference: "INV-2024-0117"));
        await ImportAsync(Existing(seats: 1, reference: null));

        await using var db = _fx.Db();
        var history = await AuditLog.LicenseHistoryAsync(db, _fx.Contoso.Id, page: 1, pageSize: 10);
        Assert.Equal(
        [
            "OfficeStatus 5.x license for 1 user imported (bought 2024-03-01).",
            "OfficeStatus 5.x license for 10 users imported (bought 2024-03-01, reference INV-2024-0117).",
        ], history.Entries.Select(e => e.Summary));
        Assert.All(history.Entries, e => Assert.Equal((LicensingService.LicenseImported, DomainFixture.Admin.Name), (e.Action, e.ActorName)));
        var audit = await db.AuditEvents.SingleAsync(e => e.EntityId == license.Id.ToString());
        Assert.True(audit.VisibleToCustomer);
        Assert.Equal(_fx.Contoso.Id, audit.OrganizationId);
        Assert.Equal(nameof(License), audit.EntityType);
    }

    [Fact]
    public async Task Formula_text_in_a_reference_is_kept_as_plain_text()
    {
        const string formula = "=cmd|' /C calc'!A0";

        await ImportAsync(Existing(reference: formula));

        await using var db = _fx.Db();
        var entry = Assert.Single((await AuditLog.LicenseHistoryAsync(db, _fx.Contoso.Id, 1, 10)).Entries);
        Assert.Equal($"OfficeStatus 5.x license for 10 users imported (bought 2024-03-01, reference {formula}).", entry.Summary);
        var details = await db.AuditEvents.Select(e => e.Details).SingleAsync();
        Assert.Equal(formula, JsonDocument.Parse(details!).RootElement.GetProperty("reference").GetString());
    }
}
