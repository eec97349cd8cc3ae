using Portal.Domain;
using Portal.Domain.Accounts;
using Portal.Domain.Catalog;
using Portal.Domain.Members;
using Portal.Domain.Ordering;
using Portal.Domain.Organizations;
using Portal.Domain.Quotes;
using Portal.Tests.Builders;

namespace Portal.Tests.Domain;

/// <summary>The sales desk for quotes and invoices on a real SQLite database, with a movable clock for validity and due dates.</summary>
public sealed class QuoteDeskQueryTests : IAsyncLifetime
{
    private DomainFixture _fx = null!;
    private QuoteScenarios _quotes = null!;

    public async Task InitializeAsync()
    {
        _fx = await DomainFixture.CreateAsync();
        _quotes = new QuoteScenarios(_fx);
    }

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    private DateTimeOffset Now => _fx.Clock.GetUtcNow();

    private async Task<QuoteQueuePage> QueueAsync(QuoteQueueQuery query, Actor? actor = null)
    {
        await using var db = _fx.Db();
        return await QuoteDesk.QueueAsync(db, actor ?? DomainFixture.Sales, query, Now);
    }

    [Fact]
    public async Task Open_quotes_are_those_still_valid_oldest_first_or_newest_first_paged_in_the_database()
    {
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam Foundation", OrganizationKind.Nonprofit);
        var lapsed = await _quotes.QuoteAsync(_fx.Contoso);
        _fx.Clock.Advance(TimeSpan.FromDays(20));
        var older = await _quotes.QuoteAsync(fabrikam);
        var accepted = await _quotes.QuoteAsync(_fx.Contoso);
        await _quotes.AcceptAsync(accepted, PaymentMethod.Checkout);
        var newer = await _quotes.QuoteAsync(_fx.Contoso);
        // 30 days after it was made: past its valid-until date, though nothing has marked it expired yet.
        _fx.Clock.Advance(TimeSpan.FromDays(10));

        var oldestFirst = await QueueAsync(new QuoteQueueQuery(QuoteQueue.OpenQuotes));
        var newestFirst = await QueueAsync(new QuoteQueueQuery(QuoteQueue.OpenQuotes, Order: QuoteQueueOrder.NewestFirst));
        var secondPage = await QueueAsync(new QuoteQueueQuery(QuoteQueue.OpenQuotes, Page: 2, PageSize: 1));

        Assert.Equal([older.Id, newer.Id], oldestFirst.Rows.Select(r => r.QuoteId));
        Assert.Equal([newer.Id, older.Id], newestFirst.Rows.Select(r => r.QuoteId));
        Assert.Equal(2, oldestFirst.TotalCount);
        Assert.Equal([newer.Id], secondPage.Rows.Select(r => r.QuoteId));
        Assert.Equal(2, secondPage.TotalCount);
        var row = oldestFirst.Rows[0];
        Assert.Equal((older.Number, "Fabrikam Foundation", OrganizationKind.Nonprofit, older.Total, older.ValidUntil),
            (row.Number, row.OrganizationName, row.OrganizationKind, row.Total, row.ValidUntil));
        Assert.DoesNotContain(lapsed.Id, oldestFirst.Rows.Select(r => r.QuoteId));
    }

