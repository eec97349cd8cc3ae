using Microsoft.EntityFrameworkCore;
using Portal.Domain;
using Portal.Domain.Accounts;
using Portal.Domain.Discounts;
using Portal.Domain.History;
using Portal.Domain.Keys;
using Portal.Domain.Licensing;
using Portal.Domain.Pricing;
using Portal.Tests.Builders;

namespace Portal.Tests.Domain;

/// <summary>The vendor's licensing rules R1–R10 and R12 (docs/rules.md#rules), each proven on a real SQLite database.</summary>
public sealed class LicensingRulesTests : IAsyncLifetime
{
    private DomainFixture _fx = null!;

    public async Task InitializeAsync() => _fx = await DomainFixture.CreateAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    [Fact]
    public async Task R1_only_enabled_users_need_seats()
    {
        await _fx.PurchaseAsync(_fx.Contoso, 25);
        var seats = await _fx.CapacityAsync(_fx.Contoso, 6);

        var withManyDisabled = SeatCoverage.For(seats, enabledUsers: 25, disabledUsers: 400);
        var oneTooMany = SeatCoverage.For(seats, enabledUsers: 26, disabledUsers: 0);

        Assert.True(withManyDisabled.IsCovered);
        Assert.False(oneTooMany.IsCovered);
        Assert.Equal(1, oneTooMany.Shortfall);
    }

    [Fact]
    public async Task R2_seats_of_one_major_version_stack()
    {
        await _fx.PurchaseAsync(_fx.Contoso, 25, 10);

        Assert.Equal(35, await _fx.CapacityAsync(_fx.Contoso, 6));
    }

    [Fact]
    public async Task R2_different_major_versions_never_add_up()
    {
        await _fx.PurchaseAsync(_fx.Contoso, 10);
        await _fx.ReleaseAsync(7, 0);
        await _fx.PurchaseAsync(_fx.Contoso, 5);

        Assert.Equal(10, await _fx.CapacityAsync(_fx.Contoso, 6));
        Assert.Equal(5, await _fx.CapacityAsync(_fx.Contoso, 7));
    }

    [Fact]
    public async Task R2_another_organizations_seats_never_count()
    {
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam");
        await _fx.PurchaseAsync(fabrikam, 100);
        await _fx.PurchaseAsync(_fx.Contoso, 5);

        Assert.Equal(5, await _fx.CapacityAsync(_fx.Contoso, 6));
    }

    [Fact]
    public async Task R3_new_seats_are_sold_for_the_current_major_only()
    {
        await _fx.ReleaseAsync(7, 0);
        var licenses = await _fx.PurchaseAsync(_fx.Contoso, 10);
        await using var db = _fx.Db();

        var quote = await _fx.Get<PricingService>().PriceAsync(db, _fx.Contoso.Id, _fx.Cart((10, 1)));

        Assert.Equal(7, Assert.Single(licenses).Major);
        Assert.Equal(7, quote.Major);
        Assert.Contains("OfficeStatus 7", Assert.Single(quote.Lines).Description);
    }

    [Fact]
    public async Task R3_a_pack_that_is_not_on_sale_is_refused()
    {
        await using var db = _fx.Db();

        var error = await Assert.ThrowsAsync<DomainException>(() => _fx.Get<PricingService>().PriceAsync(db, _fx.Contoso.Id,
            new Cart(_fx.OfficeStatus.Id, [new CartPack(Guid.NewGuid(), 1)], [])));

        Assert.Contains("not sold", error.Message);
    }

    [Fact]
    public async Task R4_purchased_licenses_never_expire()
    {
        var license = Assert.Single(await _fx.PurchaseAsync(_fx.Contoso, 5));
        _fx.Clock.Advance(TimeSpan.FromDays(365 * 20));

        var claims = _fx.Signer.LastFor(license.Id);
        Assert.Equal(LicenseKind.Perpetual, claims.Kind);
        Assert.Null(claims.ExpiresAt);
        Assert.Equal(5, await _fx.CapacityAsync(_fx.Contoso, 6));
    }

