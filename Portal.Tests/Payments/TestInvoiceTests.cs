using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.Members;
using Portal.Domain.Ordering;
using Portal.Payments;
using Portal.Tests.Builders;
using Portal.Tests.Integration;

namespace Portal.Tests.Payments;

/// <summary>
/// Development without Stripe keys: an invoice order gets a clearly labelled test invoice standing in for Stripe's
/// hosted invoice page, and paying it ends in the same door as <c>invoice.paid</c>. Only a Billing member of the
/// organization pays it, and only while Portal runs in Development without a Stripe key.
/// </summary>
public sealed partial class TestInvoiceTests(TestCheckoutApp app) : IClassFixture<TestCheckoutApp>
{
    private InvoicePayments Invoices => app.Services.GetRequiredService<InvoicePayments>();

    private async Task<Order> IssuedAsync(TestCustomer customer)
    {
        var (_, order) = await InvoiceOrders.PlaceAsync(app, customer);
        var start = await Invoices.IssueAsync(order.Id, InvoiceOrders.PrincipalOf(customer));
        Assert.Equal(InvoiceStartStatus.Issued, start.Status);
        return await app.OrderAsync(order.Id);
    }

    [Fact]
    public async Task An_invoice_order_gets_the_labelled_test_invoice_and_paying_it_fulfils_the_order()
    {
        var customer = await app.NewCustomerAsync();
        var order = await IssuedAsync(customer);
        Assert.Equal(CheckoutPaths.TestInvoice(order.Id), order.InvoiceUrl);
        Assert.StartsWith("TEST-", order.InvoiceNumber);

        var page = WebUtility.HtmlDecode(await customer.Client.GetStringAsync(order.InvoiceUrl));

        Assert.Contains("TEST INVOICE — no money is taken.", page);
        Assert.Contains(order.InvoiceNumber!, page);
        Assert.Contains(Portal.Components.Licensing.LicenseText.Date(order.InvoiceDueAt!.Value), page);
        Assert.Contains(InvoiceOrders.PurchaseOrder, page);
        Assert.Contains("OfficeStatus 6 – 25-user pack", page);
        Assert.Contains("OfficeStatus 6 – 10-user pack", page);
        Assert.Contains(order.Total.ToString(), page);
        Assert.Contains(">Pay (test)<", page);
        Assert.Equal(1, H1().Count(page));

        var pay = await customer.Client.PostAsync(CheckoutPaths.TestInvoicePay(order.Id), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = AccountForms.AntiforgeryToken(page),
        }));

        Assert.Equal(HttpStatusCode.SeeOther, pay.StatusCode);
        Assert.Equal(CheckoutPaths.OrderDetail(order.Id), pay.Headers.Location!.ToString());
        var paid = await app.OrderAsync(order.Id);
        Assert.Equal(OrderStatus.Fulfilled, paid.Status);
        Assert.Equal(InvoiceStatus.Paid, paid.InvoiceStatus);
        Assert.Equal(45, await app.SeatsAsync(customer.OrganizationId));
        Assert.Empty(app.Stripe.Requests);
        var after = WebUtility.HtmlDecode(await customer.Client.GetStringAsync(order.InvoiceUrl));
        Assert.Contains("This invoice is paid.", after);
        Assert.DoesNotContain(">Pay (test)<", after);
    }

    [Fact]
    public async Task A_member_without_the_Billing_role_sees_the_test_invoice_but_cannot_pay_it()
    {
        var customer = await app.NewCustomerAsync();
        var order = await IssuedAsync(customer);
        var technical = await MemberAsync(customer, MemberRoles.Technical);

        var page = WebUtility.HtmlDecode(await technical.GetStringAsync(CheckoutPaths.TestInvoice(order.Id)));
        var pay = await technical.PostAsync(CheckoutPaths.TestInvoicePay(order.Id), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = AccountForms.AntiforgeryToken(page),
        }));

        Assert.Contains("TEST INVOICE — no money is taken.", page);
        Assert.Contains("data-testid=\"role-required\"", page);
        Assert.Contains("To pay invoices, you need the Billing role.", page);
        Assert.DoesNotContain(">Pay (test)<", page);
        Assert.Equal(HttpStatusCode.Forbidden, pay.StatusCode);
        Assert.Equal(OrderStatus.Pending, (await app.OrderAsync(order.Id)).Status);
    }

    [Fact]
    public async Task Another_organizations_test_invoice_cannot_be_seen_or_paid_and_a_card_order_has_none()
    {
        var owner = await app.NewCustomerAsync();
        var order = await IssuedAsync(owner);
        var intruder = await app.NewCustomerAsync();
        var own = await IssuedAsync(intruder);
        var card = await app.PlaceOrderAsync(owner, (5, 1));
        var token = AccountForms.AntiforgeryToken(await intruder.Client.GetStringAsync(CheckoutPaths.TestInvoice(own.Id)));

        var page = await intruder.Client.GetAsync(CheckoutPaths.TestInvoice(order.Id));
        var pay = await intruder.Client.PostAsync(CheckoutPaths.TestInvoicePay(order.Id), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
        }));
        var cardPage = await owner.Client.GetAsync(CheckoutPaths.TestInvoice(card.Id));

        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, pay.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, cardPage.StatusCode);
        Assert.Equal(OrderStatus.Pending, (await app.OrderAsync(order.Id)).Status);
        Assert.Empty(await app.LicensesAsync(order.Id));
    }

    [Fact]
    public async Task Paying_the_test_invoice_needs_the_antiforgery_token_and_a_signed_in_customer()
    {
        var customer = await app.NewCustomerAsync();
        var order = await IssuedAsync(customer);
        using var anonymous = app.NewClient();

        var noToken = await customer.Client.PostAsync(CheckoutPaths.TestInvoicePay(order.Id), new FormUrlEncodedContent([]));
        var signedOut = await anonymous.GetAsync(CheckoutPaths.TestInvoice(order.Id));

        Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.Contains("/Account/Login", signedOut.Headers.Location!.ToString());
        Assert.Equal(OrderStatus.Pending, (await app.OrderAsync(order.Id)).Status);
    }

    [Fact]
    public async Task Outside_Development_there_are_no_test_invoices_even_without_a_Stripe_key()
    {
        var customer = await app.NewCustomerAsync();
        var order = await IssuedAsync(customer);
        var production = ActivatorUtilities.CreateInstance<InvoicePayments>(app.Services, new ProductionEnvironment());
        var user = InvoiceOrders.PrincipalOf(customer);

        Assert.False(production.IsTestMode);
        Assert.Null(await production.FindTestInvoiceAsync(user, order.Id));
        Assert.Null(await production.PayTestInvoiceAsync(user, order.Id));
        Assert.Equal(OrderStatus.Pending, (await app.OrderAsync(order.Id)).Status);
    }

    /// <summary>Another member of the customer's organization with <paramref name="roles"/>, signed in through the real sign-in form.</summary>
    private async Task<HttpClient> MemberAsync(TestCustomer customer, MemberRoles roles)
    {
        var email = $"member-{Guid.NewGuid():N}"[..20] + "@payments.example";
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            var user = new PortalUser { UserName = email, Email = email, EmailConfirmed = true };
            user.JoinAs(db, customer.OrganizationId, roles);
            Assert.True((await users.CreateAsync(user, PaymentsApp.Password)).Succeeded);
            Assert.True((await users.AddToRoleAsync(user, Roles.Customer)).Succeeded);
        }
        var client = app.NewClient();
        var login = await client.GetStringAsync("/Account/Login");
        var signIn = await client.PostAsync("/Account/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = AccountForms.AntiforgeryToken(login),
            ["Input.Email"] = email,
            ["Input.Password"] = PaymentsApp.Password,
        }));
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        return client;
    }

    private sealed class ProductionEnvironment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = Environments.Production;
        public string ApplicationName { get; set; } = "Portal";
        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }

    [GeneratedRegex(@"<h1[\s>]")]
    private static partial Regex H1();
}