    [Fact]
    public async Task Awaiting_payment_holds_unpaid_invoices_not_yet_due_including_those_fulfilled_on_the_invoice()
    {
        var trusted = await _fx.AddOrganizationAsync("Trusted City", OrganizationKind.Governmental);
        await _fx.Get<OrganizationService>().TrustWithKeysOnInvoiceAsync(trusted.Id, true, "Pays on time for years", DomainFixture.Sales);
        var invoiced = await _quotes.InvoicedAsync(_fx.Contoso, "PO-1", "INV-0001");
        var notYetIssued = await _quotes.AcceptAsync(await _quotes.QuoteAsync(_fx.Contoso), PaymentMethod.Invoice, "PO-2");
        var fulfilledOnInvoice = await _quotes.InvoicedAsync(trusted, "PO-3", "INV-0003");
        var paid = await _quotes.InvoicedAsync(_fx.Contoso, "PO-4", "INV-0004");
        await _quotes.PayAsync(paid.Order);
        var voided = await _quotes.InvoicedAsync(_fx.Contoso, "PO-5", "INV-0005");
        await _quotes.VoidAsync(voided.Order);
        var byCard = await _quotes.AcceptAsync(await _quotes.QuoteAsync(_fx.Contoso), PaymentMethod.Checkout, "PO-6");

        var awaiting = await QueueAsync(new QuoteQueueQuery(QuoteQueue.AwaitingPayment));

        Assert.Equal([invoiced.Quote.Id, notYetIssued.QuoteId!.Value, fulfilledOnInvoice.Quote.Id], awaiting.Rows.Select(r => r.QuoteId));
        var first = awaiting.Rows[0];
        Assert.Equal(("PO-1", "INV-0001", InvoiceStatus.Open, OrderStatus.Pending, invoiced.Order.InvoiceDueAt),
            (first.PurchaseOrderNumber, first.InvoiceNumber, first.InvoiceStatus, first.OrderStatus, first.InvoiceDueAt));
        Assert.Null(awaiting.Rows[1].InvoiceStatus);
        Assert.Equal(OrderStatus.Fulfilled, awaiting.Rows[2].OrderStatus);
        Assert.DoesNotContain(byCard.QuoteId!.Value, awaiting.Rows.Select(r => r.QuoteId));
    }

    [Fact]
    public async Task Overdue_invoices_are_unpaid_ones_past_their_due_date_or_reported_overdue_and_filter_by_days_overdue()
    {
        var longOverdue = await _quotes.InvoicedAsync(_fx.Contoso, "PO-1", "INV-0001", dueInDays: 10);
        var reported = await _quotes.InvoicedAsync(_fx.Contoso, "PO-2", "INV-0002", dueInDays: 60);
        var dueLater = await _quotes.InvoicedAsync(_fx.Contoso, "PO-3", "INV-0003", dueInDays: 30);
        var paidLate = await _quotes.InvoicedAsync(_fx.Contoso, "PO-4", "INV-0004", dueInDays: 10);
        var voided = await _quotes.InvoicedAsync(_fx.Contoso, "PO-5", "INV-0005", dueInDays: 10);
        await _fx.Get<PaymentEventService>().HandleAsync(new InvoiceOverdue(reported.Order.Id, reported.Order.InvoiceId!));
        _fx.Clock.Advance(TimeSpan.FromDays(25));
        await _quotes.PayAsync(paidLate.Order);
        await _quotes.VoidAsync(voided.Order);

        var overdue = await QueueAsync(new QuoteQueueQuery(QuoteQueue.OverdueInvoices));
        var twoWeeks = await QueueAsync(new QuoteQueueQuery(QuoteQueue.OverdueInvoices, MinDaysOverdue: 14));
        var awaiting = await QueueAsync(new QuoteQueueQuery(QuoteQueue.AwaitingPayment));

        // Oldest first means the longest overdue first: by due date.
        Assert.Equal([longOverdue.Quote.Id, reported.Quote.Id], overdue.Rows.Select(r => r.QuoteId));
        Assert.Equal([longOverdue.Quote.Id], twoWeeks.Rows.Select(r => r.QuoteId));
        Assert.Equal([dueLater.Quote.Id], awaiting.Rows.Select(r => r.QuoteId));
    }

    [Fact]
    public async Task Search_finds_a_quote_number_organization_name_purchase_order_or_invoice_number_literally()
    {
        var percent = await _fx.AddOrganizationAsync("100% Volunteers", OrganizationKind.Nonprofit);
        var contoso = await _quotes.InvoicedAsync(_fx.Contoso, "PO_2026/77", "INV-0042");
        var volunteers = await _quotes.InvoicedAsync(percent, "ORDER-9", "INV-0043");

        async Task<IEnumerable<Guid>> FoundAsync(string search) =>
            (await QueueAsync(new QuoteQueueQuery(QuoteQueue.AwaitingPayment, Search: search))).Rows.Select(r => r.QuoteId);

        Assert.Equal([contoso.Quote.Id], await FoundAsync(contoso.Quote.Number));
        Assert.Equal([volunteers.Quote.Id], await FoundAsync("0% vol"));
        Assert.Equal([volunteers.Quote.Id], await FoundAsync("%"));
        Assert.Equal([contoso.Quote.Id], await FoundAsync("po_2026"));
        Assert.Equal([volunteers.Quote.Id], await FoundAsync("inv-0043"));
        Assert.Empty(await FoundAsync("Northwind"));
    }

