using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Portal.Components.Quotes;
using Portal.Domain.Catalog;
using Portal.Domain.Discounts;
using Portal.Domain.Members;
using Portal.Domain.Ordering;
using Portal.Domain.Organizations;
using Portal.Domain.Quotes;
using Portal.Payments;
using Portal.Tests.Builders;
using PaymentMethod = Portal.Domain.Ordering.PaymentMethod;

namespace Portal.Tests.Components;

/// <summary>
/// The quotes list and a quote's page on the real quote, order and (Development's test) invoice services: what the quote
/// says, who may act on it, accepting it by invoice or card, quoting an expired one again, and scope.
/// </summary>
public sealed class QuotePagesTests : IAsyncLifetime
{
    private DomainFixture _fx = null!;

    public async Task InitializeAsync() => _fx = await DomainFixture.CreateAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    [Fact]
    public async Task Without_quotes_the_list_says_how_to_get_one()
    {
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso, roles: MemberRoles.None);

        var cut = page.RenderPage<QuotesPage>();

        var empty = cut.Find("[data-testid=quotes-empty]").TextContent;
        Assert.Contains("has no quotes yet", empty);
        Assert.Contains("Get a quote", empty);
        Assert.NotNull(cut.Find("[data-testid=quotes-empty] a[href='/buy']"));
    }

    [Fact]
    public async Task The_list_shows_this_organizations_quotes_newest_first_with_status_and_the_order_of_an_accepted_one()
    {
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam");
        var theirs = await QuoteSteps.CreateAsync(_fx, fabrikam, (100, 1));
        var expired = await QuoteSteps.CreateAsync(_fx, _fx.Contoso, (5, 1));
        _fx.Clock.Advance(TimeSpan.FromDays(31));
        var accepted = await QuoteSteps.CreateAsync(_fx, _fx.Contoso, (10, 2));
        var order = await QuoteSteps.AcceptByInvoiceAsync(_fx, _fx.Contoso, accepted);
        var open = await QuoteSteps.CreateAsync(_fx, _fx.Contoso, (25, 1));
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso, roles: MemberRoles.Technical);

        var cut = page.RenderPage<QuotesPage>();

        var rows = cut.FindAll("tbody tr");
        Assert.Equal([open.Number, accepted.Number, expired.Number], rows.Select(r => r.QuerySelector("td")!.TextContent.Trim()));
        Assert.Equal(["Open", "Accepted", "Expired"], rows.Select(r => r.QuerySelector("[data-quote-status]")!.TextContent.Trim()));
        Assert.NotNull(rows[0].QuerySelector($"a[href='{QuotePaths.Quote(open.Id)}']"));
        Assert.Contains("USD 975.00", rows[0].TextContent);
        Assert.Contains("29 Jan 2027", rows[0].TextContent);
        Assert.Equal(CheckoutPaths.OrderDetail(order.Id), rows[1].QuerySelector("a[aria-label^='The order placed']")?.GetAttribute("href"));
        Assert.DoesNotContain(theirs.Number, cut.Markup);
        Assert.DoesNotContain(theirs.Id.ToString(), cut.Markup);
    }

    [Fact]
    public async Task A_quotes_page_shows_what_its_pdf_shows()
    {
        await _fx.ApprovedDiscountAsync(DiscountKind.Nonprofit, 40);
        await _fx.Get<OrganizationService>().ChangeBillingDetailsAsync(_fx.Contoso.Id,
            PostalAddress.Create("1 Market Street", "Floor 3", "EC1A 1BB", "London", ""), TaxId.Create("gb_vat", "GB123456789"), false,
            DomainFixture.CustomerIn(_fx.Contoso.Id));
        var quote = await QuoteSteps.CreateAsync(_fx, _fx.Contoso, (25, 1), (10, 1));
        await _fx.Get<QuoteService>().GiveSpecialPriceAsync(quote.Id, 10, "Multi-year framework agreement", DomainFixture.Sales);
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso, roles: MemberRoles.None);
        Navigate(page, QuotePaths.Quote(quote.Id));

        var cut = RenderQuote(page, quote.Id);

        Assert.Equal($"Quote {quote.Number}", cut.Find("h1").TextContent);
        var addressee = cut.Find("[data-testid=quote-addressee]").TextContent;
        Assert.Contains("Contoso Ltd", addressee);
        Assert.Contains("1 Market Street", addressee);
        Assert.Contains("EC1A 1BB London", addressee);
        Assert.Contains("United Kingdom", addressee);
        Assert.Contains("Tax ID: UK VAT number GB123456789", addressee);
        var lines = cut.Find("[data-testid=quote-lines]");
        Assert.Contains("OfficeStatus 6 – 25-user pack", lines.TextContent);
        Assert.Contains("OfficeStatus 6 – 10-user pack", lines.TextContent);
        Assert.Contains("USD 1,395.00", lines.QuerySelector("tfoot")!.TextContent);
        // 40 % off 975.00 + 420.00 = 558.00; then 10 % off the discounted 585.00 + 252.00 = 83.70.
        Assert.Contains("Nonprofit discount of 40 %", cut.Find("[data-testid=quote-discount]").TextContent);
        Assert.Contains("USD 558.00", cut.Find("[data-testid=quote-discount]").TextContent);
        Assert.Contains("Special price, 10 % off: Multi-year framework agreement", cut.Find("[data-testid=quote-special-price]").TextContent);
        Assert.Contains("USD 83.70", cut.Find("[data-testid=quote-special-price]").TextContent);
        Assert.Equal("USD 753.30", cut.Find("[data-testid=quote-total]").TextContent);
        Assert.Equal("29 Dec 2026", cut.Find("[data-testid=quote-valid-until]").TextContent);
        Assert.Equal(QuotePaths.Pdf(quote.Id), cut.Find("a[data-testid=quote-pdf]").GetAttribute("href"));
    }

    [Fact]
    public async Task Another_organizations_quote_is_not_found_and_nothing_of_it_shows()
    {
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam");
        var theirs = await QuoteSteps.CreateAsync(_fx, fabrikam, (100, 1));
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso);

        var cut = RenderQuote(page, theirs.Id);

        Assert.Equal("Quote not found", cut.Find("h1").TextContent);
        Assert.DoesNotContain(theirs.Number, cut.Markup);
        Assert.DoesNotContain("Fabrikam", cut.Markup);
        Assert.DoesNotContain("100-user pack", cut.Markup);
        Assert.Empty(cut.FindAll("[data-testid=accept-quote]"));
    }

    [Theory]
    [InlineData(MemberRoles.Technical)]
    [InlineData(MemberRoles.None)]
    public async Task A_member_without_the_billing_role_reads_a_quote_and_its_pdf_but_cannot_accept_send_or_requote_it(MemberRoles roles)
    {
        var open = await QuoteSteps.CreateAsync(_fx, _fx.Contoso, (10, 1));
        var expired = await QuoteSteps.CreateAsync(_fx, _fx.Contoso, (5, 1));
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso, "tech@contoso.example", roles);

        var openPage = RenderQuote(page, open.Id);
        _fx.Clock.Advance(TimeSpan.FromDays(31));
        var expiredPage = RenderQuote(page, expired.Id);

        Assert.NotNull(openPage.Find("a[data-testid=quote-pdf]"));
        Assert.Empty(openPage.FindAll("[data-testid=accept-quote]"));
        Assert.Empty(openPage.FindAll("[data-testid=send-again]"));
        var note = openPage.Find("[data-testid=role-required]");
        Assert.Equal("Billing", note.GetAttribute("data-role"));
        Assert.Contains("To accept quotes, you need the Billing role.", note.TextContent);
        Assert.Equal("Expired", expiredPage.Find("section").GetAttribute("data-quote-status"));
        Assert.Empty(expiredPage.FindAll("[data-testid=requote]"));
    }

    [Fact]
    public async Task Sending_a_quote_again_emails_the_billing_contacts_and_records_it()
    {
        var quote = await QuoteSteps.CreateAsync(_fx, _fx.Contoso, (10, 1));
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso, "accounts@contoso.example", MemberRoles.Billing);
        var cut = RenderQuote(page, quote.Id);
        _fx.Clock.Advance(TimeSpan.FromMinutes(5));
        int emailsBefore;
        await using (var db = _fx.Db())
            emailsBefore = await db.OutboxMessages.CountAsync();

        await cut.Find("button[data-testid=send-again]").ClickAsync(new());

        page.Snackbars.WaitForAssertion(() => Assert.Contains($"Quote {quote.Number} is on its way", page.Snackbars.Markup), TimeSpan.FromSeconds(5));
        await using var after = _fx.Db();
        Assert.True(await after.OutboxMessages.CountAsync() > emailsBefore);
        var sent = await after.AuditEvents.Where(e => e.Action == "quote.sent" && e.EntityId == quote.Id.ToString()).ToListAsync();
        Assert.Contains(sent, e => e.ActorUserId == page.Member.Id && e.Summary.Contains("sent again", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_expired_quote_is_quoted_again_at_todays_prices_and_points_to_the_new_one()
    {
        var expired = await QuoteSteps.CreateAsync(_fx, _fx.Contoso, (10, 1));
        _fx.Clock.Advance(TimeSpan.FromDays(31));
        await ChangeListPriceAsync(seats: 10, minor: 45_000);
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso, "accounts@contoso.example", MemberRoles.Billing);
        var cut = RenderQuote(page, expired.Id);
        Assert.Equal("Expired", cut.Find("section").GetAttribute("data-quote-status"));
        Assert.Empty(cut.FindAll("[data-testid=accept-quote]"));

        await cut.Find("button[data-testid=requote]").ClickAsync(new());

        Quote newer;
        await using (var db = _fx.Db())
            newer = await db.Quotes.SingleAsync(q => q.Id != expired.Id);
        Assert.Equal(DomainFixture.Usd(45_000), newer.Total);
        Assert.EndsWith(QuotePaths.Quote(newer.Id), Navigation(page).Uri);
        var again = RenderQuote(page, expired.Id);
        Assert.Equal(QuotePaths.Quote(newer.Id), again.Find("[data-testid=quote-newer] a").GetAttribute("href"));
        Assert.Empty(again.FindAll("[data-testid=requote]"));
    }

    [Fact]
    public async Task A_governmental_organization_must_give_its_purchase_order_number_and_then_gets_a_test_invoice()
    {
        var city = await _fx.AddOrganizationAsync("City of Springfield", OrganizationKind.Governmental);
        var quote = await QuoteSteps.CreateAsync(_fx, city, (10, 1));
        await using var page = await CustomerPageContext.CreateAsync(_fx, city, "procurement@springfield.example", MemberRoles.Billing);
        var cut = RenderQuote(page, quote.Id);
        var po = cut.FindComponents<MudTextField<string>>().Single(f => f.Instance.Label == "Purchase-order number");
        Assert.True(po.Instance.Required);
        Assert.Contains("Required by your organization", po.Markup);
        Assert.Contains("due in 30 days", cut.Find("[data-testid=accept-quote]").TextContent);
        await TypeAsync(cut, "Street address", "742 Evergreen Terrace");
        await TypeAsync(cut, "City", "Springfield");

        await cut.Find("button[data-testid=accept]").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Contains(
            "Your organization requires a purchase-order number to accept a quote.", EvaluationPageTests.FieldErrors(cut)));
        Assert.Equal("742 Evergreen Terrace", Input(cut, "Street address").GetAttribute("value"));
        await using (var db = _fx.Db())
            Assert.Empty(await db.Orders.ToListAsync());

        await TypeAsync(cut, "Purchase-order number", "PO-2026-0042");
        await cut.Find("button[data-testid=accept]").ClickAsync(new());

        var order = await SingleOrderAsync();
        Assert.Equal(PaymentMethod.Invoice, order.PaymentMethod);
        Assert.Equal("PO-2026-0042", order.PurchaseOrderNumber);
        Assert.Equal(quote.Id, order.QuoteId);
        Assert.Equal(DomainFixture.Usd(42_000), order.Total);
        Assert.Equal($"{InvoicePayments.TestInvoicePrefix}{order.Id:N}", order.InvoiceId);
        Assert.Equal(InvoiceStatus.Open, order.InvoiceStatus);
        Assert.Equal(OrderStatus.Pending, order.Status);
        Assert.EndsWith(CheckoutPaths.OrderDetail(order.Id), Navigation(page).Uri);
        await using var after = _fx.Db();
        var organization = await after.Organizations.SingleAsync(o => o.Id == city.Id);
        Assert.Equal("742 Evergreen Terrace", organization.BillingAddress.Line1);
    }

    [Fact]
    public async Task Accepting_to_pay_by_card_places_the_order_at_the_quotes_prices_and_goes_to_checkout()
    {
        var quote = await QuoteSteps.CreateAsync(_fx, _fx.Contoso, (25, 1));
        await ChangeListPriceAsync(seats: 25, minor: 99_900);
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso, "accounts@contoso.example", MemberRoles.Billing);
        var cut = RenderQuote(page, quote.Id);
        Assert.False(cut.FindComponents<MudTextField<string>>().Single(f => f.Instance.Label == "Purchase-order number").Instance.Required);

        await ChoosePaymentAsync(cut, PaymentMethod.Checkout);
        await cut.Find("button[data-testid=accept]").ClickAsync(new());

        var order = await SingleOrderAsync();
        Assert.Equal(PaymentMethod.Checkout, order.PaymentMethod);
        Assert.Null(order.PurchaseOrderNumber);
        Assert.Equal(DomainFixture.Usd(97_500), order.Total);
        Assert.EndsWith(CheckoutPaths.Test(order.Id), Navigation(page).Uri);
    }

    [Fact]
    public async Task Bad_billing_details_give_clear_messages_keep_what_was_typed_and_accept_nothing()
    {
        var quote = await QuoteSteps.CreateAsync(_fx, _fx.Contoso, (10, 1));
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso, "accounts@contoso.example", MemberRoles.Billing);
        var cut = RenderQuote(page, quote.Id);

        await cut.Find("button[data-testid=accept]").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.Equal("An invoice needs a billing address.", cut.Find("[data-testid=accept-error]").TextContent.Trim()));

        await TypeAsync(cut, "Purchase-order number", "4500012345");
        await TypeAsync(cut, "Street address", "1 Market Street");
        await cut.Find("button[data-testid=accept]").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.Equal("A billing address needs a city.", cut.Find("[data-testid=accept-error]").TextContent.Trim()));

        await TypeAsync(cut, "City", "London");
        await TypeAsync(cut, "Tax ID (optional)", "GB 123 456 789");
        await cut.Find("button[data-testid=accept]").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.Equal("Choose what kind of tax ID this is.", cut.Find("[data-testid=accept-error]").TextContent.Trim()));

        Assert.Equal("4500012345", Input(cut, "Purchase-order number").GetAttribute("value"));
        Assert.Equal("1 Market Street", Input(cut, "Street address").GetAttribute("value"));
        Assert.Equal("London", Input(cut, "City").GetAttribute("value"));
        Assert.Equal("GB 123 456 789", Input(cut, "Tax ID (optional)").GetAttribute("value"));
        await using var db = _fx.Db();
        Assert.Empty(await db.Orders.ToListAsync());
        Assert.Equal(QuoteStatus.Open, (await db.Quotes.SingleAsync()).Status);
    }

    [Fact]
    public async Task When_the_payment_service_does_not_answer_the_order_is_placed_and_the_page_says_the_invoice_is_not_sent_yet()
    {
        var quote = await QuoteSteps.CreateAsync(_fx, _fx.Contoso, (10, 1));
        await using var ctx = await QuoteSteps.UnreachableStripeContextAsync(_fx, _fx.Contoso);
        var cut = ctx.Render<QuotePage>(p => p.Add(c => c.QuoteId, quote.Id));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=accept-quote]")));
        await TypeAsync(cut, "Street address", "1 Market Street");
        await TypeAsync(cut, "City", "London");

        await cut.Find("button[data-testid=accept]").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=invoice-not-sent]")), TimeSpan.FromSeconds(30));
        await using var db = _fx.Db();
        var order = await db.Orders.SingleAsync();
        Assert.Equal(OrderStatus.Pending, order.Status);
        Assert.Null(order.InvoiceId);
        Assert.Equal(CheckoutPaths.OrderDetail(order.Id), cut.Find("[data-testid=invoice-not-sent] a").GetAttribute("href"));
        Assert.Contains("Your order is placed, but its invoice could not be sent yet", cut.Find("[data-testid=invoice-not-sent]").TextContent);
        Assert.Equal("Accepted", cut.Find("section").GetAttribute("data-quote-status"));
        Assert.Empty(cut.FindAll("[data-testid=accept-quote]"));
    }

    [Fact]
    public async Task An_accepted_quote_shows_its_order_and_no_longer_offers_acceptance()
    {
        var quote = await QuoteSteps.CreateAsync(_fx, _fx.Contoso, (10, 1));
        var order = await QuoteSteps.AcceptByInvoiceAsync(_fx, _fx.Contoso, quote, purchaseOrderNumber: "PO-77");
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso, "accounts@contoso.example", MemberRoles.Billing);

        var cut = RenderQuote(page, quote.Id);

        Assert.Equal("Accepted", cut.Find("section").GetAttribute("data-quote-status"));
        Assert.Contains("with purchase order PO-77, to be paid by invoice", cut.Find("[data-testid=quote-accepted]").TextContent);
        Assert.Equal(CheckoutPaths.OrderDetail(order.Id), cut.Find("a[data-testid=quote-order]").GetAttribute("href"));
        Assert.Empty(cut.FindAll("[data-testid=accept-quote]"));
    }

    [Fact]
    public async Task A_quote_whose_card_checkout_expired_can_be_accepted_again_while_it_is_valid()
    {
        var quote = await QuoteSteps.CreateAsync(_fx, _fx.Contoso, (10, 1));
        var first = await _fx.Get<QuoteService>().AcceptAsync(_fx.Contoso.Id, quote.Id, DomainFixture.CustomerIn(_fx.Contoso.Id, MemberRoles.Billing),
            DomainFixture.Customer.Name, new QuoteAcceptance("PO-1", PostalAddress.None, null, PaymentMethod.Checkout));
        await _fx.Get<PaymentEventService>().HandleAsync(new CheckoutExpired(first.Id));
        await using var page = await CustomerPageContext.CreateAsync(_fx, _fx.Contoso, "accounts@contoso.example", MemberRoles.Billing);
        var cut = RenderQuote(page, quote.Id);
        Assert.Equal("Accepted", cut.Find("section").GetAttribute("data-quote-status"));
        Assert.Contains("ended unpaid", cut.Markup);
        Assert.Equal("PO-1", Input(cut, "Purchase-order number").GetAttribute("value"));

        await TypeAsync(cut, "Street address", "1 Market Street");
        await TypeAsync(cut, "City", "London");
        await cut.Find("button[data-testid=accept]").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Contains("/orders/", Navigation(page).Uri));
        await using var db = _fx.Db();
        var again = await db.Orders.SingleAsync(o => o.Id != first.Id);
        Assert.Equal(PaymentMethod.Invoice, again.PaymentMethod);
        Assert.Equal(quote.Id, again.QuoteId);
        Assert.EndsWith(CheckoutPaths.OrderDetail(again.Id), Navigation(page).Uri);
    }

    private IRenderedComponent<QuotePage> RenderQuote(CustomerPageContext page, Guid quoteId)
    {
        var cut = page.Bunit.Render<QuotePage>(p => p.Add(c => c.QuoteId, quoteId));
        cut.WaitForAssertion(() =>
        {
            Assert.Single(cut.FindAll("h1"));
            Assert.Empty(cut.FindAll(".mud-progress-circular"));
        }, TimeSpan.FromSeconds(5));
        return cut;
    }

    private static IElement Input(IRenderedComponent<QuotePage> cut, string label) =>
        cut.FindComponents<MudTextField<string>>().Single(f => f.Instance.Label == label).Find("input");

    private static Task TypeAsync(IRenderedComponent<QuotePage> cut, string label, string text) =>
        Input(cut, label).ChangeAsync(new ChangeEventArgs { Value = text });

    private static Task ChoosePaymentAsync(IRenderedComponent<QuotePage> cut, PaymentMethod method) =>
        cut.InvokeAsync(() => cut.FindComponent<MudRadioGroup<PaymentMethod>>().Instance.ValueChanged.InvokeAsync(method));

    private static NavigationManager Navigation(CustomerPageContext page) => page.Bunit.Services.GetRequiredService<NavigationManager>();

    private static void Navigate(CustomerPageContext page, string path) => Navigation(page).NavigateTo(path);

    private Task ChangeListPriceAsync(int seats, long minor) =>
        _fx.Get<CatalogService>().ChangePackPriceAsync(_fx.OfficeStatus.Id, seats, DomainFixture.Usd(minor), DomainFixture.Admin);

    private async Task<Order> SingleOrderAsync()
    {
        Order? order = null;
        for (var attempt = 0; attempt < 50 && order is null; attempt++)
        {
            await using var db = _fx.Db();
            order = await db.Orders.Include(o => o.Lines).SingleOrDefaultAsync(o => o.InvoiceId != null || o.PaymentMethod == PaymentMethod.Checkout);
            if (order is null)
                await Task.Delay(100);
        }
        return Assert.IsType<Order>(order);
    }
}

