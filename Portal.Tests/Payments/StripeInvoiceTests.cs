using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Accounts;
using Portal.Domain.Ordering;
using Portal.Domain.Organizations;
using Portal.Domain.Quotes;
using Portal.Payments;
using Portal.Tests.Fakes.Stripe;

namespace Portal.Tests.Payments;

/// <summary>
/// Issuing an invoice order's Stripe invoice: exactly the parameters Stripe.net 53.1.0 sends for API version
/// 2026-10-28.endive (the quote's lines at the quote's amounts, the terms, the payment methods, the PO number, the
/// customer's tax ID and address), once per order however often it is retried, and nothing recorded when Stripe fails.
/// </summary>
[Collection(PaymentsCollection.Name)]
public sealed class StripeInvoiceTests(PaymentsApp app)
{
    private InvoicePayments Invoices => app.Services.GetRequiredService<InvoicePayments>();

    [Fact]
    public async Task The_invoice_bills_the_quotes_lines_at_its_amounts_on_the_terms_with_card_or_bank_transfer_the_PO_and_the_customers_tax_ID()
    {
        var customer = await app.NewCustomerAsync();
        var quotes = app.Services.GetRequiredService<QuoteService>();
        var admin = Actor.Person("admin-invoices", "ada@keymetric.example", Roles.Admin);
        var terms = await quotes.TermsAsync();
        await quotes.ChangeTermsAsync(terms.ValidityDays, 45, terms.SalesSpecialPriceLimit, admin);
        InvoiceStart start;
        Quote quote;
        Order order;
        try
        {
            (quote, order) = await InvoiceOrders.PlaceAsync(app, customer);
            start = await Invoices.IssueAsync(order.Id, InvoiceOrders.PrincipalOf(customer));
        }
        finally
        {
            await quotes.ChangeTermsAsync(terms.ValidityDays, terms.InvoiceDaysUntilDue, terms.SalesSpecialPriceLimit, admin);
        }

        Assert.Equal(InvoiceStartStatus.Issued, start.Status);
        Assert.Equal(CheckoutPaths.OrderDetail(order.Id), start.RedirectUrl);
        var invoice = Assert.Single(app.Stripe.InvoicesForOrder(order.Id));
        var create = Assert.Single(app.Stripe.RequestsTo("POST", "/v1/invoices"), r => r.Form.GetValueOrDefault("metadata[order_id]") == order.Id.ToString());
        var form = create.Form;
        Assert.Equal($"portal-invoice-{order.Id:N}", create.IdempotencyKey);
        Assert.Equal(FakeStripe.ApiVersion, create.StripeVersion);
        Assert.Equal(invoice.CustomerId, form["customer"]);
        Assert.Equal("usd", form["currency"]);
        Assert.Equal("send_invoice", form["collection_method"]);
        Assert.Equal("45", form["days_until_due"]);
        Assert.Equal("false", form["auto_advance"]);
        Assert.Equal("exclude", form["pending_invoice_items_behavior"]);
        Assert.Equal("card", form["payment_settings[payment_method_types][0]"]);
        Assert.Equal("customer_balance", form["payment_settings[payment_method_types][1]"]);
        Assert.False(form.ContainsKey("payment_settings[payment_method_types][2]"));
        Assert.Equal("bank_transfer", form["payment_settings[payment_method_options][customer_balance][funding_type]"]);
        Assert.Equal("us_bank_transfer", form["payment_settings[payment_method_options][customer_balance][bank_transfer][type]"]);
        Assert.Equal("PO number", form["custom_fields[0][name]"]);
        Assert.Equal(InvoiceOrders.PurchaseOrder, form["custom_fields[0][value]"]);
        Assert.Equal("Quote", form["custom_fields[1][name]"]);
        Assert.Equal(quote.Number, form["custom_fields[1][value]"]);
        Assert.False(form.ContainsKey("automatic_tax[enabled]"), "automatic tax is off unless Stripe:AutomaticTax is set");

        // One item per line of the quote, at its unit amount and quantity, on this invoice and nowhere else.
        var items = app.Stripe.RequestsTo("POST", "/v1/invoiceitems").Where(r => r.Form.GetValueOrDefault("invoice") == invoice.Id).ToList();
        var quoted = quote.Lines.OrderBy(l => l.Position).ToList();
        Assert.Equal(3, quote.Lines.Sum(l => l.Quantity));
        Assert.Equal(quoted.Count, items.Count);
        for (var i = 0; i < quoted.Count; i++)
        {
            Assert.Equal(quoted[i].UnitPrice.Minor.ToString(CultureInfo.InvariantCulture), items[i].Form["unit_amount_decimal"]);
            Assert.Equal(quoted[i].Quantity.ToString(CultureInfo.InvariantCulture), items[i].Form["quantity"]);
            Assert.Equal(quoted[i].Description, items[i].Form["description"]);
            Assert.Equal("usd", items[i].Form["currency"]);
            Assert.Equal(invoice.CustomerId, items[i].Form["customer"]);
            Assert.Equal($"portal-invoice-{order.Id:N}-line-{i}", items[i].IdempotencyKey);
        }
        Assert.Equal(quote.Total.Minor, invoice.Total);

        // The customer carries the tax ID and address confirmed with the quote, and the invoice took them when finalized.
        Assert.Equal([("gb_vat", "GB123456789")], app.Stripe.TaxIdsOf(invoice.CustomerId!).Select(t => (t.Type, t.Value)));
        Assert.Equal([("gb_vat", "GB123456789")], invoice.CustomerTaxIds!.Select(t => (t.Type, t.Value)));
        Assert.Equal(new FakeAddress("1 Town Hall Square", "Finance department", "LS1 1UR", "Leeds", "West Yorkshire", "GB"), invoice.CustomerAddress);
        Assert.Equal(customer.BillingEmail, invoice.CustomerEmail);
        Assert.StartsWith("Payments Test", invoice.CustomerName);

        Assert.Equal("open", invoice.Status);
        Assert.True(invoice.Sent);
        Assert.Matches("^KMS-[0-9]{4}$", invoice.Number);
        var issued = await app.OrderAsync(order.Id);
        Assert.Equal(OrderStatus.Pending, issued.Status);
        Assert.Equal(invoice.Id, issued.InvoiceId);
        Assert.Equal(invoice.Number, issued.InvoiceNumber);
        Assert.Equal(InvoiceStatus.Open, issued.InvoiceStatus);
        Assert.Equal($"{app.Stripe.BaseUrl}/invoices/{invoice.Id}", issued.InvoiceUrl);
        Assert.Equal($"{app.Stripe.BaseUrl}/invoices/{invoice.Id}/pdf", issued.InvoicePdfUrl);
        Assert.Equal(invoice.DueDate!.Value.ToUnixTimeSeconds(), issued.InvoiceDueAt!.Value.ToUnixTimeSeconds());
        Assert.Equal(45, Math.Round((issued.InvoiceDueAt.Value - invoice.Created).TotalDays));
        Assert.Single(await app.HistoryAsync(customer.OrganizationId), h => h.StartsWith("invoice.sent: ", StringComparison.Ordinal));
        // Stripe's invoice.finalized came back through the webhook too, and was answered 200.
        Assert.Equal(HttpStatusCode.OK, Assert.Single(app.Stripe.Deliveries, d => d.Type == "invoice.finalized" && d.ObjectId == invoice.Id).StatusCode);
    }

