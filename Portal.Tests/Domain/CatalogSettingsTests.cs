using Microsoft.EntityFrameworkCore;
using Portal.Domain;
using Portal.Domain.Accounts;
using Portal.Domain.Catalog;
using Portal.Domain.Discounts;
using Portal.Domain.Evaluations;
using Portal.Domain.Ordering;
using Portal.Tests.Builders;

namespace Portal.Tests.Domain;

/// <summary>
/// The admin's catalog settings kept in the database: evaluation terms per product (R9), the discount defaults (R7),
/// the upgrade price (R6) and pack prices — validated, audited with what they were, for admins only, and never
/// reaching back into placed orders.
/// </summary>
public sealed class CatalogSettingsTests : IAsyncLifetime
{
    private DomainFixture _fx = null!;

    public async Task InitializeAsync() => _fx = await DomainFixture.CreateAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    private CatalogService Catalog => _fx.Get<CatalogService>();

    private async Task<List<string>> CatalogEventsAsync()
    {
        await using var db = _fx.Db();
        return await db.AuditEvents.Where(e => e.Action == CatalogService.ChangedAction).OrderBy(e => e.Id).Select(e => e.Summary).ToListAsync();
    }

    private async Task<Product> StoredProductAsync()
    {
        await using var db = _fx.Db();
        return await db.Products.AsNoTracking().Include(p => p.Packs).SingleAsync();
    }

    private async Task<DiscountDefaults> StoredDefaultsAsync()
    {
        await using var db = _fx.Db();
        return await DiscountService.DefaultsAsync(db);
    }

    [Fact]
    public async Task A_new_database_starts_with_the_documented_defaults()
    {
        var product = await StoredProductAsync();
        var defaults = await StoredDefaultsAsync();

        Assert.Equal(EvaluationTerms.Default, product.Evaluation);
        Assert.Equal((30, 250, 30, 90),
            (product.Evaluation.EvaluationDays, product.Evaluation.Seats, product.Evaluation.MaxExtensionDays, product.Evaluation.MaxEvaluationDays));
        Assert.Equal((40, 40, 20, 25, 365),
            (defaults.NonprofitPercent, defaults.EducationalPercent, defaults.GovernmentalPercent, defaults.CrossGradePercent, defaults.ValidityDays));
    }

    [Fact]
    public async Task R9_new_evaluation_terms_are_audited_and_govern_evaluations_started_afterwards()
    {
        await Catalog.ChangeEvaluationTermsAsync(_fx.OfficeStatus.Id, EvaluationTerms.Create(14, 50, 7, 28), DomainFixture.Admin);

        var evaluation = await _fx.Get<EvaluationService>().StartAsync(_fx.Contoso.Id, _fx.OfficeStatus.Id, DomainFixture.CustomerIn(_fx.Contoso.Id));

        Assert.Equal(DomainFixture.Start.AddDays(14), evaluation.ExpiresAt);
        Assert.Equal(50, evaluation.Seats);
        Assert.Equal(50, _fx.Signer.LastFor(evaluation.Id).Seats);
        Assert.Equal(
            ["OfficeStatus evaluation terms changed: evaluation days 30 → 14, evaluation users 250 → 50, most days per extension 30 → 7, longest evaluation in days 90 → 28."],
            await CatalogEventsAsync());
    }

    [Fact]
    public async Task R9_extension_caps_come_from_the_product_as_it_is_now()
    {
        var evaluations = _fx.Get<EvaluationService>();
        var evaluation = await evaluations.StartAsync(_fx.Contoso.Id, _fx.OfficeStatus.Id, DomainFixture.CustomerIn(_fx.Contoso.Id));
        await Catalog.ChangeEvaluationTermsAsync(_fx.OfficeStatus.Id, EvaluationTerms.Create(30, 250, 10, 35), DomainFixture.Admin);

        var tooMany = await Assert.ThrowsAsync<DomainException>(() =>
            evaluations.RequestExtensionAsync(_fx.Contoso.Id, evaluation.Id, 11, "Pilot", DomainFixture.CustomerIn(_fx.Contoso.Id)));
        var request = await evaluations.RequestExtensionAsync(_fx.Contoso.Id, evaluation.Id, 10, "Pilot", DomainFixture.CustomerIn(_fx.Contoso.Id));
        var pastTheLimit = await Assert.ThrowsAsync<DomainException>(() => evaluations.GrantAsync(request.Id, 10, null, DomainFixture.Support));

        Assert.Equal("Ask for between 1 and 10 days.", tooMany.Message);
        Assert.Contains("the limit is 35 days", pastTheLimit.Message);
        var granted = await evaluations.GrantAsync(request.Id, 5, null, DomainFixture.Support);
        Assert.Equal(DomainFixture.Start.AddDays(35), granted.ExpiresAt);
    }

