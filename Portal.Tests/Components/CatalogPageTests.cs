using System.Reflection;
using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Portal.Components.Account;
using Portal.Components.Admin.Catalog;
using Portal.Domain.Accounts;
using Portal.Domain.Catalog;
using Portal.Domain.Discounts;
using Portal.Domain.Quotes;
using Portal.Tests.Builders;

namespace Portal.Tests.Components;

/// <summary>The admin's /admin/catalog page on the real catalog service and database.</summary>
public sealed class CatalogPageTests
{
    private static IElement Button(IRenderedComponent<CatalogPage> cut, string text) =>
        cut.FindAll("button").Single(b => b.TextContent.Trim() == text);

    private static IElement ButtonLabelled(IRenderedComponent<CatalogPage> cut, string label) =>
        cut.Find($"button[aria-label='{label}']");

    private static IElement Input<T>(IRenderedComponent<CatalogPage> cut, string label) =>
        cut.FindComponents<MudNumericField<T>>().Single(f => f.Instance.Label == label).Find("input");

    private static IElement DialogButton(StaffPageContext page, string text) =>
        page.Dialogs.FindAll("button").Single(b => b.TextContent.Trim() == text);

    private static async Task<Product> StoredAsync(DomainFixture domain)
    {
        await using var db = domain.Db();
        return await db.Products.AsNoTracking().Include(p => p.Packs).SingleAsync();
    }

    private static async Task<List<string>> CatalogEventsAsync(DomainFixture domain)
    {
        await using var db = domain.Db();
        return await db.AuditEvents.Where(e => e.Action == CatalogService.ChangedAction).Select(e => e.Summary).ToListAsync();
    }

    [Fact]
    public void The_page_is_for_admins_only()
    {
        Assert.Equal(Policies.Admin, typeof(CatalogPage).GetCustomAttribute<AuthorizeAttribute>()!.Policy);
    }

    [Fact]
    public async Task Shows_each_product_with_its_version_packs_upgrade_price_evaluation_terms_and_the_discount_defaults()
    {
        await using var domain = await DomainFixture.CreateAsync();
        await using var page = await StaffPageContext.CreateAsync(domain, Roles.Admin);

        var cut = page.RenderPage<CatalogPage>();

        Assert.Equal("OfficeStatus", cut.Find("section[data-product='officestatus'] h2").TextContent);
        Assert.Contains("Current version 6.1, priced in USD", cut.Find("[data-testid=current-version]").TextContent);
        Assert.Equal(["1", "5", "10", "25", "50", "100", "250"], cut.FindAll("tr[data-pack]").Select(r => r.GetAttribute("data-pack")));
        Assert.Equal("420.00", Input<decimal?>(cut, "10-user pack price").GetAttribute("value"));
        Assert.Equal("50", Input<int?>(cut, "Upgrade percent").GetAttribute("value"));
        Assert.Equal(["30", "250", "30", "90"],
            new[] { "Evaluation days", "Evaluation users", "Most days per extension", "Longest evaluation in days" }
                .Select(label => Input<int?>(cut, label).GetAttribute("value")));
        Assert.Equal(["40", "40", "20", "25", "365"],
            new[] { "Nonprofit percent", "Educational percent", "Governmental percent", "Cross-grade percent", "Approvals valid for (days)" }
                .Select(label => Input<int?>(cut, label).GetAttribute("value")));
        Assert.True(ButtonLabelled(cut, "Save the 10-user pack price").HasAttribute("disabled"));
    }

    [Fact]
    public async Task Changing_a_pack_price_saves_it_audited_confirms_and_shows_the_new_price()
    {
        await using var domain = await DomainFixture.CreateAsync();
        await using var page = await StaffPageContext.CreateAsync(domain, Roles.Admin);
        var cut = page.RenderPage<CatalogPage>();

        Input<decimal?>(cut, "10-user pack price").Change("399.5");
        await ButtonLabelled(cut, "Save the 10-user pack price").ClickAsync(new());

        page.Snackbars.WaitForAssertion(() => Assert.Contains("The 10-user pack of OfficeStatus now costs USD 399.50.", page.Snackbars.Markup));
        Assert.Equal(DomainFixture.Usd(39_950), (await StoredAsync(domain)).Packs.Single(p => p.Seats == 10).ListPrice);
        Assert.Equal(["OfficeStatus 10-user pack price changed from USD 420.00 to USD 399.50."], await CatalogEventsAsync(domain));
        cut.WaitForAssertion(() =>
        {
            Assert.Equal("399.50", Input<decimal?>(cut, "10-user pack price").GetAttribute("value"));
            Assert.True(ButtonLabelled(cut, "Save the 10-user pack price").HasAttribute("disabled"));
        });
    }

