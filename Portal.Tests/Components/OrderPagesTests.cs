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
using Portal.Domain.Quotes;
using Portal.Payments;
using Portal.Components.Quotes;
using Portal.Tests.Builders;
using PaymentMethod = Portal.Domain.Ordering.PaymentMethod;

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

    [Theory]
    [InlineData("order_id=not-a-guid", false)]
    [InlineData("order_id={order}&unavailable=maybe", true)]
    public async Task The_return_page_reads_a_typed_address_it_cannot_understand_as_no_order_or_no_notice_and_does_not_fail(string query, bool findsTheOrder)
    {
        var order = await _fx.Order().Packs((10, 1)).PaidAsync("https://pay.stripe.com/receipts/contoso-typed");
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);
        page.Bunit.Services.GetRequiredService<NavigationManager>().NavigateTo($"{CheckoutPaths.Return}?{query.Replace("{order}", order.Id.ToString())}");

        var cut = page.Bunit.Render<CheckoutReturn>();

        if (findsTheOrder)
            cut.WaitForAssertion(() => Assert.Equal("Fulfilled", cut.Find("section").GetAttribute("data-order-status")));
        else
            Assert.Null(cut.Instance.Order);
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

    [Fact]
    public async Task An_invoice_orders_page_shows_its_open_invoice_purchase_order_and_quote_and_no_checkout()
    {
        var quote = await QuoteSteps.CreateAsync(_fx, _fx.Contoso, (10, 1));
        var order = await QuoteSteps.AcceptByInvoiceAsync(_fx, _fx.Contoso, quote, purchaseOrderNumber: "PO-2026-0042");
        await IssueInvoiceAsync(order);
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso, "accounts@contoso.example", MemberRoles.Billing);

        var cut = page.Bunit.Render<OrderDetail>(p => p.Add(c => c.OrderId, order.Id));

        cut.WaitForAssertion(() => Assert.Equal("Pending", cut.Find("section").GetAttribute("data-order-status")));
        Assert.Equal("Invoice open", cut.Find("[data-status]").TextContent.Trim());
        Assert.Contains("Waiting for the payment of your invoice", cut.Find("section h2").TextContent);
        Assert.Empty(cut.FindAll("form[method=post]"));
        Assert.Equal("PO-2026-0042", cut.Find("[data-testid=order-po]").TextContent);
        var quoteLink = cut.Find("a[data-testid=order-quote]");
        Assert.Equal(QuotePaths.Quote(quote.Id), quoteLink.GetAttribute("href"));
        Assert.Equal(quote.Number, quoteLink.TextContent);
        Assert.Equal("INV-0042", cut.Find("[data-testid=invoice-number]").TextContent);
        Assert.Equal("Open", cut.Find("[data-testid=invoice-status]").TextContent);
        Assert.Equal("29 Dec 2026", cut.Find("[data-testid=invoice-due]").TextContent);
        var pay = cut.Find("a[data-testid=invoice-link]");
        Assert.Equal(HostedInvoiceUrl, pay.GetAttribute("href"));
        Assert.Equal("_blank", pay.GetAttribute("target"));
        Assert.Contains("View and pay the invoice", pay.TextContent);
        Assert.Equal(InvoicePdfUrl, cut.Find("a[data-testid=invoice-pdf]").GetAttribute("href"));
    }

    [Fact]
    public async Task An_overdue_invoice_says_so_on_the_order_and_in_the_list()
    {
        var order = await QuoteSteps.AcceptByInvoiceAsync(_fx, _fx.Contoso, await QuoteSteps.CreateAsync(_fx, _fx.Contoso, (10, 1)));
        await IssueInvoiceAsync(order);
        _fx.Clock.Advance(TimeSpan.FromDays(31));
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);

        var detail = page.Bunit.Render<OrderDetail>(p => p.Add(c => c.OrderId, order.Id));
        var list = page.Bunit.Render<OrderList>();

        detail.WaitForAssertion(() => Assert.Equal("Invoice overdue", detail.Find("[data-status]").TextContent.Trim()));
        Assert.Contains("was due on 29 Dec 2026", detail.Find("[data-testid=invoice-overdue]").TextContent);
        Assert.Equal("Open, overdue", detail.Find("[data-testid=invoice-status]").TextContent);
        list.WaitForAssertion(() => Assert.Single(list.FindAll("tbody tr")));
        Assert.Equal("Invoice overdue", list.Find("tbody tr [data-status]").TextContent.Trim());
        Assert.Contains("Invoice INV-0042", list.Find("tbody tr [data-testid=order-payment]").TextContent);
        Assert.Contains("due 29 Dec 2026, overdue", list.Find("tbody tr [data-testid=order-payment]").TextContent);
    }

    [Fact]
    public async Task An_invoice_order_whose_invoice_was_not_sent_offers_to_send_it_and_then_shows_the_test_invoice()
    {
        var order = await QuoteSteps.AcceptByInvoiceAsync(_fx, _fx.Contoso, await QuoteSteps.CreateAsync(_fx, _fx.Contoso, (10, 1)));
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso, "accounts@contoso.example", MemberRoles.Billing);
        var cut = page.Bunit.Render<OrderDetail>(p => p.Add(c => c.OrderId, order.Id));
        cut.WaitForAssertion(() => Assert.Equal("Invoice not sent", cut.Find("[data-status]").TextContent.Trim()));
        Assert.Equal("Not sent yet", cut.Find("[data-testid=invoice-number]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=invoice-link]"));

        await cut.Find("button[data-testid=send-invoice]").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Equal("Invoice open", cut.Find("[data-status]").TextContent.Trim()));
        Assert.Empty(cut.FindAll("[data-testid=send-invoice]"));
        var pay = cut.Find("a[data-testid=invoice-link]");
        Assert.Equal(CheckoutPaths.TestInvoice(order.Id), pay.GetAttribute("href"));
        Assert.Null(pay.GetAttribute("target"));
        await using var db = _fx.Db();
        Assert.Equal($"{InvoicePayments.TestInvoicePrefix}{order.Id:N}", (await db.Orders.SingleAsync(o => o.Id == order.Id)).InvoiceId);
    }

    [Fact]
    public async Task Sending_an_invoice_while_the_payment_service_does_not_answer_says_so_and_issues_nothing()
    {
        var order = await QuoteSteps.AcceptByInvoiceAsync(_fx, _fx.Contoso, await QuoteSteps.CreateAsync(_fx, _fx.Contoso, (10, 1)));
        await using var ctx = await QuoteSteps.UnreachableStripeContextAsync(_fx, _fx.Contoso);
        var cut = ctx.Render<OrderDetail>(p => p.Add(c => c.OrderId, order.Id));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("button[data-testid=send-invoice]")));

        await cut.Find("button[data-testid=send-invoice]").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Contains("the invoice was not sent", cut.Find("[data-testid=send-invoice-error]").TextContent),
            TimeSpan.FromSeconds(30));
        Assert.Equal("Invoice not sent", cut.Find("[data-status]").TextContent.Trim());
        Assert.NotNull(cut.Find("button[data-testid=send-invoice]"));
        await using var db = _fx.Db();
        Assert.Null((await db.Orders.SingleAsync(o => o.Id == order.Id)).InvoiceId);
    }

    [Theory]
    [InlineData(MemberRoles.Technical)]
    [InlineData(MemberRoles.None)]
    public async Task A_member_without_the_billing_role_cannot_send_an_orders_invoice(MemberRoles roles)
    {
        var order = await QuoteSteps.AcceptByInvoiceAsync(_fx, _fx.Contoso, await QuoteSteps.CreateAsync(_fx, _fx.Contoso, (10, 1)));
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso, "tech@contoso.example", roles);

        var cut = page.Bunit.Render<OrderDetail>(p => p.Add(c => c.OrderId, order.Id));

        cut.WaitForAssertion(() => Assert.Equal("Invoice not sent", cut.Find("[data-status]").TextContent.Trim()));
        Assert.Empty(cut.FindAll("[data-testid=send-invoice]"));
        Assert.Contains("To send the invoice, you need the Billing role.", cut.Find("[data-testid=role-required]").TextContent);
    }

    [Fact]
    public async Task A_paid_invoice_order_reads_paid_with_its_licenses()
    {
        var order = await QuoteSteps.AcceptByInvoiceAsync(_fx, _fx.Contoso, await QuoteSteps.CreateAsync(_fx, _fx.Contoso, (10, 1)));
        var invoice = await IssueInvoiceAsync(order);
        await _fx.Get<PaymentEventService>().HandleAsync(new InvoicePaid(order.Id, invoice, order.Total, "pi_invoice_1"));
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);

        var cut = page.Bunit.Render<OrderDetail>(p => p.Add(c => c.OrderId, order.Id));

        cut.WaitForAssertion(() => Assert.Equal("Fulfilled", cut.Find("section").GetAttribute("data-order-status")));
        Assert.Equal("Paid", cut.Find("[data-status]").TextContent.Trim());
        Assert.Equal("Paid", cut.Find("[data-testid=invoice-status]").TextContent);
        Assert.Contains("Payment received", cut.Find("section h2").TextContent);
        Assert.Contains("View the invoice", cut.Find("a[data-testid=invoice-link]").TextContent);
        Assert.Single(cut.FindAll("tr[data-license-id]"));
    }

    [Fact]
    public async Task A_trusted_organizations_invoice_order_has_its_licenses_while_the_invoice_is_open()
    {
        await _fx.Get<OrganizationService>().TrustWithKeysOnInvoiceAsync(_fx.Contoso.Id, true, "Long-standing customer", DomainFixture.Sales);
        var order = await QuoteSteps.AcceptByInvoiceAsync(_fx, _fx.Contoso, await QuoteSteps.CreateAsync(_fx, _fx.Contoso, (10, 1)));
        await IssueInvoiceAsync(order);
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);

        var cut = page.Bunit.Render<OrderDetail>(p => p.Add(c => c.OrderId, order.Id));

        cut.WaitForAssertion(() => Assert.Equal("Fulfilled", cut.Find("section").GetAttribute("data-order-status")));
        Assert.Equal("Licenses issued — invoice open, due 29 Dec 2026", cut.Find("section h2").TextContent);
        Assert.Equal("Issued, invoice open", cut.Find("[data-status]").TextContent.Trim());
        Assert.Contains("View and pay the invoice", cut.Find("a[data-testid=invoice-link]").TextContent);
        Assert.Single(cut.FindAll("tr[data-license-id]"));
    }

    [Fact]
    public async Task A_cancelled_invoice_order_explains_the_void_and_the_revoked_licenses()
    {
        await _fx.Get<OrganizationService>().TrustWithKeysOnInvoiceAsync(_fx.Contoso.Id, true, "Long-standing customer", DomainFixture.Sales);
        var order = await QuoteSteps.AcceptByInvoiceAsync(_fx, _fx.Contoso, await QuoteSteps.CreateAsync(_fx, _fx.Contoso, (10, 1)));
        var invoice = await IssueInvoiceAsync(order);
        await _fx.Get<PaymentEventService>().HandleAsync(new InvoiceCancelled(order.Id, invoice.InvoiceId, Uncollectible: false));
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);

        var cut = page.Bunit.Render<OrderDetail>(p => p.Add(c => c.OrderId, order.Id));

        cut.WaitForAssertion(() => Assert.Equal("Cancelled", cut.Find("section").GetAttribute("data-order-status")));
        Assert.Equal("Cancelled", cut.Find("[data-status]").TextContent.Trim());
        var explanation = cut.Find("[data-testid=order-cancelled]").TextContent;
        Assert.Contains("The invoice was voided.", explanation);
        Assert.Contains("any licenses issued on its invoice are revoked", explanation);
        Assert.Equal("Void", cut.Find("[data-testid=invoice-status]").TextContent);
        Assert.Contains("Revoked", cut.Find("tr[data-license-id] [data-status]").TextContent);
    }

    [Fact]
    public async Task A_card_orders_page_and_list_row_show_no_invoice()
    {
        var order = await _fx.Order().Packs((10, 1)).PaidAsync("https://pay.stripe.com/receipts/contoso-7");
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);

        var detail = page.Bunit.Render<OrderDetail>(p => p.Add(c => c.OrderId, order.Id));
        var list = page.Bunit.Render<OrderList>();

        detail.WaitForAssertion(() => Assert.Equal("Fulfilled", detail.Find("section").GetAttribute("data-order-status")));
        Assert.Empty(detail.FindAll("[data-testid=order-payment]"));
        list.WaitForAssertion(() => Assert.Equal("Card", list.Find("tbody tr [data-testid=order-payment]").TextContent.Trim()));
    }

    [Fact]
    public async Task A_card_order_from_a_quote_shows_its_purchase_order_and_quote_and_still_offers_the_checkout()
    {
        var quote = await QuoteSteps.CreateAsync(_fx, _fx.Contoso, (10, 1));
        var order = await _fx.Get<QuoteService>().AcceptAsync(_fx.Contoso.Id, quote.Id, DomainFixture.CustomerIn(_fx.Contoso.Id, MemberRoles.Billing),
            DomainFixture.Customer.Name, new QuoteAcceptance("PO-9", PostalAddress.None, null, PaymentMethod.Checkout));
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso, "accounts@contoso.example", MemberRoles.Billing);

        var cut = page.Bunit.Render<OrderDetail>(p => p.Add(c => c.OrderId, order.Id));

        cut.WaitForAssertion(() => Assert.Equal("Not paid", cut.Find("[data-status]").TextContent.Trim()));
        Assert.Equal(CheckoutPaths.Start(order.Id), cut.Find("form[method=post]").GetAttribute("action"));
        Assert.Contains("By card at checkout", cut.Find("[data-testid=order-payment]").TextContent);
        Assert.Equal("PO-9", cut.Find("[data-testid=order-po]").TextContent);
        Assert.Equal(QuotePaths.Quote(quote.Id), cut.Find("a[data-testid=order-quote]").GetAttribute("href"));
        Assert.Empty(cut.FindAll("[data-testid=invoice-number]"));
    }

    private const string HostedInvoiceUrl = "https://invoice.stripe.com/i/acct_test/in_test_42";
    private const string InvoicePdfUrl = "https://pay.stripe.com/invoice/acct_test/in_test_42/pdf";

    /// <summary>The order's invoice issued as Stripe reports a finalized and sent one, due in 30 days.</summary>
    private async Task<IssuedInvoice> IssueInvoiceAsync(Order order)
    {
        var invoice = new IssuedInvoice("in_test_42", "INV-0042", _fx.Clock.GetUtcNow().AddDays(30), HostedInvoiceUrl, InvoicePdfUrl);
        var result = await _fx.Get<PaymentEventService>().HandleAsync(new InvoiceIssued(order.Id, invoice, order.Total));
        Assert.Equal(PaymentReportOutcome.Applied, result.Outcome);
        return invoice;
    }
}