    [Fact]
    public async Task R9_an_evaluation_keeps_the_seats_it_started_with_when_its_key_is_signed_again()
    {
        var evaluations = _fx.Get<EvaluationService>();
        var evaluation = await evaluations.StartAsync(_fx.Contoso.Id, _fx.OfficeStatus.Id, DomainFixture.CustomerIn(_fx.Contoso.Id));
        await Catalog.ChangeEvaluationTermsAsync(_fx.OfficeStatus.Id, EvaluationTerms.Create(30, 25, 30, 90), DomainFixture.Admin);
        var request = await evaluations.RequestExtensionAsync(_fx.Contoso.Id, evaluation.Id, 10, "Pilot", DomainFixture.CustomerIn(_fx.Contoso.Id));

        await evaluations.GrantAsync(request.Id, 10, null, DomainFixture.Support);

        Assert.Equal(250, _fx.Signer.LastFor(evaluation.Id).Seats);
        Assert.Equal(DomainFixture.Start.AddDays(40), _fx.Signer.LastFor(evaluation.Id).ExpiresAt);
    }

    public static TheoryData<int, int, int, int, string> InconsistentTerms() => new()
    {
        { 0, 250, 30, 90, "An evaluation lasts between 1 and 3650 days." },
        { 30, 0, 30, 90, "An evaluation key allows between 1 and 100000 users." },
        { 30, 250, 0, 90, "Support must be able to grant at least 1 day." },
        { 30, 250, 100, 90, "One extension cannot be longer than the longest evaluation (90 days)." },
        { 60, 250, 30, 45, "The longest evaluation cannot be shorter than a new one (60 days)." },
        { 30, 250, 30, 4000, "The longest evaluation is between 1 and 3650 days." },
    };

    [Theory]
    [MemberData(nameof(InconsistentTerms))]
    public void R9_inconsistent_evaluation_terms_are_refused_with_what_is_wrong(int days, int seats, int maxExtension, int maxEvaluation, string message)
    {
        var error = Assert.Throws<DomainException>(() => EvaluationTerms.Create(days, seats, maxExtension, maxEvaluation));

        Assert.Equal(message, error.Message);
        Assert.Equal([message], EvaluationTerms.Check(days, seats, maxExtension, maxEvaluation).Values);
    }

    [Fact]
    public async Task R9_unchanged_evaluation_terms_are_refused_and_nothing_is_recorded()
    {
        var error = await Assert.ThrowsAsync<DomainException>(() =>
            Catalog.ChangeEvaluationTermsAsync(_fx.OfficeStatus.Id, EvaluationTerms.Create(30, 250, 30, 90), DomainFixture.Admin));

        Assert.Equal("These already are the evaluation terms of OfficeStatus.", error.Message);
        Assert.Empty(await CatalogEventsAsync());
    }

    [Fact]
    public async Task R7_sales_approves_with_the_defaults_an_admin_set()
    {
        await Catalog.ChangeDiscountPercentAsync(DiscountKind.Nonprofit, 35, DomainFixture.Admin);
        await Catalog.ChangeDiscountValidityAsync(180, DomainFixture.Admin);
        var discounts = _fx.Get<DiscountService>();
        var application = await discounts.SubmitAsync(_fx.Contoso.Id, DiscountKind.Nonprofit, "Charity 1234", [], DomainFixture.CustomerIn(_fx.Contoso.Id));

        var approved = await discounts.ApproveAsync(application.Id, percent: null, validUntil: null, note: null, DomainFixture.Sales);

        Assert.Equal(35, approved.Percent);
        Assert.Equal(DomainFixture.Start.AddDays(180), approved.ValidUntil);
        Assert.Equal(
            ["Nonprofit discounts now start at 35 % (was 40 %).", "Discount approvals are now valid for 180 days by default (was 365 days)."],
            await CatalogEventsAsync());
        var defaults = await StoredDefaultsAsync();
        Assert.Equal((35, 40, 20, 25, 180),
            (defaults.NonprofitPercent, defaults.EducationalPercent, defaults.GovernmentalPercent, defaults.CrossGradePercent, defaults.ValidityDays));
    }