    [Theory]
    [InlineData("-1", "A list price cannot be negative.")]
    [InlineData("420.555", "Amounts in USD have at most 2 decimals.")]
    public async Task A_bad_price_is_explained_next_to_the_field_and_cannot_be_saved(string typed, string message)
    {
        await using var domain = await DomainFixture.CreateAsync();
        await using var page = await StaffPageContext.CreateAsync(domain, Roles.Admin);
        var cut = page.RenderPage<CatalogPage>();

        Input<decimal?>(cut, "10-user pack price").Change(typed);

        cut.WaitForAssertion(() => Assert.Equal([message], EvaluationPageTests.FieldErrors(cut)));
        Assert.True(ButtonLabelled(cut, "Save the 10-user pack price").HasAttribute("disabled"));
        Assert.Equal(DomainFixture.Usd(42_000), (await StoredAsync(domain)).Packs.Single(p => p.Seats == 10).ListPrice);
        Assert.Empty(await CatalogEventsAsync(domain));
    }

    [Fact]
    public async Task Adding_a_pack_size_adds_its_row_and_a_size_that_exists_is_refused_next_to_the_field()
    {
        await using var domain = await DomainFixture.CreateAsync();
        await using var page = await StaffPageContext.CreateAsync(domain, Roles.Admin);
        var cut = page.RenderPage<CatalogPage>();

        Input<int?>(cut, "Users in the pack").Change("10");
        Input<decimal?>(cut, "List price").Change("400");
        await Button(cut, "Add pack").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.Equal(["OfficeStatus already has a 10-user pack; change its price above."], EvaluationPageTests.FieldErrors(cut)));
        Assert.Equal(7, (await StoredAsync(domain)).Packs.Count);

        Input<int?>(cut, "Users in the pack").Change("500");
        Input<decimal?>(cut, "List price").Change("14000");
        await Button(cut, "Add pack").ClickAsync(new());