    [Fact]
    public async Task An_order_in_euros_is_paid_by_bank_transfer_to_an_EU_account_and_with_automatic_tax_Stripe_adds_the_tax()
    {
        var customer = await app.NewCustomerAsync();
        var (_, order) = await InvoiceOrders.PlaceAsync(app, customer, (10, 1));
        var taxed = ActivatorUtilities.CreateInstance<InvoicePayments>(app.Services, new StripeSettings { AutomaticTax = true });

        Assert.Equal(InvoiceStartStatus.Issued, (await taxed.IssueAsync(order.Id, InvoiceOrders.PrincipalOf(customer))).Status);

        var invoice = Assert.Single(app.Stripe.InvoicesForOrder(order.Id));
        Assert.Equal("true", invoice.Form["automatic_tax[enabled]"]);
        Assert.All(app.Stripe.RequestsTo("POST", "/v1/invoiceitems").Where(r => r.Form.GetValueOrDefault("invoice") == invoice.Id),
            item => Assert.Equal("exclusive", item.Form["tax_behavior"]));
        Assert.Equal(order.Total.Minor + (long)Math.Round(order.Total.Minor * FakeStripe.TaxRate), invoice.Total);
        // The tax is Stripe's, on top: the order's invoice total is what it was quoted.
        Assert.Equal(InvoiceStatus.Open, (await app.OrderAsync(order.Id)).InvoiceStatus);
        Assert.DoesNotContain(await app.HistoryAsync(customer.OrganizationId), h => h.StartsWith("order.needs-review", StringComparison.Ordinal));
        Assert.Equal("eu_bank_transfer", StripeValues.BankTransfer.TypeFor("EUR"));
        Assert.Equal("gb_bank_transfer", StripeValues.BankTransfer.TypeFor("gbp"));
        Assert.Null(StripeValues.BankTransfer.TypeFor("chf"));
    }