    [Fact]
    public async Task R5_a_new_minor_release_changes_nothing_for_license_holders()
    {
        var license = Assert.Single(await _fx.PurchaseAsync(_fx.Contoso, 25));

        await _fx.ReleaseAsync(6, 2);

        Assert.Equal(25, await _fx.CapacityAsync(_fx.Contoso, 6));
        Assert.Equal(6, _fx.Signer.LastFor(license.Id).Major);
        await using var db = _fx.Db();
        var error = await Assert.ThrowsAsync<DomainException>(() => _fx.Get<PricingService>().PriceAsync(db, _fx.Contoso.Id, _fx.UpgradeCart(license)));
        Assert.Contains("already for OfficeStatus 6", error.Message);
    }

    [Fact]
    public async Task R6_an_upgrade_costs_the_upgrade_percent_of_the_current_price_of_the_same_seats()
    {
        var old = Assert.Single(await _fx.PurchaseAsync(_fx.Contoso, 25));
        await _fx.ReleaseAsync(7, 0);
        await using var db = _fx.Db();

        var quote = await _fx.Get<PricingService>().PriceAsync(db, _fx.Contoso.Id, _fx.UpgradeCart(old));

        var line = Assert.Single(quote.Lines);
        Assert.Equal(LineKind.Upgrade, line.Kind);
        Assert.Equal(DomainFixture.Usd(97_500 / 2), line.UnitListPrice);
        Assert.Equal(DomainFixture.Usd(48_750), quote.Total);
    }

    [Fact]
    public async Task R6_upgrading_marks_the_old_license_upgraded_and_issues_one_for_the_current_major()
    {
        var old = Assert.Single(await _fx.PurchaseAsync(_fx.Contoso, 25));
        await _fx.ReleaseAsync(7, 0);

        await _fx.UpgradeAsync(old);

        await using var check = _fx.Db();
        var licenses = await check.Licenses.AsNoTracking().ToListAsync();
        var upgraded = licenses.Single(l => l.Id == old.Id);
        var replacement = licenses.Single(l => l.Id != old.Id);
        Assert.Equal(LicenseStatus.Upgraded, upgraded.Status);
        Assert.Equal(replacement.Id, upgraded.ReplacedById);
        Assert.Equal((7, 25, LicenseSource.Upgrade, old.Id), (replacement.Major, replacement.Seats, replacement.Source, replacement.UpgradedFromId));
        Assert.Equal(0, await _fx.CapacityAsync(_fx.Contoso, 6));
        Assert.Equal(25, await _fx.CapacityAsync(_fx.Contoso, 7));
    }

    [Fact]
    public async Task R6_an_upgraded_license_cannot_be_upgraded_again()
    {
        var old = Assert.Single(await _fx.PurchaseAsync(_fx.Contoso, 5));
        await _fx.ReleaseAsync(7, 0);
        await using var db = _fx.Db();
        var tracked = await db.Licenses.SingleAsync(l => l.Id == old.Id);
        var organization = await db.Organizations.SingleAsync();
        var product = await db.Products.Include(p => p.Packs).SingleAsync();
        _fx.Get<LicensingService>().Upgrade(db, organization, tracked, product, Guid.NewGuid(), Actor.Stripe);

        var error = Assert.Throws<DomainException>(() =>
            _fx.Get<LicensingService>().Upgrade(db, organization, tracked, product, Guid.NewGuid(), Actor.Stripe));

        Assert.Contains("upgraded and cannot be upgraded", error.Message);
    }

    [Fact]
    public async Task R7_the_largest_valid_discount_applies_and_only_one()
    {
        var nonprofit = await _fx.ApprovedDiscountAsync(DiscountKind.Nonprofit, percent: 40);
        await _fx.ApprovedDiscountAsync(DiscountKind.CrossGrade, percent: 25);
        await using var db = _fx.Db();

        var quote = await _fx.Get<PricingService>().PriceAsync(db, _fx.Contoso.Id, _fx.Cart((10, 2)));

        Assert.Equal(nonprofit.Id, quote.Discount!.ApplicationId);
        Assert.Equal(40, quote.Discount.Percent);
        Assert.Equal(DomainFixture.Usd(2 * 42_000), quote.Subtotal);
        Assert.Equal(DomainFixture.Usd(2 * (42_000 - 16_800)), quote.Total);
        Assert.Equal(DomainFixture.Usd(quote.Subtotal.Minor - quote.Total.Minor), quote.DiscountTotal);
        Assert.Contains("40 % discount", quote.Lines.Single().Description);
    }