    [Fact]
    public async Task The_views_filter_by_organization_kind_and_currency()
    {
        var school = await _fx.AddOrganizationAsync("Woodgrove School", OrganizationKind.Educational);
        var euros = await _quotes.AddProductAsync("docstamp", "DocStamp", "EUR");
        var contoso = await _quotes.QuoteAsync(_fx.Contoso);
        var schoolInDollars = await _quotes.QuoteAsync(school);
        var schoolInEuros = await _quotes.QuoteAsync(school, euros);

        async Task<IEnumerable<Guid>> FoundAsync(OrganizationKind? kind, string? currency) =>
            (await QueueAsync(new QuoteQueueQuery(QuoteQueue.OpenQuotes, Kind: kind, Currency: currency))).Rows.Select(r => r.QuoteId);

        Assert.Equal([schoolInDollars.Id, schoolInEuros.Id], await FoundAsync(OrganizationKind.Educational, null));
        Assert.Equal([contoso.Id, schoolInDollars.Id], await FoundAsync(null, "usd"));
        Assert.Equal([schoolInEuros.Id], await FoundAsync(OrganizationKind.Educational, "EUR"));
        Assert.Empty(await FoundAsync(OrganizationKind.Governmental, null));
        await using var db = _fx.Db();
        Assert.Equal(["EUR", "USD"], await QuoteDesk.CurrenciesAsync(db));
    }

    [Fact]
    public async Task The_counts_for_the_staff_overview_match_the_views()
    {
        await _quotes.QuoteAsync(_fx.Contoso);
        await _quotes.QuoteAsync(_fx.Contoso);
        await _quotes.InvoicedAsync(_fx.Contoso, "PO-1", "INV-0001", dueInDays: 5);
        await _quotes.InvoicedAsync(_fx.Contoso, "PO-2", "INV-0002", dueInDays: 60);
        _fx.Clock.Advance(TimeSpan.FromDays(6));
        await using var db = _fx.Db();

        var counts = await QuoteDesk.CountsAsync(db, DomainFixture.Admin, Now);

        Assert.Equal(new QuoteDeskCounts(OpenQuotes: 2, AwaitingPayment: 1, OverdueInvoices: 1), counts);
    }

    [Fact]
    public async Task A_case_has_the_quote_with_its_lines_the_organization_the_order_with_its_invoice_and_the_history()
    {
        var (quote, order) = await _quotes.InvoicedAsync(_fx.Contoso, "PO-1", "INV-0001");
        await using var db = _fx.Db();

        var found = Assert.IsType<QuoteCase>(await QuoteDesk.CaseAsync(db, DomainFixture.Sales, quote.Id));

        Assert.Equal((quote.Number, 1, "Contoso Ltd"), (found.Quote.Number, found.Quote.Lines.Count, found.Organization.Name));
        Assert.Equal((order.Id, "INV-0001", InvoiceStatus.Open), (found.Order!.Id, found.Order.InvoiceNumber, found.Order.InvoiceStatus));
        Assert.Contains(found.RecentHistory, e => e.Action == "quote.accepted");
        Assert.Contains(found.RecentHistory, e => e.Action == "invoice.sent");
        Assert.Null(await QuoteDesk.CaseAsync(db, DomainFixture.Sales, Guid.NewGuid()));
    }