    [Fact]
    public async Task A_retry_after_lost_answers_issues_the_same_invoice_once()
    {
        var customer = await app.NewCustomerAsync();
        var (_, order) = await InvoiceOrders.PlaceAsync(app, customer);
        var user = InvoiceOrders.PrincipalOf(customer);
        // The first item is added, but its answer is lost to Stripe.net's own two retries as well.
        app.Stripe.DropAnswers("/v1/invoiceitems", 3);

        var lost = await Invoices.IssueAsync(order.Id, user);
        var retried = await Invoices.IssueAsync(order.Id, user);
        var again = await Invoices.IssueAsync(order.Id, user);

        Assert.Equal(InvoiceStartStatus.StripeUnavailable, lost.Status);
        Assert.Equal(InvoiceStartStatus.Issued, retried.Status);
        Assert.Equal(InvoiceStartStatus.Issued, again.Status);
        var invoice = Assert.Single(app.Stripe.InvoicesForOrder(order.Id));
        Assert.Equal(order.Lines.Count, invoice.Items.Count);
        Assert.Equal(order.Total.Minor, invoice.Total);
        var creates = app.Stripe.RequestsTo("POST", "/v1/invoices").Where(r => r.Form.GetValueOrDefault("metadata[order_id]") == order.Id.ToString()).ToList();
        Assert.Equal(2, creates.Count);
        Assert.Single(creates.Select(r => r.IdempotencyKey).Distinct());
        Assert.True(invoice.Sent);
        Assert.Equal(invoice.Id, (await app.OrderAsync(order.Id)).InvoiceId);
    }

    [Fact]
    public async Task When_Stripe_fails_nothing_is_issued_and_nothing_is_recorded_on_the_order()
    {
        var customer = await app.NewCustomerAsync();
        var (_, order) = await InvoiceOrders.PlaceAsync(app, customer);
        app.Stripe.FailInvoiceCreates(1);

        var start = await Invoices.IssueAsync(order.Id, InvoiceOrders.PrincipalOf(customer));

        Assert.Equal(InvoiceStartStatus.StripeUnavailable, start.Status);
        Assert.Equal(CheckoutPaths.OrderDetail(order.Id), start.RedirectUrl);
        Assert.Empty(app.Stripe.InvoicesForOrder(order.Id));
        var unchanged = await app.OrderAsync(order.Id);
        Assert.Equal(OrderStatus.Pending, unchanged.Status);
        Assert.Null(unchanged.InvoiceId);
        Assert.Null(unchanged.InvoiceStatus);
        Assert.DoesNotContain(await app.HistoryAsync(customer.OrganizationId), h => h.StartsWith("invoice.", StringComparison.Ordinal));
        Assert.Contains(app.Logs.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Error && e.Message.Contains(order.Id.ToString()));
    }

    [Fact]
    public async Task Only_a_Billing_member_of_the_organization_issues_its_invoice()
    {
        var customer = await app.NewCustomerAsync();
        var (_, order) = await InvoiceOrders.PlaceAsync(app, customer);
        var intruder = await app.NewCustomerAsync();

        var technical = await Assert.ThrowsAsync<Portal.Domain.DomainException>(() =>
            Invoices.IssueAsync(order.Id, InvoiceOrders.PrincipalOf(customer, Portal.Domain.Members.MemberRoles.Technical)));
        var other = await Invoices.IssueAsync(order.Id, InvoiceOrders.PrincipalOf(intruder));

        Assert.Contains("Billing", technical.Message);
        Assert.Equal(InvoiceStartStatus.NotFound, other.Status);
        Assert.Empty(app.Stripe.InvoicesForOrder(order.Id));
        Assert.Null((await app.OrderAsync(order.Id)).InvoiceId);
    }

