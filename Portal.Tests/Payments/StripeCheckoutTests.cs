using System.Net;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Accounts;
using Portal.Domain.Discounts;
using Portal.Domain.Ordering;
using Portal.Domain.Organizations;
using Portal.Payments;
using Portal.Tests.Fakes.Stripe;
using Portal.Domain.Members;

namespace Portal.Tests.Payments;

/// <summary>Starting checkout: exactly what Portal asks Stripe for (docs/architecture.md#purchase-flow, R12), once per order and customer.</summary>
[Collection(PaymentsCollection.Name)]
public sealed class StripeCheckoutTests(PaymentsApp app)
{
    [Fact]
    public async Task The_checkout_session_has_the_order_lines_reference_customer_invoice_and_return_urls_and_ignores_posted_prices()
    {
        var customer = await app.NewCustomerAsync();
        var order = await app.PlaceOrderAsync(customer, (25, 1), (10, 2));

        var response = await app.StartCheckoutAsync(customer, order.Id, extraFields: new Dictionary<string, string>
        {
            ["amount"] = "1", ["unit_amount"] = "1", ["line_items[0][price_data][unit_amount]"] = "1",
        });

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var create = Assert.Single(app.Stripe.RequestsTo("POST", "/v1/checkout/sessions"), r => r.Form["client_reference_id"] == order.Id.ToString());
        var form = create.Form;
        Assert.Equal("payment", form["mode"]);
        Assert.Equal(order.Id.ToString(), form["metadata[order_id]"]);
        Assert.Equal("true", form["invoice_creation[enabled]"]);
        Assert.Equal(app.BaseAddress.ToString().TrimEnd('/') + "/checkout/return?session_id={CHECKOUT_SESSION_ID}", form["success_url"]);
        Assert.Equal(app.BaseAddress.ToString().TrimEnd('/') + CheckoutPaths.ReturnForOrder(order.Id), form["cancel_url"]);
        Assert.False(form.ContainsKey("automatic_tax[enabled]"), "automatic tax is off unless Stripe:AutomaticTax is set");

        var lines = OrderLine.InDisplayOrder(order.Lines).ToList();
        Assert.Equal(2, lines.Count);
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            Assert.Equal(line.UnitPrice.Minor.ToString(), form[$"line_items[{i}][price_data][unit_amount]"]);
            Assert.Equal(line.Quantity.ToString(), form[$"line_items[{i}][quantity]"]);
            Assert.Equal("usd", form[$"line_items[{i}][price_data][currency]"]);
            Assert.Equal(line.Description, form[$"line_items[{i}][price_data][product_data][name]"]);
        }
        Assert.Equal("OfficeStatus 6 – 25-user pack", form["line_items[0][price_data][product_data][name]"]);
        Assert.Equal("97500", form["line_items[0][price_data][unit_amount]"]);
        Assert.Equal("OfficeStatus 6 – 10-user pack", form["line_items[1][price_data][product_data][name]"]);
        Assert.Equal("2", form["line_items[1][quantity]"]);

        Assert.Equal($"Bearer {FakeStripe.SecretKey}", create.Authorization);
        Assert.Equal(FakeStripe.ApiVersion, create.StripeVersion);
        Assert.Contains(order.Id.ToString("N"), create.IdempotencyKey);

        var customerCreate = Assert.Single(app.Stripe.RequestsTo("POST", "/v1/customers"), r => r.Form.GetValueOrDefault("metadata[organization_id]") == customer.OrganizationId.ToString());
        Assert.Equal(customer.BillingEmail, customerCreate.Form["email"]);
        Assert.StartsWith("Payments Test", customerCreate.Form["name"]);
        Assert.Contains(customer.OrganizationId.ToString("N"), customerCreate.IdempotencyKey);

