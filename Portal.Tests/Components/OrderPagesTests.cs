using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Portal.Components.Ordering;
using Portal.Domain.Accounts;
using Portal.Domain.Discounts;
using Portal.Domain.Licensing;
using Portal.Domain.Members;
using Portal.Domain.Ordering;
using Portal.Domain.Organizations;
using Portal.Payments;
using Portal.Tests.Builders;

namespace Portal.Tests.Components;

/// <summary>The order list and an order's page, on the real database: status, lines, licenses, receipt, and scope.</summary>
public sealed class OrderPagesTests : IAsyncLifetime
{
    private DomainFixture _fx = null!;

    public async Task InitializeAsync() => _fx = await DomainFixture.CreateAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    [Fact]
    public async Task Without_orders_the_list_says_how_to_place_one()
    {
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);

        var cut = page.Bunit.Render<OrderList>();

        cut.WaitForAssertion(() => Assert.Contains("has not placed an order yet", cut.Find("[data-testid=orders-empty]").TextContent));
    }

    [Fact]
    public async Task The_list_shows_this_organizations_orders_newest_first_with_status_total_and_receipt_and_nothing_of_others()
    {
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam");
        var theirs = await _fx.Order().For(fabrikam).Packs((100, 1)).PlaceAsync();
        var paid = await _fx.Order().Packs((25, 1), (10, 1)).PaidAsync("https://pay.stripe.com/receipts/contoso-1");
        _fx.Clock.Advance(TimeSpan.FromHours(2));
        var unpaid = await _fx.Order().Packs((5, 2)).PlaceAsync();
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);

        var cut = page.Bunit.Render<OrderList>();

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("tbody tr").Count));
        var rows = cut.FindAll("tbody tr");
        Assert.NotNull(rows[0].QuerySelector($"a[href='{CheckoutPaths.OrderDetail(unpaid.Id)}']"));
        Assert.NotNull(rows[1].QuerySelector($"a[href='{CheckoutPaths.OrderDetail(paid.Id)}']"));
        Assert.Contains("Not paid", rows[0].TextContent);
        Assert.Contains("2 × OfficeStatus 6 – 5-user pack", rows[0].TextContent);
        Assert.Contains("Paid", rows[1].TextContent);
        Assert.Contains("USD 1,395.00", rows[1].TextContent);
        Assert.Equal("https://pay.stripe.com/receipts/contoso-1", rows[1].QuerySelector("a[target=_blank]")?.GetAttribute("href"));
        Assert.DoesNotContain(theirs.Id.ToString(), cut.Markup);
        Assert.DoesNotContain("100-user pack", cut.Markup);
    }

    [Fact]
    public async Task A_paid_orders_page_shows_its_licenses_lines_discount_and_receipt()
    {
        await _fx.ApprovedDiscountAsync(DiscountKind.Nonprofit, 40);
        var order = await _fx.Order().Packs((25, 1), (10, 1)).PaidAsync("https://pay.stripe.com/receipts/contoso-2");
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);

        var cut = page.Bunit.Render<OrderDetail>(p => p.Add(c => c.OrderId, order.Id));

        cut.WaitForAssertion(() => Assert.Equal("Fulfilled", cut.Find("section").GetAttribute("data-order-status")));
        Assert.Contains("Order of 29 Nov 2026", cut.Find("h1").TextContent);
        Assert.Contains("Paid", cut.Find("[data-status]").TextContent);
        await using var db = _fx.Db();
        var licenses = await db.Licenses.Where(l => l.OrderId == order.Id).ToListAsync();
        Assert.Equal(2, licenses.Count);
        Assert.All(licenses, l => Assert.NotNull(cut.Find($"tr[data-license-id='{l.Id}'] a[href='/licenses/{l.Id}']")));
        Assert.Contains("Nonprofit discount of 40 %", cut.Find("tfoot").TextContent);
        Assert.Contains("USD 837.00", cut.Find("tfoot").TextContent);
        Assert.Contains(cut.FindAll("a[target=_blank]"), a => a.GetAttribute("href") == "https://pay.stripe.com/receipts/contoso-2");
    }

    [Fact]
    public async Task An_unpaid_orders_page_offers_to_finish_the_payment()
    {
        var order = await _fx.Order().Packs((5, 1)).PlaceAsync();
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);

        var cut = page.Bunit.Render<OrderDetail>(p => p.Add(c => c.OrderId, order.Id));

        cut.WaitForAssertion(() => Assert.Equal("Pending", cut.Find("section").GetAttribute("data-order-status")));
        Assert.Equal(CheckoutPaths.Start(order.Id), cut.Find("form[method=post]").GetAttribute("action"));
        Assert.Contains("Nothing has been charged", cut.Markup);
    }

    [Fact]
    public async Task Another_organizations_order_is_not_found_and_nothing_of_it_shows()
    {
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam", OrganizationKind.Nonprofit);
        var theirs = await _fx.Order().For(fabrikam).Packs((100, 1)).PaidAsync("https://pay.stripe.com/receipts/fabrikam");
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);

        var cut = page.Bunit.Render<OrderDetail>(p => p.Add(c => c.OrderId, theirs.Id));

        cut.WaitForAssertion(() => Assert.Equal("Order not found", cut.Find("h1").TextContent));
        Assert.DoesNotContain("100-user pack", cut.Markup);
        Assert.DoesNotContain("fabrikam", cut.Markup, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(cut.FindAll("tr[data-license-id]"));
    }

    [Fact]
    public async Task The_return_page_shows_each_key_with_a_copy_button_and_its_license_file()
    {
        var order = await _fx.Order().Packs((25, 1), (10, 1)).PaidAsync("https://pay.stripe.com/receipts/contoso-3");
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);
        page.Bunit.Services.GetRequiredService<NavigationManager>().NavigateTo(CheckoutPaths.ReturnForOrder(order.Id));

        var cut = page.Bunit.Render<CheckoutReturn>();

        cut.WaitForAssertion(() => Assert.Equal("Fulfilled", cut.Find("section").GetAttribute("data-order-status")));
        await using var db = _fx.Db();
        var licenses = await db.Licenses.Where(l => l.OrderId == order.Id).ToListAsync();
        Assert.Equal(2, licenses.Count);
        foreach (var license in licenses)
        {
            var row = $"tr[data-license-id='{license.Id}']";
            Assert.Equal(license.Key, cut.Find($"{row} [data-testid=license-key]").TextContent);
            var download = cut.Find($"{row} a[data-testid=download-license]");
            Assert.Equal($"/licenses/{license.Id}/download", download.GetAttribute("href"));
            Assert.Equal($"officestatus-6-perpetual-{license.Id:N}.lic", download.GetAttribute("download"));

            await cut.InvokeAsync(() => cut.Find($"{row} button[data-testid=copy-key]").Click());

            Assert.Contains(page.Bunit.JSInterop.Invocations,
                i => i.Identifier == "navigator.clipboard.writeText" && Equals(i.Arguments[0], license.Key));
        }
        Assert.Contains(page.Bunit.Services.GetRequiredService<ISnackbar>().ShownSnackbars, s => s.Message == "Key copied");
    }

    [Fact]
    public async Task A_revoked_licenses_key_is_neither_shown_nor_offered_on_its_orders_page()
    {
        var order = await _fx.Order().Packs((25, 1)).PaidAsync("https://pay.stripe.com/receipts/contoso-4");
        License license;
        await using (var db = _fx.Db())
        {
            license = await db.Licenses.SingleAsync(l => l.OrderId == order.Id);
            _fx.Get<LicensingService>().Revoke(db, license, "Payment refunded", Actor.Stripe);
            await db.SaveChangesAsync();
        }
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);

        var cut = page.Bunit.Render<OrderDetail>(p => p.Add(c => c.OrderId, order.Id));

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find($"tr[data-license-id='{license.Id}']")));
        Assert.Contains("Revoked", cut.Find($"tr[data-license-id='{license.Id}'] [data-status]").TextContent);
        Assert.Contains("it is not shown", cut.Find("[data-testid=key-withdrawn]").TextContent);
        Assert.DoesNotContain(license.Key, cut.Markup);
        Assert.Empty(cut.FindAll("[data-testid=license-key]"));
        Assert.Empty(cut.FindAll("[data-testid=copy-key]"));
        Assert.Empty(cut.FindAll("[data-testid=download-license]"));
    }

    [Theory]
    [InlineData(MemberRoles.Technical)]
    [InlineData(MemberRoles.None)]
    public async Task A_member_without_the_billing_role_reads_an_unpaid_order_but_is_not_offered_its_checkout(MemberRoles roles)
    {
        var order = await _fx.Order().Packs((5, 1)).PlaceAsync();
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso, roles: roles);

        var cut = page.Bunit.Render<OrderDetail>(p => p.Add(c => c.OrderId, order.Id));

        cut.WaitForAssertion(() => Assert.Equal("Pending", cut.Find("section").GetAttribute("data-order-status")));
        Assert.Contains("OfficeStatus 6 – 5-user pack", cut.Find("[data-testid=order-lines]").TextContent);
        Assert.Empty(cut.FindAll("form[method=post]"));
        var note = cut.Find("[data-testid=role-required]");
        Assert.Equal("Billing", note.GetAttribute("data-role"));
        Assert.Contains("To pay orders, you need the Billing role.", note.TextContent);
    }

    [Theory]
    [InlineData(MemberRoles.Billing)]
    [InlineData(MemberRoles.None)]
    public async Task A_member_without_the_technical_role_sees_a_paid_orders_licenses_but_no_key(MemberRoles roles)
    {
        var order = await _fx.Order().Packs((25, 1), (10, 1)).PaidAsync("https://pay.stripe.com/receipts/contoso-5");
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso, roles: roles);
        page.Bunit.Services.GetRequiredService<NavigationManager>().NavigateTo(CheckoutPaths.ReturnForOrder(order.Id));

        var onReturn = page.Bunit.Render<CheckoutReturn>();
        var onOrder = page.Bunit.Render<OrderDetail>(p => p.Add(c => c.OrderId, order.Id));

        onReturn.WaitForAssertion(() => Assert.Equal("Fulfilled", onReturn.Find("section").GetAttribute("data-order-status")));
        onOrder.WaitForAssertion(() => Assert.Equal("Fulfilled", onOrder.Find("section").GetAttribute("data-order-status")));
        await using var db = _fx.Db();
        var keys = await db.Licenses.Where(l => l.OrderId == order.Id).Select(l => l.Key).ToListAsync();
        LicensesWithoutKeys(onReturn, keys);
        LicensesWithoutKeys(onOrder, keys);
        // What the return page hands to its circuit in the HTML carries no key either.
        Assert.All(Assert.IsType<OrderView>(onReturn.Instance.Order).Licenses, l => Assert.Null(l.Key));
    }

    private static void LicensesWithoutKeys<T>(IRenderedComponent<T> cut, IReadOnlyList<string> keys) where T : IComponent
    {
        Assert.Equal(keys.Count, cut.FindAll("tr[data-license-id]").Count);
        Assert.All(keys, key => Assert.DoesNotContain(key, cut.Markup));
        Assert.Empty(cut.FindAll("[data-testid=license-key]"));
        Assert.Empty(cut.FindAll("[data-testid=download-license]"));
        Assert.DoesNotContain("License key", cut.Find("[data-testid=order-licenses] thead").TextContent);
        Assert.Equal("Technical", cut.Find("[data-testid=role-required]").GetAttribute("data-role"));
    }

    [Fact]
    public async Task A_technical_member_gets_the_keys_of_a_paid_order_but_not_the_checkout_of_an_unpaid_one()
    {
        var paid = await _fx.Order().Packs((25, 1)).PaidAsync("https://pay.stripe.com/receipts/contoso-6");
        var unpaid = await _fx.Order().Packs((5, 1)).PlaceAsync();
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso, roles: MemberRoles.Technical);

        var paidPage = page.Bunit.Render<OrderDetail>(p => p.Add(c => c.OrderId, paid.Id));
        var unpaidPage = page.Bunit.Render<OrderDetail>(p => p.Add(c => c.OrderId, unpaid.Id));

        await using var db = _fx.Db();
        var license = await db.Licenses.SingleAsync(l => l.OrderId == paid.Id);
        paidPage.WaitForAssertion(() => Assert.Equal(license.Key, paidPage.Find("[data-testid=license-key]").TextContent));
        Assert.Empty(paidPage.FindAll("[data-testid=role-required]"));
        unpaidPage.WaitForAssertion(() => Assert.Equal("Pending", unpaidPage.Find("section").GetAttribute("data-order-status")));
        Assert.Empty(unpaidPage.FindAll("form[method=post]"));
    }
}