    [Fact]
    public async Task A_card_order_gets_no_invoice_and_with_a_Stripe_key_there_is_no_test_invoice()
    {
        var customer = await app.NewCustomerAsync();
        var card = await app.PlaceOrderAsync(customer, (5, 1));
        var (_, invoiced) = await InvoiceOrders.PlaceAsync(app, customer);
        Assert.Equal(InvoiceStartStatus.Issued, (await Invoices.IssueAsync(invoiced.Id, InvoiceOrders.PrincipalOf(customer))).Status);

        var forCard = await Invoices.IssueAsync(card.Id, InvoiceOrders.PrincipalOf(customer));
        var page = await customer.Client.GetAsync(CheckoutPaths.TestInvoice(invoiced.Id));

        Assert.Equal(InvoiceStartStatus.NotFound, forCard.Status);
        Assert.Empty(app.Stripe.InvoicesForOrder(card.Id));
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Null(await Invoices.PayTestInvoiceAsync(InvoiceOrders.PrincipalOf(customer), invoiced.Id));
        Assert.Equal(OrderStatus.Pending, (await app.OrderAsync(invoiced.Id)).Status);
    }

    [Fact]
    public async Task The_Stripe_customer_follows_the_organizations_name_address_and_tax_ID_and_is_left_alone_when_in_step()
    {
        var customer = await app.NewCustomerAsync();
        var first = await app.CheckoutSessionAsync(customer, (await app.PlaceOrderAsync(customer, (5, 1))).Id);
        var customerId = first.CustomerId!;
        Assert.Null(app.Stripe.Customer(customerId)["address"]);
        Assert.Empty(app.Stripe.TaxIdsOf(customerId));

        var organizations = app.Services.GetRequiredService<OrganizationService>();
        var owner = InvoiceOrders.ActorOf(customer);
        await organizations.ChangeBillingDetailsAsync(customer.OrganizationId, InvoiceOrders.Address, TaxId.Create("gb_vat", "GB 123 456 789"), false, owner);
        await app.CheckoutSessionAsync(customer, (await app.PlaceOrderAsync(customer, (5, 1))).Id);

        var updated = app.Stripe.Customer(customerId);
        Assert.Equal("1 Town Hall Square", updated["address"]!["line1"]!.GetValue<string>());
        Assert.Equal("Leeds", updated["address"]!["city"]!.GetValue<string>());
        Assert.Equal("GB", updated["address"]!["country"]!.GetValue<string>());
        var vat = Assert.Single(app.Stripe.TaxIdsOf(customerId));
        Assert.Equal(("gb_vat", "GB 123 456 789"), (vat.Type, vat.Value));

        // Another tax ID replaces the old one; a kind Portal does not know, added in Stripe, stays.
        app.Stripe.AddTaxId(customerId, "br_cnpj", "01.234.456/5432-10");
        await organizations.ChangeBillingDetailsAsync(customer.OrganizationId, InvoiceOrders.Address, TaxId.Create("eu_vat", "IE6388047V"), false, owner);
        await app.CheckoutSessionAsync(customer, (await app.PlaceOrderAsync(customer, (1, 1))).Id);
        Assert.Equal(["br_cnpj 01.234.456/5432-10", "eu_vat IE6388047V"], app.Stripe.TaxIdsOf(customerId).Select(t => $"{t.Type} {t.Value}").Order());

        var requestsBefore = app.Stripe.Requests.Count(r => r.Path.StartsWith($"/v1/customers/{customerId}", StringComparison.Ordinal) && r.Method != "GET");
        await app.CheckoutSessionAsync(customer, (await app.PlaceOrderAsync(customer, (1, 2))).Id);
        var requestsAfter = app.Stripe.Requests.Count(r => r.Path.StartsWith($"/v1/customers/{customerId}", StringComparison.Ordinal) && r.Method != "GET");
        Assert.Equal(requestsBefore, requestsAfter);
    }

    [Fact]
    public async Task A_tax_ID_Stripe_refuses_does_not_stop_the_invoice_and_is_logged()
    {
        var customer = await app.NewCustomerAsync();
        var (_, order) = await InvoiceOrders.PlaceAsync(app.Services, customer.OrganizationId, InvoiceOrders.ActorOf(customer),
            taxId: TaxId.Create("us_ein", "12-3456789"));
        app.Stripe.RefuseTaxIds("12-3456789");

        var start = await Invoices.IssueAsync(order.Id, InvoiceOrders.PrincipalOf(customer));

        Assert.Equal(InvoiceStartStatus.Issued, start.Status);
        var invoice = Assert.Single(app.Stripe.InvoicesForOrder(order.Id));
        Assert.Empty(invoice.CustomerTaxIds!);
        Assert.Contains(app.Logs.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning
                                               && e.Message.Contains("refused the tax ID") && e.Message.Contains(customer.OrganizationId.ToString()));
    }
}