    [Fact]
    public async Task R7_expired_denied_and_pending_discounts_do_not_apply()
    {
        await _fx.ApprovedDiscountAsync(DiscountKind.Educational, percent: 40, validUntil: _fx.Clock.GetUtcNow().AddDays(10));
        var denied = await _fx.Get<DiscountService>().SubmitAsync(_fx.Contoso.Id, DiscountKind.Governmental, "City council", [], DomainFixture.CustomerIn(_fx.Contoso.Id));
        await _fx.Get<DiscountService>().DenyAsync(denied.Id, "Not a public body", DomainFixture.Sales);
        await _fx.Get<DiscountService>().SubmitAsync(_fx.Contoso.Id, DiscountKind.Nonprofit, "Charity no. 123", [], DomainFixture.CustomerIn(_fx.Contoso.Id));
        _fx.Clock.Advance(TimeSpan.FromDays(11));
        await using var db = _fx.Db();

        var quote = await _fx.Get<PricingService>().PriceAsync(db, _fx.Contoso.Id, _fx.Cart((1, 1)));

        Assert.Null(quote.Discount);
        Assert.Equal(DomainFixture.Usd(4_900), quote.Total);
    }

    [Fact]
    public async Task R7_a_cross_grade_discount_is_used_up_by_one_order()
    {
        var crossGrade = await _fx.ApprovedDiscountAsync(DiscountKind.CrossGrade, percent: 25);
        await using (var db = _fx.Db())
        {
            await _fx.Get<DiscountService>().ConsumeAsync(db, crossGrade.Id, Guid.NewGuid(), Actor.Stripe);
            await db.SaveChangesAsync();
        }
        await using var check = _fx.Db();

        var quote = await _fx.Get<PricingService>().PriceAsync(check, _fx.Contoso.Id, _fx.Cart((1, 1)));

        Assert.Null(quote.Discount);
        Assert.Equal(DiscountStatus.Consumed, (await check.DiscountApplications.SingleAsync()).Status);
    }

    [Fact]
    public async Task R8_support_ends_one_year_after_the_latest_purchase()
    {
        await using var db = _fx.Db();
        Assert.Null(await LicensingService.SupportEndsOnAsync(db, _fx.Contoso.Id));

        await _fx.PurchaseAsync(_fx.Contoso, 5);
        _fx.Clock.Advance(TimeSpan.FromDays(100));
        var later = Assert.Single(await _fx.PurchaseAsync(_fx.Contoso, 10));

        var expected = DateOnly.FromDateTime(DomainFixture.Start.AddDays(100 + 365).UtcDateTime);
        Assert.Equal(expected, await LicensingService.SupportEndsOnAsync(db, _fx.Contoso.Id));
        Assert.Equal(expected, _fx.Signer.LastFor(later.Id).SupportEndsOn);
    }

    [Fact]
    public async Task R8_a_complimentary_license_does_not_extend_support()
    {
        await _fx.PurchaseAsync(_fx.Contoso, 5);
        _fx.Clock.Advance(TimeSpan.FromDays(200));
        await using var db = _fx.Db();

        var gift = await _fx.Get<LicensingService>().GrantComplimentaryAsync(db, _fx.Contoso.Id, _fx.OfficeStatus.Id, 6, 3,
            "Replacement for a lost key", DomainFixture.Admin);

        var expected = DateOnly.FromDateTime(DomainFixture.Start.AddDays(365).UtcDateTime);
        Assert.Equal(expected, await LicensingService.SupportEndsOnAsync(db, _fx.Contoso.Id));
        Assert.Equal(expected, _fx.Signer.LastFor(gift.Id).SupportEndsOn);
        Assert.Equal(8, await _fx.CapacityAsync(_fx.Contoso, 6));
    }