    [Fact]
    public async Task An_expired_quote_that_was_quoted_again_names_the_new_quote()
    {
        var expired = await _quotes.QuoteAsync(_fx.Contoso);
        _fx.Clock.Advance(TimeSpan.FromDays(31));
        var again = await _fx.Get<QuoteService>().RequoteAsync(_fx.Contoso.Id, expired.Id, QuoteScenarios.Buyer(_fx.Contoso), QuoteScenarios.BuyerEmail);
        await using var db = _fx.Db();

        var found = Assert.IsType<QuoteCase>(await QuoteDesk.CaseAsync(db, DomainFixture.Sales, expired.Id));

        Assert.Equal((QuoteStatus.Expired, again.Number), (found.Quote.StatusAt(Now), found.RequotedAsNumber));
    }

    [Fact]
    public async Task An_organizations_quotes_come_newest_first_with_their_status_today_and_nothing_of_another_organization()
    {
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam Foundation", OrganizationKind.Nonprofit);
        var lapsed = await _quotes.QuoteAsync(_fx.Contoso);
        _fx.Clock.Advance(TimeSpan.FromDays(31));
        var (invoiced, _) = await _quotes.InvoicedAsync(_fx.Contoso, "PO-1", "INV-0001");
        await _quotes.QuoteAsync(fabrikam);
        await using var db = _fx.Db();

        var quotes = await QuoteDesk.OrganizationQuotesAsync(db, DomainFixture.Sales, _fx.Contoso.Id, Now);

        Assert.Equal([invoiced.Id, lapsed.Id], quotes.Select(q => q.Id));
        Assert.Equal((QuoteStatus.Accepted, "PO-1", OrderStatus.Pending, InvoiceStatus.Open),
            (quotes[0].Status, quotes[0].PurchaseOrderNumber, quotes[0].OrderStatus, quotes[0].InvoiceStatus));
        Assert.Equal((QuoteStatus.Expired, (OrderStatus?)null), (quotes[1].Status, quotes[1].OrderStatus));
    }

    [Fact]
    public async Task Keys_on_invoice_reads_with_the_last_change_and_its_reason_for_any_staff()
    {
        var organizations = _fx.Get<OrganizationService>();
        await organizations.TrustWithKeysOnInvoiceAsync(_fx.Contoso.Id, true, "Framework agreement 2026", DomainFixture.Sales);
        _fx.Clock.Advance(TimeSpan.FromDays(1));
        await organizations.TrustWithKeysOnInvoiceAsync(_fx.Contoso.Id, false, "Two invoices paid late", DomainFixture.Admin);
        await using var db = _fx.Db();

        var state = await QuoteDesk.KeysOnInvoiceAsync(db, DomainFixture.Support, _fx.Contoso.Id);

        Assert.Equal(new KeysOnInvoiceState(false, Now, DomainFixture.Admin.Name, "Two invoices paid late"), state);
        Assert.Equal(new KeysOnInvoiceState(false, null, null, null),
            await QuoteDesk.KeysOnInvoiceAsync(db, DomainFixture.Sales, (await _fx.AddOrganizationAsync("Fabrikam")).Id));
        Assert.Null(await QuoteDesk.KeysOnInvoiceAsync(db, DomainFixture.Sales, Guid.NewGuid()));
    }

    public static TheoryData<string> NotSales => ["support", "customer"];

    [Theory]
    [MemberData(nameof(NotSales))]
    public async Task The_desk_refuses_support_staff_and_customers(string who)
    {
        var quote = await _quotes.QuoteAsync(_fx.Contoso);
        var actor = who == "support" ? DomainFixture.Support : DomainFixture.CustomerIn(_fx.Contoso.Id, MemberRoles.Billing);
        await using var db = _fx.Db();

        var refusals = new[]
        {
            await Assert.ThrowsAsync<DomainException>(() => QuoteDesk.QueueAsync(db, actor, new QuoteQueueQuery(QuoteQueue.OpenQuotes), Now)),
            await Assert.ThrowsAsync<DomainException>(() => QuoteDesk.CountsAsync(db, actor, Now)),
            await Assert.ThrowsAsync<DomainException>(() => QuoteDesk.CaseAsync(db, actor, quote.Id)),
            await Assert.ThrowsAsync<DomainException>(() => QuoteDesk.OrganizationQuotesAsync(db, actor, _fx.Contoso.Id, Now)),
        };

        Assert.All(refusals, refused => Assert.Equal("Only Sales staff can work the quote desk.", refused.Message));
    }

