using Microsoft.EntityFrameworkCore;
using Portal.Domain;
using Portal.Domain.Accounts;
using Portal.Domain.Catalog;
using Portal.Domain.Data;
using Portal.Domain.Discounts;
using Portal.Domain.History;
using Portal.Domain.Members;
using Portal.Domain.Ordering;
using Portal.Domain.Organizations;
using Portal.Domain.Quotes;
using Portal.Tests.Builders;

namespace Portal.Tests.Domain;

/// <summary>
/// Quotes on a real SQLite database (docs/rules.md#quotes-and-invoices): numbered once and for all, their prices frozen
/// until they expire, accepted once into an order at exactly those prices, given a special price by sales within the
/// admins' limit, expired and quoted again, and each step in the history and emailed to the Billing contacts.
/// </summary>
public sealed class QuoteTests : IAsyncLifetime
{
    private DomainFixture _fx = null!;

    public async Task InitializeAsync() => _fx = await DomainFixture.CreateAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    private QuoteService Quotes => _fx.Get<QuoteService>();

    private Guid Contoso => _fx.Contoso.Id;

    private static Actor BillingOf(Guid organizationId) => QuoteBuilder.BillingMember(organizationId);

    private Task<Order> AcceptAsync(Quote quote, QuoteAcceptance acceptance, Guid? organizationId = null)
    {
        var organization = organizationId ?? quote.OrganizationId;
        return Quotes.AcceptAsync(organization, quote.Id, BillingOf(organization), "ana@contoso.example", acceptance);
    }

    private async Task<Quote> StoredAsync(Quote quote) => (await Quotes.FindAsync(quote.OrganizationId, quote.Id))!;

    private async Task<int> CountAsync<T>(Func<PortalDbContext, IQueryable<T>> rows)
    {
        await using var db = _fx.Db();
        return await rows(db).CountAsync();
    }

    private async Task<List<string>> AuditAsync(string action)
    {
        await using var db = _fx.Db();
        return await db.AuditEvents.Where(e => e.Action == action).OrderBy(e => e.Id).Select(e => e.Summary).ToListAsync();
    }

    /// <summary>The quote's lines and amounts as text, to compare a quote read at two moments.</summary>
    private static string Prices(Quote quote) =>
        string.Join("; ", quote.Lines.OrderBy(l => l.Position).Select(l =>
            $"{l.Quantity} × {l.Description} at {l.UnitListPrice} less {l.UnitDiscount} = {l.UnitPrice}, {l.Total}"))
        + $" | {quote.Subtotal} less {quote.DiscountTotal} = {quote.Total}";

    // Numbers

    [Fact]
    public async Task A_quote_number_is_Q_the_year_it_was_made_and_five_digits_that_count_on_across_years()
    {
        var first = await _fx.Quote().Packs((10, 1)).CreateAsync();
        _fx.Clock.SetUtcNow(new DateTimeOffset(2027, 1, 2, 9, 0, 0, TimeSpan.Zero));
        var second = await _fx.Quote().Packs((10, 1)).CreateAsync();

        Assert.Equal(("Q-2026-00001", 1L), (first.Number, first.Sequence));
        Assert.Equal(("Q-2027-00002", 2L), (second.Number, second.Sequence));
    }