        var session = Assert.Single(app.Stripe.SessionsForOrder(order.Id));
        Assert.Equal(session.Url, response.Headers.Location!.ToString());
        Assert.Equal(order.Total.Minor, session.AmountTotal);
        Assert.Equal(session.Id, (await app.OrderAsync(order.Id)).CheckoutSessionId);
        await using var db = await app.NewContextAsync();
        Assert.Equal(session.CustomerId, (await db.Organizations.SingleAsync(o => o.Id == customer.OrganizationId)).StripeCustomerId);
    }

    [Fact]
    public async Task A_discount_is_named_in_the_line_and_taken_off_its_unit_amount()
    {
        var customer = await app.NewCustomerAsync();
        var discounts = app.Services.GetRequiredService<DiscountService>();
        var application = await discounts.SubmitAsync(customer.OrganizationId, DiscountKind.Nonprofit, "Registered charity 123.", [],
            Actor.Person(customer.UserId, customer.Email, Roles.Customer).In(customer.OrganizationId, MemberRoles.Owner));
        await discounts.ApproveAsync(application.Id, 40, null, null, Actor.Person("sales-1", "Sales", Roles.Sales));
        var order = await app.PlaceOrderAsync(customer, (25, 1));

        var session = await app.CheckoutSessionAsync(customer, order.Id);

        var line = Assert.Single(session.Lines);
        Assert.Equal("OfficeStatus 6 – 25-user pack (40 % discount)", line.Name);
        Assert.Equal(97_500 - 39_000, line.UnitAmount);
        Assert.Equal(order.Total.Minor, session.AmountTotal);
    }

    [Fact]
    public async Task The_second_checkout_of_an_organization_reuses_its_Stripe_customer()
    {
        var customer = await app.NewCustomerAsync();
        var first = await app.CheckoutSessionAsync(customer, (await app.PlaceOrderAsync(customer, (5, 1))).Id);
        var second = await app.CheckoutSessionAsync(customer, (await app.PlaceOrderAsync(customer, (1, 3))).Id);

        Assert.NotEqual(first.Id, second.Id);
        Assert.NotNull(first.CustomerId);
        Assert.Equal(first.CustomerId, second.CustomerId);
        Assert.Single(CustomersOf(customer));
    }

    [Fact]
    public async Task Two_first_checkouts_at_once_create_one_Stripe_customer()
    {
        var customer = await app.NewCustomerAsync();
        var orders = new[] { await app.PlaceOrderAsync(customer, (5, 1)), await app.PlaceOrderAsync(customer, (10, 1)) };

        var sessions = await Task.WhenAll(orders.Select(order => app.CheckoutSessionAsync(customer, order.Id)));

        Assert.Single(CustomersOf(customer));
        Assert.Equal(sessions[0].CustomerId, sessions[1].CustomerId);
        var creates = app.Stripe.RequestsTo("POST", "/v1/customers")
            .Where(r => r.Form.GetValueOrDefault("metadata[organization_id]") == customer.OrganizationId.ToString()).ToList();
        Assert.Single(creates.Select(r => r.IdempotencyKey).Distinct());
    }

    [Fact]
    public async Task A_double_click_makes_one_session_and_a_later_click_goes_back_to_it()
    {
        var customer = await app.NewCustomerAsync();
        var order = await app.PlaceOrderAsync(customer, (50, 1));

        var clicks = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => app.StartCheckoutAsync(customer, order.Id)));
        var later = await app.StartCheckoutAsync(customer, order.Id);

        Assert.All(clicks.Append(later), click => Assert.Equal(HttpStatusCode.SeeOther, click.StatusCode));
        var session = Assert.Single(app.Stripe.SessionsForOrder(order.Id));
        Assert.All(clicks.Append(later), click => Assert.Equal(session.Url, click.Headers.Location!.ToString()));
        var keys = app.Stripe.RequestsTo("POST", "/v1/checkout/sessions")
            .Where(r => r.Form["client_reference_id"] == order.Id.ToString()).Select(r => r.IdempotencyKey).Distinct().ToList();
        Assert.Equal([$"portal-checkout-{order.Id:N}"], keys);
        Assert.Equal(session.Id, (await app.OrderAsync(order.Id)).CheckoutSessionId);
    }

    [Fact]
    public async Task Another_organizations_order_is_not_found_and_nothing_is_sent_to_Stripe()
    {
        var owner = await app.NewCustomerAsync();
        var order = await app.PlaceOrderAsync(owner, (5, 1));
        var intruder = await app.NewCustomerAsync();
        var intrudersOwn = await app.PlaceOrderAsync(intruder, (1, 1));

        var post = await app.StartCheckoutAsync(intruder, order.Id, formPageOrderId: intrudersOwn.Id);
        var page = await intruder.Client.GetAsync(CheckoutPaths.ReturnForOrder(order.Id));

        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.DoesNotContain(app.Stripe.Requests, r => r.Form.GetValueOrDefault("client_reference_id") == order.Id.ToString());
        Assert.Null((await app.OrderAsync(order.Id)).CheckoutSessionId);
    }

    [Fact]
    public async Task Starting_checkout_needs_a_signed_in_customer_and_the_antiforgery_token()
    {
        var customer = await app.NewCustomerAsync();
        var order = await app.PlaceOrderAsync(customer, (5, 1));

        using var anonymous = app.NewClient();
        var signedOut = await anonymous.PostAsync(CheckoutPaths.Start(order.Id), new FormUrlEncodedContent([]));
        var noToken = await customer.Client.PostAsync(CheckoutPaths.Start(order.Id), new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.Contains("/Account/Login", signedOut.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        Assert.Empty(app.Stripe.SessionsForOrder(order.Id));
    }

    [Fact]
    public async Task When_Stripe_fails_the_customer_is_told_nothing_was_charged_and_no_session_is_attached()
    {
        var customer = await app.NewCustomerAsync();
        var order = await app.PlaceOrderAsync(customer, (5, 1));
        app.Stripe.FailSessionCreates(1);

        var response = await app.StartCheckoutAsync(customer, order.Id);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal(CheckoutPaths.ReturnForOrder(order.Id, stripeUnavailable: true), response.Headers.Location!.ToString());
        var page = await customer.Client.GetStringAsync(response.Headers.Location);
        Assert.Contains("Stripe could not be reached", page);
        Assert.Contains("Nothing was charged", page);
        Assert.Null((await app.OrderAsync(order.Id)).CheckoutSessionId);
        Assert.Equal(OrderStatus.Pending, (await app.OrderAsync(order.Id)).Status);
    }

    [Fact]
    public async Task With_automatic_tax_Stripe_adds_the_tax_on_top_and_the_order_is_still_fulfilled()
    {
        var customer = await app.NewCustomerAsync();
        var order = await app.PlaceOrderAsync(customer, (10, 1));
        var taxed = ActivatorUtilities.CreateInstance<StripeCheckout>(app.Services, new StripeSettings { AutomaticTax = true });
        var user = new ClaimsPrincipal(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, customer.UserId), new Claim(ClaimTypes.Email, customer.Email), new Claim(ClaimTypes.Role, Roles.Customer),
            new Claim(PortalClaimTypes.OrganizationId, customer.OrganizationId.ToString()), new Claim(PortalClaimTypes.MemberRole, nameof(MemberRoles.Owner)),
        ], "test"));

        var start = await taxed.StartAsync(order.Id, user, app.BaseAddress);

        Assert.Equal(CheckoutStartStatus.Redirect, start.Status);
        var session = Assert.Single(app.Stripe.SessionsForOrder(order.Id));
        Assert.Equal("true", session.Form["automatic_tax[enabled]"]);
        Assert.Equal("auto", session.Form["customer_update[address]"]);
        Assert.Equal("exclusive", session.Form["line_items[0][price_data][tax_behavior]"]);
        Assert.True(session.AmountTotal > order.Total.Minor, "the fake's Stripe Tax added tax on top");

        app.Stripe.MarkPaid(session.Id);
        Assert.Equal(HttpStatusCode.OK, await app.Stripe.SendAsync(app.Stripe.SessionEvent("checkout.session.completed", session.Id)));
        Assert.Equal(OrderStatus.Fulfilled, (await app.OrderAsync(order.Id)).Status);
    }

    [Fact]
    public async Task Checkout_asks_for_the_billing_address_and_tax_ID_and_saves_them_on_the_organizations_customer()
    {
        var customer = await app.NewCustomerAsync();
        var order = await app.PlaceOrderAsync(customer, (5, 1));

        var session = await app.CheckoutSessionAsync(customer, order.Id);

        Assert.Equal("required", session.Form["billing_address_collection"]);
        Assert.Equal("true", session.Form["tax_id_collection[enabled]"]);
        // Stripe requires customer_update[name]=auto to collect a tax ID for an existing customer.
        Assert.Equal("auto", session.Form["customer_update[name]"]);
        Assert.Equal("auto", session.Form["customer_update[address]"]);
        Assert.NotNull(session.CustomerId);
    }

    [Fact]
    public async Task A_completed_checkout_gives_the_organization_the_billing_address_and_tax_ID_the_customer_entered()
    {
        var customer = await app.NewCustomerAsync();
        var order = await app.PlaceOrderAsync(customer, (10, 1));
        var session = await app.CheckoutSessionAsync(customer, order.Id);
        app.Stripe.MarkPaid(session.Id, customerDetails: new FakeCustomerDetails("Leeds City Council", customer.BillingEmail,
            new FakeAddress("1 Town Hall Square", null, "LS1 1UR", "Leeds", "West Yorkshire", "GB"), [("gb_vat", "GB123456789")]));

        Assert.Equal(HttpStatusCode.OK, await app.Stripe.SendAsync(app.Stripe.SessionEvent("checkout.session.completed", session.Id)));

        Assert.Equal(OrderStatus.Fulfilled, (await app.OrderAsync(order.Id)).Status);
        await using var db = await app.NewContextAsync();
        var organization = await db.Organizations.AsNoTracking().SingleAsync(o => o.Id == customer.OrganizationId);
        Assert.Equal(PostalAddress.Create("1 Town Hall Square", null, "LS1 1UR", "Leeds", "West Yorkshire"), organization.BillingAddress);
        Assert.Equal(TaxId.Create("gb_vat", "GB123456789"), organization.TaxId);
        Assert.Contains(await app.HistoryAsync(customer.OrganizationId), h => h.StartsWith("organization.billing-details-updated: ", StringComparison.Ordinal));
        // As Stripe does, Checkout saved them on the customer too, so its next payment starts from them.
        Assert.Equal([("gb_vat", "GB123456789")], app.Stripe.TaxIdsOf(session.CustomerId!).Select(t => (t.Type, t.Value)));
    }

    [Fact]
    public async Task A_tax_ID_of_a_kind_Portal_does_not_know_and_a_partial_address_are_not_kept()
    {
        var customer = await app.NewCustomerAsync();
        var order = await app.PlaceOrderAsync(customer, (10, 1));
        var session = await app.CheckoutSessionAsync(customer, order.Id);
        app.Stripe.MarkPaid(session.Id, customerDetails: new FakeCustomerDetails("Prefeitura", customer.BillingEmail,
            new FakeAddress("", null, "01000-000", "", null, "BR"), [("br_cnpj", "01.234.456/5432-10")]));

        Assert.Equal(HttpStatusCode.OK, await app.Stripe.SendAsync(app.Stripe.SessionEvent("checkout.session.completed", session.Id)));

        Assert.Equal(OrderStatus.Fulfilled, (await app.OrderAsync(order.Id)).Status);
        await using var db = await app.NewContextAsync();
        var organization = await db.Organizations.AsNoTracking().SingleAsync(o => o.Id == customer.OrganizationId);
        Assert.True(organization.BillingAddress.IsEmpty);
        Assert.Null(organization.TaxId);
        Assert.DoesNotContain(await app.HistoryAsync(customer.OrganizationId), h => h.StartsWith("organization.billing-details-updated", StringComparison.Ordinal));
    }

    private IReadOnlyList<string> CustomersOf(TestCustomer customer) =>
        app.Stripe.Customers.Where(c => c["metadata"]?["organization_id"]?.GetValue<string>() == customer.OrganizationId.ToString())
            .Select(c => c["id"]!.GetValue<string>()).ToList();
}