    [Fact]
    public async Task Customers_cannot_read_keys_on_invoice()
    {
        await using var db = _fx.Db();

        var refused = await Assert.ThrowsAsync<DomainException>(() =>
            QuoteDesk.KeysOnInvoiceAsync(db, DomainFixture.CustomerIn(_fx.Contoso.Id), _fx.Contoso.Id));

        Assert.Equal("Only Sales or Support staff can see which organizations get keys on invoice.", refused.Message);
    }
}

/// <summary>
/// Quotes through the real services: asked for by a Billing member, accepted with a purchase order, invoiced, paid or
/// voided as Stripe reports it. Each quote is made a minute after the one before, so their order is certain.
/// </summary>
internal sealed class QuoteScenarios(DomainFixture fx)
{
    public const string BuyerEmail = "ana@contoso.example";
    public static readonly PostalAddress Address = PostalAddress.Create("1 Harbour Street", null, "10001", "New York", "NY");

    public static Actor Buyer(Organization organization) => DomainFixture.CustomerIn(organization.Id, MemberRoles.Billing);

    private QuoteService Quotes => fx.Get<QuoteService>();
    private PaymentEventService Payments => fx.Get<PaymentEventService>();

    /// <summary>A quote for two 5-user packs of OfficeStatus, or one 1-user pack of <paramref name="product"/>.</summary>
    public async Task<Quote> QuoteAsync(Organization organization, Product? product = null)
    {
        fx.Clock.Advance(TimeSpan.FromMinutes(1));
        var cart = product is null ? fx.Cart((5, 2)) : Carts.Of(product, [(1, 1)], []);
        return await Quotes.CreateAsync(organization.Id, Buyer(organization), BuyerEmail, cart);
    }

    public Task<Order> AcceptAsync(Quote quote, PaymentMethod method, string? purchaseOrder = null) =>
        Quotes.AcceptAsync(quote.OrganizationId, quote.Id, DomainFixture.CustomerIn(quote.OrganizationId, MemberRoles.Billing), BuyerEmail,
            new QuoteAcceptance(purchaseOrder, Address, null, method));

    /// <summary>A quote accepted to be paid by invoice, and the invoice issued, due in <paramref name="dueInDays"/>.</summary>
    public async Task<(Quote Quote, Order Order)> InvoicedAsync(Organization organization, string purchaseOrder, string invoiceNumber, int dueInDays = 30)
    {
        var quote = await QuoteAsync(organization);
        var order = await AcceptAsync(quote, PaymentMethod.Invoice, purchaseOrder);
        var invoice = Invoice(order, invoiceNumber, fx.Clock.GetUtcNow().AddDays(dueInDays));
        await Payments.HandleAsync(new InvoiceIssued(order.Id, invoice, order.Total));
        await using var db = fx.Db();
        return (quote, await db.Orders.FindAsync(order.Id) ?? throw new InvalidOperationException("The order was not saved."));
    }

    public Task PayAsync(Order order) =>
        Payments.HandleAsync(new InvoicePaid(order.Id, Invoice(order, order.InvoiceNumber!, order.InvoiceDueAt!.Value), order.Total, $"pi_{order.Id:N}"));

    public Task VoidAsync(Order order) => Payments.HandleAsync(new InvoiceCancelled(order.Id, order.InvoiceId!, Uncollectible: false));

    public async Task<Product> AddProductAsync(string code, string name, string currency)
    {
        var product = Product.Create(code, name, 1, 0, currency);
        product.AddPack(1, new Money(9900, currency));
        await using var db = fx.Db();
        db.Products.Add(product);
        await db.SaveChangesAsync();
        return product;
    }

    private static IssuedInvoice Invoice(Order order, string number, DateTimeOffset dueAt) =>
        new($"in_{order.Id:N}", number, dueAt, $"https://invoice.stripe.test/{number}", $"https://invoice.stripe.test/{number}.pdf");
}