/// <summary>Quotes made and accepted through the domain, as the pages make and accept them.</summary>
internal static class QuoteSteps
{
    /// <summary>A Billing member's quote of OfficeStatus packs (by their seats, with how many of each) for the organization.</summary>
    public static Task<Quote> CreateAsync(DomainFixture fx, Organization organization, params (int Seats, int Quantity)[] packs) =>
        fx.Get<QuoteService>().CreateAsync(organization.Id, DomainFixture.CustomerIn(organization.Id, MemberRoles.Billing),
            DomainFixture.Customer.Name, fx.Cart(packs));

    /// <summary>
    /// A page context for a Billing member of the organization in which Stripe is configured but does not answer (nothing
    /// listens on the discard port), as when its API is down.
    /// </summary>
    public static async Task<BunitContext> UnreachableStripeContextAsync(DomainFixture fx, Organization organization)
    {
        var member = await CustomerPageContext.AddMemberAsync(fx, organization, "accounts@contoso.example", MemberRoles.Billing);
        var ctx = PortalPageServices.NewContext(fx, CustomerPageContext.Principal(member, organization, MemberRoles.Billing),
            services => services.AddSingleton(new StripeSettings { SecretKey = Portal.Tests.Fakes.Stripe.FakeStripe.SecretKey, ApiBase = "http://127.0.0.1:9" }));
        ctx.Render<MudPopoverProvider>();
        return ctx;
    }

    /// <summary>The quote accepted to be paid by invoice, with a billing address; the order is placed, its invoice not yet issued.</summary>
    public static Task<Order> AcceptByInvoiceAsync(DomainFixture fx, Organization organization, Quote quote, string? purchaseOrderNumber = null) =>
        fx.Get<QuoteService>().AcceptAsync(organization.Id, quote.Id, DomainFixture.CustomerIn(organization.Id, MemberRoles.Billing),
            DomainFixture.Customer.Name,
            new QuoteAcceptance(purchaseOrderNumber, PostalAddress.Create("1 Market Street", "", "EC1A 1BB", "London", ""), null, PaymentMethod.Invoice));
}