    [Theory]
    [InlineData(0, "A discount is between 1 and 100 percent.")]
    [InlineData(101, "A discount is between 1 and 100 percent.")]
    [InlineData(25, "The cross-grade discount already starts at 25 %.")]
    public async Task R7_a_default_percent_outside_1_to_100_or_unchanged_is_refused(int percent, string message)
    {
        var error = await Assert.ThrowsAsync<DomainException>(() => Catalog.ChangeDiscountPercentAsync(DiscountKind.CrossGrade, percent, DomainFixture.Admin));

        Assert.Equal(message, error.Message);
        Assert.Equal(25, (await StoredDefaultsAsync()).CrossGradePercent);
        Assert.Empty(await CatalogEventsAsync());
    }

    [Theory]
    [InlineData(0, "An approval is valid for between 1 and 3650 days.")]
    [InlineData(-5, "An approval is valid for between 1 and 3650 days.")]
    [InlineData(3651, "An approval is valid for between 1 and 3650 days.")]
    [InlineData(365, "Approvals are already valid for 365 days by default.")]
    public async Task R7_a_default_validity_that_is_not_a_positive_number_of_days_is_refused(int days, string message)
    {
        var error = await Assert.ThrowsAsync<DomainException>(() => Catalog.ChangeDiscountValidityAsync(days, DomainFixture.Admin));

        Assert.Equal(message, error.Message);
        Assert.Equal(365, (await StoredDefaultsAsync()).ValidityDays);
        Assert.Empty(await CatalogEventsAsync());
    }

    [Fact]
    public async Task R6_an_upgrade_percent_change_says_what_it_was_and_bad_percentages_are_refused()
    {
        await Catalog.ChangeUpgradePercentAsync(_fx.OfficeStatus.Id, 40, DomainFixture.Admin);

        var tooHigh = await Assert.ThrowsAsync<DomainException>(() => Catalog.ChangeUpgradePercentAsync(_fx.OfficeStatus.Id, 101, DomainFixture.Admin));
        var negative = await Assert.ThrowsAsync<DomainException>(() => Catalog.ChangeUpgradePercentAsync(_fx.OfficeStatus.Id, -1, DomainFixture.Admin));

        Assert.Equal("The upgrade price is a percentage between 0 and 100.", tooHigh.Message);
        Assert.Equal(tooHigh.Message, negative.Message);
        Assert.Equal(40, (await StoredProductAsync()).UpgradePercent);
        Assert.Equal(["OfficeStatus upgrades now cost 40 % of the list price (was 50 %)."], await CatalogEventsAsync());
    }

    [Fact]
    public async Task A_pack_that_exists_cannot_be_added_again_and_a_missing_one_cannot_be_priced()
    {
        var duplicate = await Assert.ThrowsAsync<DomainException>(() => Catalog.AddPackAsync(_fx.OfficeStatus.Id, 10, DomainFixture.Usd(1_000), DomainFixture.Admin));
        var missing = await Assert.ThrowsAsync<DomainException>(() => Catalog.ChangePackPriceAsync(_fx.OfficeStatus.Id, 7, DomainFixture.Usd(1_000), DomainFixture.Admin));
        var negative = await Assert.ThrowsAsync<DomainException>(() => Catalog.ChangePackPriceAsync(_fx.OfficeStatus.Id, 10, DomainFixture.Usd(-1), DomainFixture.Admin));

        Assert.Equal("OfficeStatus already has a 10-user pack.", duplicate.Message);
        Assert.Equal("OfficeStatus has no 7-user pack.", missing.Message);
        Assert.Equal("A list price cannot be negative.", negative.Message);
        Assert.Equal(7, (await StoredProductAsync()).Packs.Count);
        Assert.Equal(DomainFixture.Usd(42_000), (await StoredProductAsync()).Packs.Single(p => p.Seats == 10).ListPrice);
        Assert.Empty(await CatalogEventsAsync());
    }