    [Fact]
    public async Task A_complimentary_license_needs_a_reason_that_fits_the_history()
    {
        await using var db = _fx.Db();
        var licensing = _fx.Get<LicensingService>();

        var missing = await Assert.ThrowsAsync<DomainException>(() =>
            licensing.GrantComplimentaryAsync(db, _fx.Contoso.Id, _fx.OfficeStatus.Id, 6, 3, "  ", DomainFixture.Admin));
        var tooLong = await Assert.ThrowsAsync<DomainException>(() =>
            licensing.GrantComplimentaryAsync(db, _fx.Contoso.Id, _fx.OfficeStatus.Id, 6, 3, new string('x', 301), DomainFixture.Admin));

        Assert.Equal("Say why the complimentary license is granted.", missing.Message);
        Assert.Equal("Say why in at most 300 characters.", tooLong.Message);
        Assert.False(await db.Licenses.AnyAsync());
    }

    [Fact]
    public async Task R10_a_revoked_license_stops_counting_and_history_says_why()
    {
        var licenses = await _fx.PurchaseAsync(_fx.Contoso, 25, 10);
        await using (var db = _fx.Db())
        {
            var refunded = await db.Licenses.SingleAsync(l => l.Id == licenses[0].Id);
            _fx.Get<LicensingService>().Revoke(db, refunded, "Payment refunded in Stripe", Actor.Stripe);
            await db.SaveChangesAsync();
        }

        Assert.Equal(10, await _fx.CapacityAsync(_fx.Contoso, 6));
        await using var check = _fx.Db();
        var history = await AuditLog.LicenseHistoryAsync(check, _fx.Contoso.Id, page: 1, pageSize: 10);
        Assert.Contains("revoked: Payment refunded in Stripe", history.Entries[0].Summary);
        Assert.Equal("Stripe", history.Entries[0].ActorName);
    }

    [Fact]
    public async Task R10_a_license_is_revoked_only_once()
    {
        var license = Assert.Single(await _fx.PurchaseAsync(_fx.Contoso, 5));
        await using var db = _fx.Db();
        var tracked = await db.Licenses.SingleAsync(l => l.Id == license.Id);
        _fx.Get<LicensingService>().Revoke(db, tracked, "Refunded", Actor.Stripe);

        var error = Assert.Throws<DomainException>(() => _fx.Get<LicensingService>().Revoke(db, tracked, "Disputed", Actor.Stripe));

        Assert.Contains("already revoked", error.Message);
    }

    [Fact]
    public async Task R12_prices_are_integer_minor_units_computed_by_the_server_with_one_rounding_rule()
    {
        await _fx.ApprovedDiscountAsync(DiscountKind.Governmental, percent: 33);
        await using var db = _fx.Db();

        var quote = await _fx.Get<PricingService>().PriceAsync(db, _fx.Contoso.Id, _fx.Cart((1, 3), (5, 1)));

        // 33 % of 4 900 = 1 617 exactly; 33 % of 22 500 = 7 425 exactly; each unit is discounted, then multiplied.
        Assert.Equal("USD", quote.Currency);
        Assert.Equal([DomainFixture.Usd(3_283), DomainFixture.Usd(15_075)], quote.Lines.Select(l => l.UnitPrice));
        Assert.Equal(DomainFixture.Usd(3 * 3_283 + 15_075), quote.Total);
        Assert.Equal(DomainFixture.Usd(3 * 4_900 + 22_500), quote.Subtotal);
        Assert.Equal(quote.Lines.Sum(l => l.Total.Minor), quote.Total.Minor);
    }

    [Theory]
    [InlineData(4_900, 25, 1_225)]
    [InlineData(4_901, 25, 1_225)]
    [InlineData(4_902, 25, 1_226)]
    [InlineData(50, 1, 1)]
    [InlineData(49, 1, 0)]
    [InlineData(97_500, 50, 48_750)]
    public void R12_percentages_round_half_away_from_zero_to_the_minor_unit(long amount, int percent, long expected)
    {
        Assert.Equal(expected, PricingService.PercentOf(amount, percent));
    }
}
