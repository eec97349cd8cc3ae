using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Portal.Components.Buying;
using Portal.Components.Quotes;
using Portal.Domain.Accounts;
using Portal.Domain.Discounts;
using Portal.Domain.Licensing;
using Portal.Domain.Members;
using Portal.Domain.Ordering;
using Portal.Domain.Pricing;
using Portal.Domain.Quotes;
using Portal.Payments;
using Portal.Tests.Builders;

namespace Portal.Tests.Components;

/// <summary>
/// The buy and upgrade pages on the real pricing, order and (test-mode) checkout services: the quote is the server's,
/// the order placed is exactly what the page showed, and only the signed-in organization's licenses are offered.
/// </summary>
public sealed class BuyingPagesTests : IAsyncLifetime
{
    private DomainFixture _fx = null!;

    public async Task InitializeAsync() => _fx = await DomainFixture.CreateAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    [Fact]
    public async Task R3_buy_page_sells_only_the_current_major_and_points_older_licenses_to_the_upgrade()
    {
        await _fx.PurchaseAsync(_fx.Contoso, 10);
        await _fx.ReleaseAsync(7, 0);
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);

        var cut = page.RenderPage<BuySeats>();

        Assert.Contains("every pack here is for 7.x", cut.Find("[data-testid=older-majors]").TextContent);
        Assert.Contains("holds 1 license for an older version", cut.Find("[data-testid=older-majors]").TextContent);
        Assert.NotNull(cut.Find("[data-testid=older-majors] a[href='/upgrade']"));
        Assert.All(cut.FindComponents<MudNumericField<int>>(), f => Assert.EndsWith("-user pack", f.Instance.Label));
    }

    [Fact]
    public async Task Buy_page_quotes_live_and_places_exactly_the_quoted_order_then_goes_to_checkout()
    {
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);
        var cut = page.RenderPage<BuySeats>();
        Assert.True(CheckoutButton(cut).HasAttribute("disabled"));

        await SetQuantityAsync(cut, seats: 25, quantity: 1);
        await SetQuantityAsync(cut, seats: 10, quantity: 2);

        cut.WaitForAssertion(() => Assert.Contains("USD 1,815.00", cut.Find("[data-total]").TextContent));
        Assert.Contains("45 new seats", cut.Find("[data-total]").TextContent);
        CheckoutButton(cut).Click();

        var order = await SingleOrderAsync();
        Assert.Equal(DomainFixture.Usd(181_500), order.Total);
        Assert.Equal([(10, 2), (25, 1)], order.Lines.Select(l => (l.Seats, l.Quantity)).Order());
        Assert.EndsWith(CheckoutPaths.Test(order.Id), Navigation(page).Uri);
    }

    [Fact]
    public async Task Upgrade_page_without_older_licenses_says_there_is_nothing_to_upgrade()
    {
        await _fx.PurchaseAsync(_fx.Contoso, 10);
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);

        var cut = page.RenderPage<UpgradeLicenses>();

        Assert.Contains("no active license for an older version", cut.Find("[data-testid=no-upgrades]").TextContent);
        Assert.NotNull(cut.Find("a[href='/buy']"));
    }

    [Fact]
    public async Task R6_upgrade_page_offers_only_this_organizations_older_licenses_and_prices_the_selection_with_the_discount()
    {
        var ours = await _fx.PurchaseAsync(_fx.Contoso, 10, 5);
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam");
        var theirs = Assert.Single(await _fx.PurchaseAsync(fabrikam, 25));
        await _fx.ReleaseAsync(7, 0);
        await _fx.ApprovedDiscountAsync(DiscountKind.CrossGrade, percent: 20);
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);

        var cut = page.RenderPage<UpgradeLicenses>();

        Assert.Equal(ours.Select(l => l.Id.ToString()).Order(), OfferedIds(cut).Order());
        Assert.DoesNotContain(theirs.Id.ToString(), cut.Markup);
        Assert.Contains("50 % of today's price", cut.Markup);
        await SelectAsync(cut, ours[0].Id);
        // 50 % of the 10-user pack (USD 420.00) = 210.00, less the 20 % discount = 168.00.
        cut.WaitForAssertion(() => Assert.Contains("USD 168.00", cut.Find("[data-total]").TextContent));
        Assert.Contains("1 license upgraded, 10 seats", cut.Find("[data-total]").TextContent);
        Assert.Contains("20 %", cut.Markup);
    }

    [Fact]
    public async Task R6_paying_for_an_upgrade_places_an_order_for_exactly_the_chosen_licenses()
    {
        var ours = await _fx.PurchaseAsync(_fx.Contoso, 10, 5);
        await _fx.ReleaseAsync(7, 0);
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);
        var cut = page.RenderPage<UpgradeLicenses>();

        await cut.InvokeAsync(() => cut.FindComponents<MudCheckBox<bool>>()
            .Single(c => c.Instance.Label!.StartsWith("Select all", StringComparison.Ordinal)).Instance.ValueChanged.InvokeAsync(true));
        cut.WaitForAssertion(() => Assert.Contains("2 licenses upgraded, 15 seats", cut.Find("[data-total]").TextContent));
        CheckoutButton(cut).Click();

        var order = await SingleOrderAsync();
        Assert.Equal(ours.Select(l => (Guid?)l.Id).Order(), order.Lines.Select(l => l.UpgradedLicenseId).Order());
        Assert.All(order.Lines, l => Assert.Equal(LineKind.Upgrade, l.Kind));
        Assert.Equal(DomainFixture.Usd(21_000 + 11_250), order.Total);
        Assert.EndsWith(CheckoutPaths.Test(order.Id), Navigation(page).Uri);
    }

    [Fact]
    public async Task A_license_chosen_on_its_page_arrives_selected_and_priced()
    {
        var ours = await _fx.PurchaseAsync(_fx.Contoso, 10, 5);
        await _fx.ReleaseAsync(7, 0);
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);
        Navigation(page).NavigateTo($"/upgrade?license={ours[1].Id}");

        var cut = page.RenderPage<UpgradeLicenses>();

        cut.WaitForAssertion(() => Assert.Contains("1 license upgraded, 5 seats", cut.Find("[data-total]").TextContent));
    }

    [Fact]
    public async Task A_license_address_that_is_not_an_id_selects_nothing_and_does_not_fail()
    {
        await _fx.PurchaseAsync(_fx.Contoso, 10);
        await _fx.ReleaseAsync(7, 0);
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);
        Navigation(page).NavigateTo("/upgrade?license=not-a-guid");

        var cut = page.RenderPage<UpgradeLicenses>();

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("input[type=checkbox]")));
        Assert.Empty(cut.FindAll("[data-total]"));
    }

    [Fact]
    public async Task A_license_upgraded_meanwhile_gives_a_clear_message_and_no_order()
    {
        var license = Assert.Single(await _fx.PurchaseAsync(_fx.Contoso, 10));
        await _fx.ReleaseAsync(7, 0);
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);
        var cut = page.RenderPage<UpgradeLicenses>();
        await SelectAsync(cut, license.Id);
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-total]")));

        await RevokeAsync(license.Id);
        CheckoutButton(cut).Click();

        cut.WaitForAssertion(() => Assert.Contains("This license is revoked and cannot be upgraded.", cut.Find("[role=alert]").TextContent));
        await using var db = _fx.Db();
        Assert.Empty(await db.Orders.ToListAsync());
        Assert.DoesNotContain("/checkout/", Navigation(page).Uri);
    }

    [Theory]
    [InlineData(MemberRoles.Technical)]
    [InlineData(MemberRoles.None)]
    public async Task A_member_without_the_billing_role_prices_seats_and_upgrades_but_is_not_offered_the_checkout(MemberRoles roles)
    {
        await _fx.PurchaseAsync(_fx.Contoso, 10);
        await _fx.ReleaseAsync(7, 0);
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso, roles: roles);

        var buy = page.RenderPage<BuySeats>();
        await SetQuantityAsync(buy, seats: 25, quantity: 1);
        var upgrade = page.RenderPage<UpgradeLicenses>();

        buy.WaitForAssertion(() => Assert.Contains("25 new seats", buy.Find("[data-total]").TextContent));
        Assert.Single(upgrade.FindAll("li[data-license-id]"));
        Assert.Empty(buy.FindAll("button[data-testid=checkout]"));
        Assert.Empty(upgrade.FindAll("button[data-testid=checkout]"));
        Assert.Empty(buy.FindAll("button[data-testid=quote]"));
        Assert.Empty(upgrade.FindAll("button[data-testid=quote]"));
        Assert.Contains("To ask for quotes, you need the Billing role.", buy.Find("[data-testid=get-quote] [data-testid=role-required]").TextContent);
        Assert.Equal("Billing", upgrade.Find("[data-testid=get-quote] [data-testid=role-required]").GetAttribute("data-role"));
        Assert.Contains("To place orders, you need the Billing role.", buy.Find("[data-testid=role-required]").TextContent);
        Assert.Equal("Billing", upgrade.Find("[data-testid=role-required]").GetAttribute("data-role"));
        await using var db = _fx.Db();
        Assert.Empty(await db.Orders.ToListAsync());
        Assert.Empty(await db.Quotes.ToListAsync());
    }

    [Fact]
    public async Task A_billing_member_gets_a_quote_of_exactly_the_priced_seats_and_lands_on_it()
    {
        await _fx.ApprovedDiscountAsync(DiscountKind.Nonprofit, 40);
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso, "accounts@contoso.example", MemberRoles.Billing);
        var cut = page.RenderPage<BuySeats>();
        Assert.True(QuoteButton(cut).HasAttribute("disabled"));
        Assert.Contains("for a purchase order; pay by invoice or card", cut.Find("[data-testid=get-quote]").TextContent);

        await SetQuantityAsync(cut, seats: 25, quantity: 1);
        await SetQuantityAsync(cut, seats: 10, quantity: 2);
        cut.WaitForAssertion(() => Assert.Contains("USD 1,089.00", cut.Find("[data-total]").TextContent));
        await QuoteButton(cut).ClickAsync(new());

        var quote = await SingleQuoteAsync();
        Assert.Equal(DomainFixture.Usd(108_900), quote.Total);
        Assert.Equal(40, quote.DiscountPercent);
        Assert.Equal([(10, 2), (25, 1)], quote.Lines.Select(l => (l.Seats, l.Quantity)).Order());
        Assert.Equal(page.Member.Id, quote.CreatedByUserId);
        Assert.EndsWith(QuotePaths.Quote(quote.Id), Navigation(page).Uri);
        await using var db = _fx.Db();
        Assert.Empty(await db.Orders.ToListAsync());
    }

    [Fact]
    public async Task A_quote_for_an_upgrade_holds_the_chosen_licenses()
    {
        var ours = await _fx.PurchaseAsync(_fx.Contoso, 10, 5);
        await _fx.ReleaseAsync(7, 0);
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso, "accounts@contoso.example", MemberRoles.Billing);
        var cut = page.RenderPage<UpgradeLicenses>();
        await SelectAsync(cut, ours[1].Id);
        cut.WaitForAssertion(() => Assert.Contains("1 license upgraded, 5 seats", cut.Find("[data-total]").TextContent));

        await QuoteButton(cut).ClickAsync(new());

        var quote = await SingleQuoteAsync();
        var line = Assert.Single(quote.Lines);
        Assert.Equal(LineKind.Upgrade, line.Kind);
        Assert.Equal(ours[1].Id, line.UpgradedLicenseId);
        Assert.EndsWith(QuotePaths.Quote(quote.Id), Navigation(page).Uri);
    }

    [Fact]
    public async Task A_license_upgraded_meanwhile_gives_a_clear_message_and_no_quote()
    {
        var license = Assert.Single(await _fx.PurchaseAsync(_fx.Contoso, 10));
        await _fx.ReleaseAsync(7, 0);
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso, "accounts@contoso.example", MemberRoles.Billing);
        var cut = page.RenderPage<UpgradeLicenses>();
        await SelectAsync(cut, license.Id);
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-total]")));

        await RevokeAsync(license.Id);
        await QuoteButton(cut).ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Contains("This license is revoked and cannot be upgraded.", cut.Find("[role=alert]").TextContent));
        await using var db = _fx.Db();
        Assert.Empty(await db.Quotes.ToListAsync());
        Assert.DoesNotContain("/quotes/", Navigation(page).Uri);
        Assert.False(QuoteButton(cut).HasAttribute("disabled"));
    }

    [Fact]
    public async Task A_billing_member_places_the_order_and_goes_to_checkout()
    {
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso, "accounts@contoso.example", MemberRoles.Billing);
        var cut = page.RenderPage<BuySeats>();

        await SetQuantityAsync(cut, seats: 10, quantity: 1);
        cut.WaitForAssertion(() => Assert.Contains("10 new seats", cut.Find("[data-total]").TextContent));
        Assert.Empty(cut.FindAll("[data-testid=role-required]"));
        CheckoutButton(cut).Click();

        var order = await SingleOrderAsync();
        Assert.Equal(page.Member.Id, order.PlacedByUserId);
        Assert.EndsWith(CheckoutPaths.Test(order.Id), Navigation(page).Uri);
    }

    private static AngleSharp.Dom.IElement CheckoutButton<T>(IRenderedComponent<T> cut) where T : IComponent =>
        cut.Find("button[data-testid=checkout]");

    private static AngleSharp.Dom.IElement QuoteButton<T>(IRenderedComponent<T> cut) where T : IComponent =>
        cut.Find("button[data-testid=quote]");

    private async Task<Quote> SingleQuoteAsync()
    {
        await using var db = _fx.Db();
        return await db.Quotes.Include(q => q.Lines).SingleAsync();
    }

    private static NavigationManager Navigation(CustomerPageContext page) => page.Bunit.Services.GetRequiredService<NavigationManager>();

    private static IEnumerable<string> OfferedIds(IRenderedComponent<UpgradeLicenses> cut) =>
        cut.FindAll("li[data-license-id]").Select(li => li.GetAttribute("data-license-id")!);

    private static Task SelectAsync(IRenderedComponent<UpgradeLicenses> cut, Guid licenseId) =>
        cut.Find($"li[data-license-id='{licenseId}'] input[type=checkbox]").ChangeAsync(new ChangeEventArgs { Value = true });

    private static Task SetQuantityAsync(IRenderedComponent<BuySeats> cut, int seats, int quantity) =>
        cut.InvokeAsync(() => cut.FindComponents<MudNumericField<int>>()
            .Single(f => f.Instance.Label == $"{seats}-user pack").Instance.ValueChanged.InvokeAsync(quantity));

    private async Task<Order> SingleOrderAsync()
    {
        Order? order = null;
        for (var attempt = 0; attempt < 50 && order is null; attempt++)
        {
            await using var db = _fx.Db();
            order = await db.Orders.Include(o => o.Lines).SingleOrDefaultAsync();
            if (order is null)
                await Task.Delay(100);
        }
        return Assert.IsType<Order>(order);
    }

    private async Task RevokeAsync(Guid licenseId)
    {
        await using var db = _fx.Db();
        var license = await db.Licenses.SingleAsync(l => l.Id == licenseId);
        _fx.Get<LicensingService>().Revoke(db, license, "Payment refunded", Actor.Stripe);
        await db.SaveChangesAsync();
    }
}