    public static TheoryData<string, string> NotAdminsByChange()
    {
        var data = new TheoryData<string, string>();
        foreach (var role in new[] { Roles.Sales, Roles.Support, Roles.Customer })
        {
            foreach (var change in new[] { "release", "upgrade percent", "pack price", "add pack", "evaluation terms", "discount percent", "discount validity" })
                data.Add(role, change);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(NotAdminsByChange))]
    public async Task Only_an_admin_changes_any_catalog_setting_and_a_refusal_stores_nothing(string role, string change)
    {
        var actor = role switch
        {
            Roles.Sales => DomainFixture.Sales,
            Roles.Support => DomainFixture.Support,
            _ => DomainFixture.Customer,
        };
        var productId = _fx.OfficeStatus.Id;
        Func<Task> attempt = change switch
        {
            "release" => () => Catalog.ReleaseAsync(productId, 7, 0, actor),
            "upgrade percent" => () => Catalog.ChangeUpgradePercentAsync(productId, 30, actor),
            "pack price" => () => Catalog.ChangePackPriceAsync(productId, 10, DomainFixture.Usd(1), actor),
            "add pack" => () => Catalog.AddPackAsync(productId, 500, DomainFixture.Usd(1), actor),
            "evaluation terms" => () => Catalog.ChangeEvaluationTermsAsync(productId, EvaluationTerms.Create(60, 10, 60, 120), actor),
            "discount percent" => () => Catalog.ChangeDiscountPercentAsync(DiscountKind.Educational, 10, actor),
            _ => () => Catalog.ChangeDiscountValidityAsync(30, actor),
        };
        var before = await StoredProductAsync();
        var defaultsBefore = await StoredDefaultsAsync();

        var error = await Assert.ThrowsAsync<DomainException>(attempt);

        Assert.Equal("Only Admin staff can change the catalog.", error.Message);
        var after = await StoredProductAsync();
        Assert.Equal((before.CurrentVersion, before.UpgradePercent, before.Evaluation, before.Version), (after.CurrentVersion, after.UpgradePercent, after.Evaluation, after.Version));
        Assert.Equal(before.Packs.Select(p => (p.Seats, p.ListPrice.Minor)).Order(), after.Packs.Select(p => (p.Seats, p.ListPrice.Minor)).Order());
        Assert.Equal(defaultsBefore.Version, (await StoredDefaultsAsync()).Version);
        Assert.Empty(await CatalogEventsAsync());
    }

    [Fact]
    public async Task Price_changes_upgrade_percent_and_a_new_major_never_rewrite_placed_orders()
    {
        var paid = await _fx.Order().Packs((10, 2), (25, 1)).PaidAsync();
        var pending = await _fx.Order().Packs((5, 3)).PlaceAsync();
        var before = await OrdersAsync();

        await Catalog.ChangePackPriceAsync(_fx.OfficeStatus.Id, 10, DomainFixture.Usd(99_900), DomainFixture.Admin);
        await Catalog.ChangePackPriceAsync(_fx.OfficeStatus.Id, 5, DomainFixture.Usd(1_000), DomainFixture.Admin);
        await Catalog.ChangeUpgradePercentAsync(_fx.OfficeStatus.Id, 80, DomainFixture.Admin);
        await Catalog.ReleaseAsync(_fx.OfficeStatus.Id, 7, 0, DomainFixture.Admin);

        Assert.Equal(before, await OrdersAsync());
        Assert.Contains(before, o => o.Id == paid.Id && o.Total == DomainFixture.Usd(2 * 42_000 + 97_500) && o.Lines.Contains("10-user pack x2 at USD 420.00"));
        Assert.Contains(before, o => o.Id == pending.Id && o.Total == DomainFixture.Usd(3 * 22_500));
    }

    /// <summary>Every stored order and its lines, field by field, in a form that compares by value.</summary>
    private async Task<List<OrderSnapshot>> OrdersAsync()
    {
        await using var db = _fx.Db();
        var orders = await db.Orders.AsNoTracking().Include(o => o.Lines).ToListAsync();
        return orders.OrderBy(o => o.Id).Select(o => new OrderSnapshot(
                o.Id, o.Status, o.Subtotal, o.DiscountTotal, o.Total, o.Version,
                string.Join("; ", o.Lines.OrderBy(l => l.Seats).Select(l =>
                    $"{l.Description.Split(" – ").Last()} x{l.Quantity} at {l.UnitListPrice} less {l.UnitDiscount} = {l.UnitPrice}, {l.Kind}, {l.PackId}"))))
            .ToList();
    }

    private sealed record OrderSnapshot(Guid Id, OrderStatus Status, Money Subtotal, Money DiscountTotal, Money Total, Guid Version, string Lines);

    [Fact]
    public async Task Two_admins_saving_the_same_product_at_the_same_moment_cannot_both_win()
    {
        // The second admin's change was made on the product as it was before the first one saved.
        await using var stale = _fx.Db();
        var product = await stale.Products.Include(p => p.Packs).SingleAsync();
        await Catalog.ChangeUpgradePercentAsync(_fx.OfficeStatus.Id, 40, DomainFixture.Admin);

        product.ChangePackPrice(10, DomainFixture.Usd(1));

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => stale.SaveChangesAsync());
        Assert.Equal(DomainFixture.Usd(42_000), (await StoredProductAsync()).Packs.Single(p => p.Seats == 10).ListPrice);
    }
}