        page.Snackbars.WaitForAssertion(() => Assert.Contains("OfficeStatus now has a 500-user pack at USD 14,000.00.", page.Snackbars.Markup));
        cut.WaitForAssertion(() => Assert.Equal("500", cut.FindAll("tr[data-pack]").Last().GetAttribute("data-pack")));
        Assert.Equal(DomainFixture.Usd(1_400_000), (await StoredAsync(domain)).Packs.Single(p => p.Seats == 500).ListPrice);
        Assert.Equal(["OfficeStatus 500-user pack added at USD 14,000.00."], await CatalogEventsAsync(domain));
    }

    [Fact]
    public async Task Releasing_a_new_major_explains_R3_before_it_happens()
    {
        await using var domain = await DomainFixture.CreateAsync();
        await using var page = await StaffPageContext.CreateAsync(domain, Roles.Admin);
        var cut = page.RenderPage<CatalogPage>();

        Input<int?>(cut, "Major").Change("7");
        Input<int?>(cut, "Minor").Change("0");
        Button(cut, "Release…").Click();

        page.Dialogs.WaitForAssertion(() => Assert.Contains("new seats are sold for OfficeStatus 7 only (R3)", page.Dialogs.Markup));
        Assert.Contains("upgrade them at 50 % of the list price (R6)", page.Dialogs.Markup);
        Assert.Equal("6.1", (await StoredAsync(domain)).CurrentVersion);
        DialogButton(page, "Release 7.0").Click();

        page.Snackbars.WaitForAssertion(() => Assert.Contains("OfficeStatus 7.0 is released.", page.Snackbars.Markup));
        cut.WaitForAssertion(() => Assert.Contains("Current version 7.0", cut.Find("[data-testid=current-version]").TextContent));
        Assert.Equal("7.0", (await StoredAsync(domain)).CurrentVersion);
        Assert.Equal(["OfficeStatus 7.0 released (was 6.1)."], await CatalogEventsAsync(domain));
    }

    [Fact]
    public async Task Cancelling_the_release_changes_nothing_and_an_older_version_is_refused_before_asking()
    {
        await using var domain = await DomainFixture.CreateAsync();
        await using var page = await StaffPageContext.CreateAsync(domain, Roles.Admin);
        var cut = page.RenderPage<CatalogPage>();

        Button(cut, "Release…").Click();
        page.Dialogs.WaitForAssertion(() => Assert.Contains("6.2 is a minor release of OfficeStatus 6", page.Dialogs.Markup));
        DialogButton(page, "Cancel").Click();
        page.Dialogs.WaitForAssertion(() => Assert.Empty(page.Dialogs.FindAll("button")));

        Input<int?>(cut, "Minor").Change("0");
        Button(cut, "Release…").Click();

        cut.WaitForAssertion(() => Assert.Equal(["6.0 is not newer than the current version 6.1."], EvaluationPageTests.FieldErrors(cut)));
        Assert.Empty(page.Dialogs.FindAll("button"));
        Assert.Equal("6.1", (await StoredAsync(domain)).CurrentVersion);
        Assert.Empty(await CatalogEventsAsync(domain));
    }

    [Fact]
    public async Task The_upgrade_percent_is_checked_then_saved()
    {
        await using var domain = await DomainFixture.CreateAsync();
        await using var page = await StaffPageContext.CreateAsync(domain, Roles.Admin);
        var cut = page.RenderPage<CatalogPage>();

        Input<int?>(cut, "Upgrade percent").Change("120");
        await ButtonLabelled(cut, "Save the upgrade price of OfficeStatus").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.Equal(["The upgrade price is a percentage between 0 and 100."], EvaluationPageTests.FieldErrors(cut)));
        Assert.Equal(50, (await StoredAsync(domain)).UpgradePercent);

        Input<int?>(cut, "Upgrade percent").Change("40");
        await ButtonLabelled(cut, "Save the upgrade price of OfficeStatus").ClickAsync(new());

        page.Snackbars.WaitForAssertion(() => Assert.Contains("OfficeStatus upgrades now cost 40 % of the list price.", page.Snackbars.Markup));
        Assert.Equal(40, (await StoredAsync(domain)).UpgradePercent);
    }

    [Fact]
    public async Task Inconsistent_evaluation_terms_are_explained_next_to_the_field_and_consistent_ones_are_saved()
    {
        await using var domain = await DomainFixture.CreateAsync();
        await using var page = await StaffPageContext.CreateAsync(domain, Roles.Admin);
        var cut = page.RenderPage<CatalogPage>();

        Input<int?>(cut, "Most days per extension").Change("100");
        await Button(cut, "Save evaluation terms").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.Equal(["One extension cannot be longer than the longest evaluation (90 days)."], EvaluationPageTests.FieldErrors(cut)));
        Assert.Equal(EvaluationTerms.Default, (await StoredAsync(domain)).Evaluation);

        Input<int?>(cut, "Longest evaluation in days").Change("120");
        Input<int?>(cut, "Evaluation users").Change("50");
        await Button(cut, "Save evaluation terms").ClickAsync(new());

        page.Snackbars.WaitForAssertion(() => Assert.Contains("OfficeStatus evaluations now last 30 days with up to 50 users", page.Snackbars.Markup));
        Assert.Equal(EvaluationTerms.Create(30, 50, 100, 120), (await StoredAsync(domain)).Evaluation);
        Assert.Equal(
            ["OfficeStatus evaluation terms changed: evaluation users 250 → 50, most days per extension 30 → 100, longest evaluation in days 90 → 120."],
            await CatalogEventsAsync(domain));
    }

    [Fact]
    public async Task A_discount_default_is_checked_then_saved_and_customers_see_it()
    {
        await using var domain = await DomainFixture.CreateAsync();
        await using var page = await StaffPageContext.CreateAsync(domain, Roles.Admin);
        var cut = page.RenderPage<CatalogPage>();

        Input<int?>(cut, "Nonprofit percent").Change("0");
        cut.WaitForAssertion(() => Assert.Equal(["A discount is between 1 and 100 percent."], EvaluationPageTests.FieldErrors(cut)));
        Assert.True(ButtonLabelled(cut, "Save the nonprofit percent").HasAttribute("disabled"));

        Input<int?>(cut, "Nonprofit percent").Change("35");
        await ButtonLabelled(cut, "Save the nonprofit percent").ClickAsync(new());
        page.Snackbars.WaitForAssertion(() => Assert.Contains("Nonprofit discounts now start at 35 %.", page.Snackbars.Markup));
        Input<int?>(cut, "Approvals valid for (days)").Change("180");
        await ButtonLabelled(cut, "Save how long approvals are valid").ClickAsync(new());

        page.Snackbars.WaitForAssertion(() => Assert.Contains("Discount approvals are now valid for 180 days", page.Snackbars.Markup));
        await using var db = domain.Db();
        var defaults = await DiscountService.DefaultsAsync(db);
        Assert.Equal((35, 180), (defaults.NonprofitPercent, defaults.ValidityDays));
        await using var customer = await CustomerPageContext.CreateAsync(domain, domain.Contoso);
        Assert.Contains("get 35 %, 40 %", customer.RenderPage<Portal.Components.Discounts.DiscountsPage>().Markup);
    }

    [Theory]
    [InlineData(Roles.Sales)]
    [InlineData(Roles.Support)]
    public async Task Staff_who_are_not_admins_are_refused_by_the_service_even_if_they_reach_the_form(string role)
    {
        await using var domain = await DomainFixture.CreateAsync();
        await using var page = await StaffPageContext.CreateAsync(domain, role);
        var cut = page.RenderPage<CatalogPage>();

        Input<int?>(cut, "Upgrade percent").Change("10");
        await ButtonLabelled(cut, "Save the upgrade price of OfficeStatus").ClickAsync(new());

        page.Snackbars.WaitForAssertion(() => Assert.Contains("Only Admin staff can change the catalog.", page.Snackbars.Markup));
        Assert.Equal(50, (await StoredAsync(domain)).UpgradePercent);
        Assert.Empty(await CatalogEventsAsync(domain));
    }

    [Fact]
    public async Task The_quote_terms_show_the_defaults_are_checked_next_to_each_field_then_saved_audited()
    {
        await using var domain = await DomainFixture.CreateAsync();
        await using var page = await StaffPageContext.CreateAsync(domain, Roles.Admin);
        var cut = page.RenderPage<CatalogPage>();
        Assert.Equal(["30", "30", "25"],
            QuoteTermLabels.Select(label => Input<int?>(cut, label).GetAttribute("value")));
        Assert.True(Button(cut, "Save quote terms").HasAttribute("disabled"));

        Input<int?>(cut, "Quotes valid for (days)").Change("0");
        Input<int?>(cut, "Invoices due in (days)").Change("400");
        Input<int?>(cut, "Sales special-price limit").Change("100");
        await Button(cut, "Save quote terms").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.Equal(
            ["A quote is valid for between 1 and 365 days.", "An invoice is due in between 1 and 365 days.", "Sales may take between 0 and 99 percent off a quote."],
            EvaluationPageTests.FieldErrors(cut)));
        Assert.Equal((30, 30, 25), await QuoteTermsAsync(domain));

        Input<int?>(cut, "Quotes valid for (days)").Change("45");
        Input<int?>(cut, "Invoices due in (days)").Change("14");
        Input<int?>(cut, "Sales special-price limit").Change("15");
        await Button(cut, "Save quote terms").ClickAsync(new());

        page.Snackbars.WaitForAssertion(() => Assert.Contains(
            "New quotes are valid for 45 days, invoices are due in 14 days, and Sales may take up to 15 % off a quote.", page.Snackbars.Markup));
        Assert.Equal((45, 14, 15), await QuoteTermsAsync(domain));
        Assert.Equal(
            ["Quote terms changed: quotes valid for 45 days (was 30); invoices due in 14 days (was 30); sales may take up to 15 % off a quote (was 25 %)."],
            await CatalogEventsAsync(domain));
        cut.WaitForAssertion(() => Assert.True(Button(cut, "Save quote terms").HasAttribute("disabled")));
    }

    [Fact]
    public async Task Quote_terms_saved_at_the_same_moment_by_another_admin_say_so_and_keep_what_the_admin_entered()
    {
        var otherAdmin = new ChangesQuoteTermsFirst();
        await using var domain = await DomainFixture.CreateAsync(services => services.AddSingleton<IInterceptor>(otherAdmin));
        await using var page = await StaffPageContext.CreateAsync(domain, Roles.Admin);
        var cut = page.RenderPage<CatalogPage>();

        Input<int?>(cut, "Quotes valid for (days)").Change("60");
        await Button(cut, "Save quote terms").ClickAsync(new());

        page.Snackbars.WaitForAssertion(() => Assert.Contains(
            "Someone else changed the quote terms at the same moment. Reload to see their change, then try again.", page.Snackbars.Markup));
        Assert.Equal("60", Input<int?>(cut, "Quotes valid for (days)").GetAttribute("value"));
        Assert.Equal((30, 30, 25), await QuoteTermsAsync(domain));
        Assert.Empty(await CatalogEventsAsync(domain));
    }

    private static readonly string[] QuoteTermLabels = ["Quotes valid for (days)", "Invoices due in (days)", "Sales special-price limit"];

    private static async Task<(int, int, int)> QuoteTermsAsync(DomainFixture domain)
    {
        await using var db = domain.Db();
        var terms = await db.QuoteTerms.AsNoTracking().SingleAsync();
        return (terms.ValidityDays, terms.InvoiceDaysUntilDue, terms.SalesSpecialPriceLimit);
    }

    /// <summary>Another admin's save lands between reading the quote terms and saving them: the row's version moves once.</summary>
    private sealed class ChangesQuoteTermsFirst : SaveChangesInterceptor
    {
        private int _done;

        public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(
            DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            var db = eventData.Context!;
            if (db.ChangeTracker.Entries<QuoteTerms>().Any(e => e.State == EntityState.Modified) && Interlocked.Exchange(ref _done, 1) == 0)
                await db.Database.ExecuteSqlRawAsync("UPDATE QuoteTerms SET Version = {0}", [Guid.NewGuid()], cancellationToken);
            return result;
        }
    }
}