    [Fact]
    public async Task Twenty_quotes_asked_for_at_once_get_twenty_distinct_consecutive_numbers()
    {
        var quotes = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => _fx.Quote().Packs((5, 1)).CreateAsync())));

        Assert.Equal(Enumerable.Range(1, 20).Select(n => (long)n), quotes.Select(q => q.Sequence).Order());
        Assert.Equal(Enumerable.Range(1, 20).Select(n => $"Q-2026-{n:D5}"), quotes.Select(q => q.Number).Order());
        await using var db = _fx.Db();
        Assert.Equal(20, await db.Quotes.Select(q => q.Number).Distinct().CountAsync());
    }

    [Fact]
    public async Task A_quote_that_cannot_be_made_uses_no_number()
    {
        await _fx.ApprovedDiscountAsync(DiscountKind.Nonprofit, percent: 100);
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam");

        var refused = await Assert.ThrowsAsync<DomainException>(() => _fx.Quote().Packs((1, 1)).CreateAsync());
        var next = await _fx.Quote().For(fabrikam).Packs((1, 1)).CreateAsync();

        Assert.Equal("A quote must come to at least USD 0.50.", refused.Message);
        Assert.Equal("Q-2026-00001", next.Number);
        Assert.Equal(1, await CountAsync(db => db.Quotes));
        Assert.StartsWith("Quote Q-2026-00001 for USD 49.00", Assert.Single(await AuditAsync("quote.created")));
    }

    // Frozen prices

    [Fact]
    public async Task A_quote_holds_its_prices_and_discount_whatever_the_catalog_does_and_its_order_is_placed_at_them()
    {
        var discount = await _fx.ApprovedDiscountAsync(DiscountKind.Nonprofit, percent: 20);
        var quote = await _fx.Quote().Packs((10, 2), (25, 1)).CreateAsync();
        var quoted = Prices(await StoredAsync(quote));

        var catalog = _fx.Get<CatalogService>();
        await catalog.ChangePackPriceAsync(_fx.OfficeStatus.Id, 10, DomainFixture.Usd(50_000), DomainFixture.Admin);
        await catalog.ChangePackPriceAsync(_fx.OfficeStatus.Id, 25, DomainFixture.Usd(120_000), DomainFixture.Admin);
        var order = await AcceptAsync(quote, QuoteBuilder.Acceptance(PaymentMethod.Checkout));

        var stored = await StoredAsync(quote);
        Assert.Equal(quoted, Prices(stored));
        Assert.Equal(
            "2 × OfficeStatus 6 – 10-user pack (20 % discount) at USD 420.00 less USD 84.00 = USD 336.00, USD 672.00; "
            + "1 × OfficeStatus 6 – 25-user pack (20 % discount) at USD 975.00 less USD 195.00 = USD 780.00, USD 780.00 "
            + "| USD 1,815.00 less USD 363.00 = USD 1,452.00", quoted);
        Assert.Equal((discount.Id, DiscountKind.Nonprofit, 20), (stored.DiscountApplicationId, stored.DiscountKind, stored.DiscountPercent));
        Assert.Equal(DiscountService.Explain(discount), stored.DiscountReason);
        Assert.Equal(stored.DiscountReason, stored.DiscountDescription);
        Assert.Equal(("Contoso Ltd", "billing@contoso.example", "GB"), (stored.OrganizationName, stored.BillingEmail, stored.CountryCode));
        Assert.Equal((DomainFixture.Start, DomainFixture.Start.AddDays(30)), (stored.CreatedAt, stored.ValidUntil));

        Assert.Equal((quote.Id, stored.Total, stored.Subtotal, stored.DiscountTotal), (order.QuoteId!.Value, order.Total, order.Subtotal, order.DiscountTotal));
        Assert.Equal(stored.Lines.OrderBy(l => l.Position).Select(l => (l.Description, l.Quantity, l.UnitListPrice, l.UnitPrice, l.Total)),
            order.Lines.Select(l => (l.Description, l.Quantity, l.UnitListPrice, l.UnitPrice, l.Total)));
        Assert.Equal(stored.DiscountReason, order.DiscountDescription);
        var paid = await _fx.Get<PaymentEventService>().HandleAsync(PaymentReports.Paid(order));
        Assert.Equal(PaymentReportOutcome.Applied, paid.Outcome);
        Assert.Equal(3, await CountAsync(db => db.Licenses.Where(l => l.OrderId == order.Id)));
    }

    // Expiry and quoting again

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_expired_quote_cannot_be_accepted_whether_or_not_the_expiry_sweep_ran(bool swept)
    {
        var quote = await _fx.Quote().Packs((10, 1)).CreateAsync();
        _fx.Clock.Advance(TimeSpan.FromDays(30));
        if (swept)
            Assert.Equal(1, await Quotes.ExpireDueAsync());

        var refused = await Assert.ThrowsAsync<DomainException>(() => AcceptAsync(quote, QuoteBuilder.Acceptance(PaymentMethod.Invoice)));

        Assert.Equal("Quote Q-2026-00001 expired on 29 December 2026; ask for a new quote at today's prices.", refused.Message);
        Assert.Equal(0, await CountAsync(db => db.Orders));
        Assert.Equal(QuoteStatus.Expired, (await StoredAsync(quote)).StatusAt(_fx.Clock.GetUtcNow()));
    }

    [Fact]
    public async Task A_quote_can_be_accepted_until_the_moment_it_expires()
    {
        var quote = await _fx.Quote().Packs((10, 1)).CreateAsync();
        _fx.Clock.Advance(TimeSpan.FromDays(30) - TimeSpan.FromSeconds(1));

        var order = await AcceptAsync(quote, QuoteBuilder.Acceptance(PaymentMethod.Invoice));

        Assert.Equal(OrderStatus.Pending, order.Status);
        Assert.Equal(QuoteStatus.Accepted, (await StoredAsync(quote)).StatusAt(_fx.Clock.GetUtcNow().AddDays(1)));
    }

    [Fact]
    public async Task The_expiry_sweep_marks_each_due_open_quote_expired_once_with_history_and_one_email()
    {
        var due = await _fx.Quote().Packs((10, 1)).CreateAsync();
        var accepted = await _fx.Quote().Packs((5, 1)).CreateAsync();
        await AcceptAsync(accepted, QuoteBuilder.Acceptance(PaymentMethod.Invoice));
        _fx.Clock.Advance(TimeSpan.FromDays(10));
        var notYetDue = await _fx.Quote().Packs((25, 1)).CreateAsync();
        _fx.Clock.Advance(TimeSpan.FromDays(20));

        var first = await Quotes.ExpireDueAsync();
        _fx.Clock.Advance(TimeSpan.FromHours(1));
        var second = await Quotes.ExpireDueAsync();

        Assert.Equal((1, 0), (first, second));
        Assert.Equal(QuoteStatus.Expired, (await StoredAsync(due)).Status);
        Assert.Equal(QuoteStatus.Accepted, (await StoredAsync(accepted)).Status);
        Assert.Equal(QuoteStatus.Open, (await StoredAsync(notYetDue)).Status);
        Assert.Equal(["Quote Q-2026-00001 for USD 420.00 expired unaccepted."], await AuditAsync("quote.expired"));
        await using var db = _fx.Db();
        var email = await db.OutboxMessages.AsNoTracking().SingleAsync(m => m.DeduplicationKey!.StartsWith("quote-expired:"));
        Assert.Equal($"quote-expired:{due.Id:N}", email.DeduplicationKey);
        Assert.Equal("Quote Q-2026-00001 has expired – Contoso Ltd", email.Subject);
    }

    [Fact]
    public async Task An_expired_quote_is_quoted_again_at_today_s_prices_and_discount_under_a_new_number_linked_to_the_old()
    {
        var expired = await _fx.Quote().Packs((10, 2)).CreateAsync();
        await _fx.Get<CatalogService>().ChangePackPriceAsync(_fx.OfficeStatus.Id, 10, DomainFixture.Usd(45_000), DomainFixture.Admin);
        _fx.Clock.Advance(TimeSpan.FromDays(31));
        await _fx.ApprovedDiscountAsync(DiscountKind.Educational, percent: 10);

        var again = await Quotes.RequoteAsync(Contoso, expired.Id, BillingOf(Contoso), "ana@contoso.example");

        Assert.Equal(("Q-2026-00002", QuoteStatus.Open), (again.Number, again.Status));
        Assert.Equal(_fx.Clock.GetUtcNow().AddDays(30), again.ValidUntil);
        Assert.Equal("2 × OfficeStatus 6 – 10-user pack (10 % discount) at USD 450.00 less USD 45.00 = USD 405.00, USD 810.00 "
                     + "| USD 900.00 less USD 90.00 = USD 810.00", Prices(again));
        var old = await StoredAsync(expired);
        Assert.Equal((QuoteStatus.Expired, again.Id), (old.Status, old.RequotedAsId));
        Assert.Equal(USD(84_000), old.Total);
        Assert.Equal(["Expired quote Q-2026-00001 quoted again at today's prices as Q-2026-00002."], await AuditAsync("quote.requoted"));

        var twice = await Assert.ThrowsAsync<DomainException>(() => Quotes.RequoteAsync(Contoso, expired.Id, BillingOf(Contoso), "ana@contoso.example"));
        Assert.Equal("Quote Q-2026-00001 has been quoted again already.", twice.Message);
        Assert.Equal(2, await CountAsync(db => db.Quotes));
    }

    [Fact]
    public async Task A_quote_still_valid_or_accepted_is_not_quoted_again()
    {
        var valid = await _fx.Quote().Packs((10, 1)).CreateAsync();
        var accepted = await _fx.Quote().Packs((5, 1)).CreateAsync();
        await AcceptAsync(accepted, QuoteBuilder.Acceptance(PaymentMethod.Invoice));

        var stillValid = await Assert.ThrowsAsync<DomainException>(() => Quotes.RequoteAsync(Contoso, valid.Id, BillingOf(Contoso), "ana@contoso.example"));
        _fx.Clock.Advance(TimeSpan.FromDays(40));
        var wasAccepted = await Assert.ThrowsAsync<DomainException>(() => Quotes.RequoteAsync(Contoso, accepted.Id, BillingOf(Contoso), "ana@contoso.example"));

        Assert.Equal("Quote Q-2026-00001 is still valid until 29 December 2026; accept it instead.", stillValid.Message);
        Assert.Equal("Quote Q-2026-00002 is accepted; ask for a new quote from the cart.", wasAccepted.Message);
        Assert.Equal(2, await CountAsync(db => db.Quotes));
    }

    [Fact]
    public async Task Two_requotes_of_one_expired_quote_at_once_make_one_new_quote()
    {
        var expired = await _fx.Quote().Packs((10, 1)).CreateAsync();
        _fx.Clock.Advance(TimeSpan.FromDays(31));

        var attempts = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() =>
            Record.ExceptionAsync(() => Quotes.RequoteAsync(Contoso, expired.Id, BillingOf(Contoso), "ana@contoso.example")))));

        Assert.Equal(1, attempts.Count(e => e is null));
        Assert.All(attempts.Where(e => e is not null), e => Assert.IsType<DomainException>(e));
        Assert.Equal(2, await CountAsync(db => db.Quotes));
        Assert.Equal(2L, await ScalarAsync(db => db.DocumentSequences.Select(s => s.Last).SingleAsync()));
    }

    private async Task<T> ScalarAsync<T>(Func<PortalDbContext, Task<T>> read)
    {
        await using var db = _fx.Db();
        return await read(db);
    }

    // Accepting

    [Fact]
    public async Task A_governmental_organization_accepts_only_with_a_purchase_order_number_a_commercial_one_without_too()
    {
        var city = await _fx.AddOrganizationAsync("City of Springfield", OrganizationKind.Governmental);
        Assert.True(city.PurchaseOrderRequired);
        Assert.False(_fx.Contoso.PurchaseOrderRequired);
        var cityQuote = await _fx.Quote().For(city).Packs((10, 1)).CreateAsync();
        var contosoQuote = await _fx.Quote().Packs((10, 1)).CreateAsync();

        var withoutPo = await Assert.ThrowsAsync<DomainException>(() => AcceptAsync(cityQuote, QuoteBuilder.Acceptance(PaymentMethod.Invoice, purchaseOrder: "  ")));
        Assert.Equal("Your organization requires a purchase-order number to accept a quote.", withoutPo.Message);
        Assert.Equal(0, await CountAsync(db => db.Orders));

        var cityOrder = await AcceptAsync(cityQuote, QuoteBuilder.Acceptance(PaymentMethod.Invoice, purchaseOrder: " PO-2026-118 "));
        var contosoOrder = await AcceptAsync(contosoQuote, QuoteBuilder.Acceptance(PaymentMethod.Invoice, purchaseOrder: null));

        Assert.Equal("PO-2026-118", cityOrder.PurchaseOrderNumber);
        Assert.Equal("PO-2026-118", (await StoredAsync(cityQuote)).PurchaseOrderNumber);
        Assert.Null(contosoOrder.PurchaseOrderNumber);
        Assert.Equal(["Quote Q-2026-00001 for USD 420.00 accepted with purchase order PO-2026-118, to be paid by invoice.",
            "Quote Q-2026-00002 for USD 420.00 accepted, to be paid by invoice."], await AuditAsync("quote.accepted"));
    }

    [Fact]
    public async Task A_purchase_order_number_longer_than_an_invoice_keeps_is_refused()
    {
        var quote = await _fx.Quote().Packs((10, 1)).CreateAsync();

        var refused = await Assert.ThrowsAsync<DomainException>(() =>
            AcceptAsync(quote, QuoteBuilder.Acceptance(PaymentMethod.Invoice, purchaseOrder: new string('7', Quote.PurchaseOrderNumberMaxLength + 1))));

        Assert.Equal("A purchase-order number can have at most 100 characters.", refused.Message);
        Assert.Equal(QuoteStatus.Open, (await StoredAsync(quote)).Status);
    }

    [Fact]
    public async Task Paying_by_invoice_needs_a_billing_address_and_paying_by_card_does_not()
    {
        var quote = await _fx.Quote().Packs((10, 1)).CreateAsync();

        var refused = await Assert.ThrowsAsync<DomainException>(() =>
            AcceptAsync(quote, QuoteBuilder.Acceptance(PaymentMethod.Invoice, address: PostalAddress.None)));
        var byCard = await AcceptAsync(quote, QuoteBuilder.Acceptance(PaymentMethod.Checkout, address: PostalAddress.None));

        Assert.Equal("An invoice needs a billing address.", refused.Message);
        Assert.Equal(PaymentMethod.Checkout, byCard.PaymentMethod);
    }

    [Fact]
    public async Task The_billing_address_and_tax_id_confirmed_on_accepting_become_the_organizations_in_its_history()
    {
        var taxId = TaxId.Create("gb_vat", "GB123456789");
        var first = await _fx.Quote().Packs((10, 1)).CreateAsync();
        var second = await _fx.Quote().Packs((5, 1)).CreateAsync();
        Assert.True(first.BillingAddress.IsEmpty);

        await AcceptAsync(first, QuoteBuilder.Acceptance(PaymentMethod.Invoice, taxId: taxId));
        await AcceptAsync(second, QuoteBuilder.Acceptance(PaymentMethod.Invoice, taxId: taxId));

        await using var db = _fx.Db();
        var organization = await db.Organizations.AsNoTracking().SingleAsync(o => o.Id == Contoso);
        Assert.Equal((QuoteBuilder.Address, taxId), (organization.BillingAddress, organization.TaxId));
        var accepted = await StoredAsync(first);
        Assert.Equal((QuoteBuilder.Address, taxId), (accepted.BillingAddress, accepted.TaxId));
        Assert.Equal(["Billing details confirmed with quote Q-2026-00001: 1 Procurement Way, Floor 2, SW1A 1AA, London; UK VAT number GB123456789."],
            await AuditAsync("organization.billing-details-updated"));
    }

    [Fact]
    public async Task A_quote_is_accepted_once()
    {
        var quote = await _fx.Quote().Packs((10, 1)).CreateAsync();
        await AcceptAsync(quote, QuoteBuilder.Acceptance(PaymentMethod.Invoice));

        var again = await Assert.ThrowsAsync<DomainException>(() => AcceptAsync(quote, QuoteBuilder.Acceptance(PaymentMethod.Checkout)));

        Assert.Equal("Quote Q-2026-00001 is already accepted.", again.Message);
        Assert.Equal(1, await CountAsync(db => db.Orders));
    }

    [Fact]
    public async Task A_quote_whose_order_was_paid_is_not_accepted_again()
    {
        var quote = await _fx.Quote().Packs((10, 1)).CreateAsync();
        var order = await AcceptAsync(quote, QuoteBuilder.Acceptance(PaymentMethod.Checkout));
        await _fx.Get<PaymentEventService>().HandleAsync(PaymentReports.Paid(order));

        var again = await Assert.ThrowsAsync<DomainException>(() => AcceptAsync(quote, QuoteBuilder.Acceptance(PaymentMethod.Checkout)));

        Assert.Equal("Quote Q-2026-00001 is already accepted.", again.Message);
    }

    [Theory]
    [InlineData("checkout expired")]
    [InlineData("checkout payment failed")]
    [InlineData("invoice voided")]
    [InlineData("invoice uncollectible")]
    public async Task A_quote_whose_order_ended_unpaid_can_be_accepted_again_while_valid(string ending)
    {
        var quote = await _fx.Quote().Packs((10, 1)).CreateAsync();
        var method = ending.StartsWith("checkout", StringComparison.Ordinal) ? PaymentMethod.Checkout : PaymentMethod.Invoice;
        var first = await AcceptAsync(quote, QuoteBuilder.Acceptance(method));
        PaymentReport ended = ending switch
        {
            "checkout expired" => new CheckoutExpired(first.Id),
            "checkout payment failed" => new CheckoutPaymentFailed(first.Id),
            _ => PaymentReports.InvoiceCancelled(first, uncollectible: ending == "invoice uncollectible"),
        };
        Assert.Equal(PaymentReportOutcome.Applied, (await _fx.Get<PaymentEventService>().HandleAsync(ended)).Outcome);
        _fx.Clock.Advance(TimeSpan.FromDays(1));

        var second = await AcceptAsync(quote, QuoteBuilder.Acceptance(PaymentMethod.Invoice, purchaseOrder: "PO-SECOND"));

        Assert.NotEqual(first.Id, second.Id);
        Assert.Equal((quote.Id, "PO-SECOND", quote.Total), (second.QuoteId!.Value, second.PurchaseOrderNumber, second.Total));
        var stored = await StoredAsync(quote);
        Assert.Equal((QuoteStatus.Accepted, second.Id, PaymentMethod.Invoice), (stored.Status, stored.OrderId!.Value, stored.PaymentMethod!.Value));
        await using var db = _fx.Db();
        Assert.Equal(2, await db.OutboxMessages.CountAsync(m => m.DeduplicationKey!.StartsWith($"quote-accepted:{quote.Id:N}")));
    }

    [Fact]
    public async Task Concurrent_accepts_of_one_quote_place_one_order()
    {
        var quote = await _fx.Quote().Packs((10, 1)).CreateAsync();

        var attempts = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() =>
            Record.ExceptionAsync(() => AcceptAsync(quote, QuoteBuilder.Acceptance(PaymentMethod.Invoice))))));

        Assert.Equal(1, attempts.Count(e => e is null));
        Assert.All(attempts.Where(e => e is not null), e => Assert.IsType<DomainException>(e));
        Assert.Equal(1, await CountAsync(db => db.Orders));
        Assert.Single(await AuditAsync("quote.accepted"));
    }

    [Fact]
    public async Task Another_organizations_quote_is_not_found_listed_or_accepted()
    {
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam");
        var quote = await _fx.Quote().Packs((10, 1)).CreateAsync();

        var refused = await Assert.ThrowsAsync<DomainException>(() => AcceptAsync(quote, QuoteBuilder.Acceptance(PaymentMethod.Invoice), fabrikam.Id));

        Assert.Equal("That quote does not exist.", refused.Message);
        Assert.Null(await Quotes.FindAsync(fabrikam.Id, quote.Id));
        Assert.Empty(await Quotes.ListAsync(fabrikam.Id));
        Assert.Equal([quote.Id], (await Quotes.ListAsync(Contoso)).Select(q => q.Id));
    }

    // Special prices

    [Fact]
    public async Task Sales_gives_a_special_price_up_to_the_admins_limit_admins_above_it_and_customers_never()
    {
        var quote = await _fx.Quote().Packs((10, 1)).CreateAsync();

        var bySales = await Quotes.GiveSpecialPriceAsync(quote.Id, 25, "Framework agreement", DomainFixture.Sales);
        var overLimit = await Assert.ThrowsAsync<DomainException>(() => Quotes.GiveSpecialPriceAsync(quote.Id, 26, "Framework agreement", DomainFixture.Sales));
        var byCustomer = await Assert.ThrowsAsync<DomainException>(() => Quotes.GiveSpecialPriceAsync(quote.Id, 5, "Please", DomainFixture.CustomerIn(Contoso)));
        var byAdmin = await Quotes.GiveSpecialPriceAsync(quote.Id, 60, "Strategic reference customer", DomainFixture.Admin);

        Assert.Equal(USD(31_500), bySales.Total);
        Assert.Equal("Sales can take at most 25 % off a quote; ask an admin for more.", overLimit.Message);
        Assert.Equal("Only Sales staff can give special prices.", byCustomer.Message);
        Assert.Equal((60, USD(16_800)), (byAdmin.SpecialPercent, byAdmin.Total));
        Assert.Equal(USD(16_800), (await StoredAsync(quote)).Total);
    }

    [Fact]
    public async Task The_sales_limit_is_the_one_admins_set_in_the_quote_terms()
    {
        var quote = await _fx.Quote().Packs((10, 1)).CreateAsync();
        await Quotes.ChangeTermsAsync(30, 30, 10, DomainFixture.Admin);

        var refused = await Assert.ThrowsAsync<DomainException>(() => Quotes.GiveSpecialPriceAsync(quote.Id, 15, "Framework agreement", DomainFixture.Sales));
        var allowed = await Quotes.GiveSpecialPriceAsync(quote.Id, 10, "Framework agreement", DomainFixture.Sales);

        Assert.Equal("Sales can take at most 10 % off a quote; ask an admin for more.", refused.Message);
        Assert.Equal(10, allowed.SpecialPercent);
    }

    [Fact]
    public async Task A_special_price_needs_a_reason_which_the_customer_sees_on_the_quote_in_its_history_email_and_order()
    {
        var quote = await _fx.Quote().Packs((10, 1)).CreateAsync();

        var noReason = await Assert.ThrowsAsync<DomainException>(() => Quotes.GiveSpecialPriceAsync(quote.Id, 10, "   ", DomainFixture.Sales));
        var tooLong = await Assert.ThrowsAsync<DomainException>(() =>
            Quotes.GiveSpecialPriceAsync(quote.Id, 10, new string('x', Quote.SpecialPriceReasonMaxLength + 1), DomainFixture.Sales));
        _fx.Clock.Advance(TimeSpan.FromMinutes(5));
        var repriced = await Quotes.GiveSpecialPriceAsync(quote.Id, 10, " Three-year framework agreement ", DomainFixture.Sales);
        var order = await AcceptAsync(quote, QuoteBuilder.Acceptance(PaymentMethod.Invoice));

        Assert.Equal("Give the reason for the special price; the customer sees it.", noReason.Message);
        Assert.Equal("The reason can have at most 300 characters.", tooLong.Message);
        Assert.Equal("Special price, 10 % off: Three-year framework agreement", repriced.DiscountDescription);
        Assert.Equal(repriced.DiscountDescription, order.DiscountDescription);
        Assert.Equal(USD(37_800), order.Total);
        await using var db = _fx.Db();
        var history = await AuditLog.LicenseHistoryAsync(db, Contoso, 1, 20);
        Assert.Contains(history.Entries, e => e.Action == "quote.special-price"
            && e.Summary == "Quote Q-2026-00001: special price of 10 % off (Three-year framework agreement); now USD 378.00 (was USD 420.00).");
        var email = await db.OutboxMessages.AsNoTracking().SingleAsync(m => m.DeduplicationKey!.StartsWith($"quote-repriced:{quote.Id:N}"));
        Assert.Equal("Quote Q-2026-00001 has a new price: USD 378.00 – Contoso Ltd", email.Subject);
        Assert.Contains("a special price of 10 % off: Three-year framework agreement", email.TextBody);
    }

    [Fact]
    public async Task A_special_price_is_taken_off_each_discounted_unit_and_rounded_half_away_from_zero()
    {
        await _fx.ApprovedDiscountAsync(DiscountKind.Nonprofit, percent: 15);
        var quote = await _fx.Quote().Packs((1, 3)).CreateAsync();

        var special = await Quotes.GiveSpecialPriceAsync(quote.Id, 10, "Pilot site", DomainFixture.Sales);

        // USD 49.00 less 15 % is 41.65; 10 % of that is 4.165, rounded half away from zero to 4.17, so each unit costs
        // 37.48 and three cost 112.44 (not 112.45, which 10 % of the line's 124.95 would give).
        var line = Assert.Single(special.Lines);
        Assert.Equal((USD(4_900), USD(1_152), USD(3_748), USD(11_244)), (line.UnitListPrice, line.UnitDiscount, line.UnitPrice, line.Total));
        Assert.Equal((USD(14_700), USD(3_456), USD(11_244)), (special.Subtotal, special.DiscountTotal, special.Total));
        Assert.Equal(Prices(special), Prices(await StoredAsync(quote)));
        Assert.StartsWith("Nonprofit discount of 15 %", special.DiscountDescription);
        Assert.EndsWith("; Special price, 10 % off: Pilot site", special.DiscountDescription);
    }

    [Fact]
    public async Task A_special_price_of_zero_removes_it()
    {
        var quote = await _fx.Quote().Packs((10, 1)).CreateAsync();
        var nothingToRemove = await Assert.ThrowsAsync<DomainException>(() => Quotes.GiveSpecialPriceAsync(quote.Id, 0, "", DomainFixture.Sales));
        await Quotes.GiveSpecialPriceAsync(quote.Id, 20, "Framework agreement", DomainFixture.Sales);
        _fx.Clock.Advance(TimeSpan.FromMinutes(1));

        var removed = await Quotes.GiveSpecialPriceAsync(quote.Id, 0, "", DomainFixture.Sales);

        Assert.Equal("This quote has no special price.", nothingToRemove.Message);
        Assert.Equal((0, null, null, USD(42_000)), (removed.SpecialPercent, removed.SpecialPriceReason, removed.DiscountDescription, removed.Total));
        Assert.Equal(USD(42_000), (await StoredAsync(quote)).Total);
        Assert.Equal("Quote Q-2026-00001: special price removed; now USD 420.00 (was USD 336.00).", (await AuditAsync("quote.special-price"))[^1]);
    }

    [Theory]
    [InlineData(100)]
    [InlineData(-5)]
    public async Task A_special_price_takes_between_1_and_99_percent_off(int percent)
    {
        var quote = await _fx.Quote().Packs((10, 1)).CreateAsync();

        var refused = await Assert.ThrowsAsync<DomainException>(() => Quotes.GiveSpecialPriceAsync(quote.Id, percent, "Why not", DomainFixture.Admin));

        Assert.Equal("A special price takes between 1 and 99 percent off (0 removes it).", refused.Message);
    }

    [Fact]
    public async Task A_special_price_is_refused_on_an_accepted_or_expired_quote()
    {
        var accepted = await _fx.Quote().Packs((10, 1)).CreateAsync();
        await AcceptAsync(accepted, QuoteBuilder.Acceptance(PaymentMethod.Invoice));
        var expired = await _fx.Quote().Packs((5, 1)).CreateAsync();
        _fx.Clock.Advance(TimeSpan.FromDays(30));

        var onAccepted = await Assert.ThrowsAsync<DomainException>(() => Quotes.GiveSpecialPriceAsync(accepted.Id, 10, "Late", DomainFixture.Sales));
        var onExpired = await Assert.ThrowsAsync<DomainException>(() => Quotes.GiveSpecialPriceAsync(expired.Id, 10, "Late", DomainFixture.Sales));

        Assert.Equal("Cannot change the price of quote Q-2026-00001: it is accepted.", onAccepted.Message);
        Assert.Equal("Cannot change the price of quote Q-2026-00002: it expired on 29 December 2026.", onExpired.Message);
        Assert.Empty(await AuditAsync("quote.special-price"));
    }

    [Fact]
    public async Task A_special_price_cannot_bring_a_quote_below_the_smallest_charge()
    {
        var quote = await _fx.Quote().Packs((1, 1)).CreateAsync();

        var refused = await Assert.ThrowsAsync<DomainException>(() => Quotes.GiveSpecialPriceAsync(quote.Id, 99, "Almost free", DomainFixture.Admin));
        var lowest = await Quotes.GiveSpecialPriceAsync(quote.Id, 98, "Almost free", DomainFixture.Admin);

        Assert.Equal("A quote must come to at least USD 0.50.", refused.Message);
        Assert.Equal(USD(98), lowest.Total);
        Assert.Equal(USD(98), (await StoredAsync(quote)).Total);
    }

    // Quote terms

    [Fact]
    public async Task Quote_terms_start_at_the_defaults_and_an_admins_change_is_audited_for_staff_and_governs_new_quotes()
    {
        var defaults = await Quotes.TermsAsync();
        Assert.Equal((30, 30, 25), (defaults.ValidityDays, defaults.InvoiceDaysUntilDue, defaults.SalesSpecialPriceLimit));

        var changed = await Quotes.ChangeTermsAsync(45, 14, 10, DomainFixture.Admin);
        var quote = await _fx.Quote().Packs((10, 1)).CreateAsync();

        Assert.Equal((45, 14, 10), (changed.ValidityDays, changed.InvoiceDaysUntilDue, changed.SalesSpecialPriceLimit));
        var stored = await Quotes.TermsAsync();
        Assert.Equal((45, 14, 10), (stored.ValidityDays, stored.InvoiceDaysUntilDue, stored.SalesSpecialPriceLimit));
        Assert.Equal(DomainFixture.Start.AddDays(45), quote.ValidUntil);
        await using var db = _fx.Db();
        var audit = await db.AuditEvents.AsNoTracking().SingleAsync(e => e.Action == CatalogService.ChangedAction);
        Assert.Equal("Quote terms changed: quotes valid for 45 days (was 30); invoices due in 14 days (was 30); "
                     + "sales may take up to 10 % off a quote (was 25 %).", audit.Summary);
        Assert.False(audit.VisibleToCustomer);
    }

    [Theory]
    [InlineData(0, 30, 25, "A quote is valid for between 1 and 365 days.")]
    [InlineData(366, 30, 25, "A quote is valid for between 1 and 365 days.")]
    [InlineData(30, 0, 25, "An invoice is due in between 1 and 365 days.")]
    [InlineData(30, 366, 25, "An invoice is due in between 1 and 365 days.")]
    [InlineData(30, 30, -1, "Sales may take between 0 and 99 percent off a quote.")]
    [InlineData(30, 30, 100, "Sales may take between 0 and 99 percent off a quote.")]
    [InlineData(30, 30, 25, "These are the terms already.")]
    public async Task Quote_terms_out_of_range_or_unchanged_are_refused_with_a_clear_message(int validity, int due, int limit, string message)
    {
        var refused = await Assert.ThrowsAsync<DomainException>(() => Quotes.ChangeTermsAsync(validity, due, limit, DomainFixture.Admin));

        Assert.Equal(message, refused.Message);
        var stored = await Quotes.TermsAsync();
        Assert.Equal((30, 30, 25), (stored.ValidityDays, stored.InvoiceDaysUntilDue, stored.SalesSpecialPriceLimit));
    }

    [Theory]
    [InlineData(Roles.Sales)]
    [InlineData(Roles.Support)]
    [InlineData(Roles.Customer)]
    public async Task Only_admins_change_the_quote_terms(string role)
    {
        var refused = await Assert.ThrowsAsync<DomainException>(() =>
            Quotes.ChangeTermsAsync(60, 30, 25, Actor.Person("someone-1", "someone@keymetric.example", role)));

        Assert.Equal("Only Admin staff can change the catalog.", refused.Message);
        Assert.Equal(30, (await Quotes.TermsAsync()).ValidityDays);
    }

    [Fact]
    public async Task Two_admins_changing_the_quote_terms_at_the_same_moment_cannot_both_win()
    {
        // A transaction holding the database's write lock lets both admins read the terms before either saves.
        await using var writer = _fx.Db();
        var writing = await writer.Database.BeginTransactionAsync();
        var changing = Task.WhenAll(
            Task.Run(() => Record.ExceptionAsync(() => Quotes.ChangeTermsAsync(60, 30, 25, DomainFixture.Admin))),
            Task.Run(() => Record.ExceptionAsync(() => Quotes.ChangeTermsAsync(30, 45, 25, DomainFixture.Admin))));
        await Task.Delay(TimeSpan.FromSeconds(1));
        await writing.CommitAsync();
        var outcomes = await changing;

        var refused = Assert.IsType<DomainException>(Assert.Single(outcomes, e => e is not null));
        Assert.Equal("Someone else changed the quote terms at the same moment. Reload to see their change, then try again.", refused.Message);
        var stored = await Quotes.TermsAsync();
        Assert.Equal(outcomes[0] is null ? (60, 30) : (30, 45), (stored.ValidityDays, stored.InvoiceDaysUntilDue));
        Assert.Single(await AuditAsync(CatalogService.ChangedAction));
    }

    // Emails

    [Fact]
    public async Task Quote_emails_go_to_billing_members_owners_and_the_billing_email_and_not_to_technical_only_members()
    {
        await MemberAsync("olga@contoso.example", MemberRoles.Owner);
        await MemberAsync("ted@contoso.example", MemberRoles.Technical);
        var bea = await MemberAsync("bea@contoso.example", MemberRoles.Billing);
        var quote = await _fx.Quote().By(bea).Packs((10, 1)).CreateAsync();
        await AcceptAsync(quote, QuoteBuilder.Acceptance(PaymentMethod.Invoice));

        await using var db = _fx.Db();
        var emails = await db.OutboxMessages.AsNoTracking().Where(m => m.DeduplicationKey!.StartsWith("quote-")).ToListAsync();
        Assert.Equal(2, emails.Count);
        Assert.All(emails, email => Assert.Equal(["bea@contoso.example", "olga@contoso.example", "billing@contoso.example"], email.To));
        var sent = emails.Single(m => m.DeduplicationKey!.StartsWith("quote-sent:"));
        Assert.Equal("Quote Q-2026-00001 for USD 420.00 – Contoso Ltd", sent.Subject);
        Assert.Contains("valid until 29 December 2026", sent.TextBody);
    }

    [Fact]
    public async Task A_quote_sent_again_twice_at_the_same_moment_is_sent_twice_and_in_the_history_each_time()
    {
        var quote = await _fx.Quote().Packs((10, 1)).CreateAsync();

        await Quotes.SendAgainAsync(Contoso, quote.Id, BillingOf(Contoso));
        await Quotes.SendAgainAsync(Contoso, quote.Id, BillingOf(Contoso));

        Assert.Equal(3, await CountAsync(db => db.OutboxMessages.Where(m => m.DeduplicationKey!.StartsWith($"quote-sent:{quote.Id:N}"))));
        Assert.Equal(["Quote Q-2026-00001 sent to the Billing contacts.", "Quote Q-2026-00001 sent again to the Billing contacts.",
            "Quote Q-2026-00001 sent again to the Billing contacts."], await AuditAsync("quote.sent"));
    }

    private async Task<Actor> MemberAsync(string email, MemberRoles roles)
    {
        await using var db = _fx.Db();
        var user = new PortalUser { UserName = email, Email = email, EmailConfirmed = true };
        user.JoinAs(db, Contoso, roles);
        db.Users.Add(user);
        await db.SaveChangesAsync();
        return Actor.Person(user.Id, email, Roles.Customer).In(Contoso, roles);
    }

    private static Money USD(long minor) => DomainFixture.Usd(minor);
}
