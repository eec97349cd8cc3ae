using Bunit;
using Microsoft.EntityFrameworkCore;
using Portal.Components.Ordering;
using Portal.Domain.Discounts;
using Portal.Domain.Ordering;
using Portal.Domain.Organizations;
using Portal.Domain.Pricing;
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
        var theirs = await PlaceAsync(fabrikam, (100, 1));
        var paid = await PlaceAsync(_fx.Contoso, (25, 1), (10, 1));
        await PayAsync(paid, "https://pay.stripe.com/receipts/contoso-1");
        _fx.Clock.Advance(TimeSpan.FromHours(2));
        var unpaid = await PlaceAsync(_fx.Contoso, (5, 2));
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
        await ApproveDiscountAsync(40);
        var order = await PlaceAsync(_fx.Contoso, (25, 1), (10, 1));
        await PayAsync(order, "https://pay.stripe.com/receipts/contoso-2");
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
        var order = await PlaceAsync(_fx.Contoso, (5, 1));
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
        var theirs = await PlaceAsync(fabrikam, (100, 1));
        await PayAsync(theirs, "https://pay.stripe.com/receipts/fabrikam");
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);

        var cut = page.Bunit.Render<OrderDetail>(p => p.Add(c => c.OrderId, theirs.Id));

        cut.WaitForAssertion(() => Assert.Equal("Order not found", cut.Find("h1").TextContent));
        Assert.DoesNotContain("100-user pack", cut.Markup);
        Assert.DoesNotContain("fabrikam", cut.Markup, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(cut.FindAll("tr[data-license-id]"));
    }

    private Task<Order> PlaceAsync(Organization organization, params (int Seats, int Quantity)[] packs) =>
        _fx.Get<OrderService>().PlaceAsync(organization.Id, DomainFixture.Customer, "ana@contoso.example",
            new Cart(_fx.OfficeStatus.Id, [.. packs.Select(p => new CartPack(_fx.Pack(p.Seats).Id, p.Quantity))], []));

    private async Task PayAsync(Order order, string receiptUrl) =>
        Assert.Equal(FulfilmentOutcome.Fulfilled, await _fx.Get<FulfilmentService>().FulfilAsync(
            new PaidCheckout(order.Id, $"cs_test_{order.Id:N}", $"pi_test_{order.Id:N}", order.Total, "usd", receiptUrl)));

    private async Task ApproveDiscountAsync(int percent)
    {
        var discounts = _fx.Get<DiscountService>();
        var application = await discounts.SubmitAsync(_fx.Contoso.Id, DiscountKind.Nonprofit, "Charity no. 1234567", [], DomainFixture.Customer);
        await discounts.ApproveAsync(application.Id, percent, null, "Welcome", DomainFixture.Sales);
    }
}
