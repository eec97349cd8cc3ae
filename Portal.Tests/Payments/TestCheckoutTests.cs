using System.Net;
using System.Text.RegularExpressions;
using Portal.Domain.Ordering;
using Portal.Payments;

using Portal.Tests.Integration;

namespace Portal.Tests.Payments;

/// <summary>Portal in Development with no Stripe key: the same app and helpers, and a fake Stripe that must get no call.</summary>
public sealed class TestCheckoutApp() : PaymentsApp(FakeStripeUse.Idle);

/// <summary>Development without Stripe keys: a clearly labelled test checkout that ends in the same fulfilment.</summary>
public sealed partial class TestCheckoutTests(TestCheckoutApp app) : IClassFixture<TestCheckoutApp>
{
    [Fact]
    public async Task Checkout_goes_to_the_labelled_test_page_and_paying_there_fulfils_the_order()
    {
        var customer = await app.NewCustomerAsync();
        var order = await app.PlaceOrderAsync(customer, (25, 1), (10, 1));

        var start = await app.StartCheckoutAsync(customer, order.Id);
        Assert.Equal(HttpStatusCode.SeeOther, start.StatusCode);
        Assert.Equal(CheckoutPaths.Test(order.Id), start.Headers.Location!.ToString());

        var page = WebUtility.HtmlDecode(await customer.Client.GetStringAsync(start.Headers.Location));
        Assert.Contains("TEST CHECKOUT — no money is taken.", page);
        Assert.Contains("OfficeStatus 6 – 25-user pack", page);
        Assert.Contains("OfficeStatus 6 – 10-user pack", page);
        Assert.Contains("USD 1,395.00", page);
        Assert.Contains(">Pay (test)<", page);
        Assert.Contains($"href=\"{CheckoutPaths.ReturnForOrder(order.Id)}\"", page);
        Assert.Equal(1, H1().Count(page));

        var pay = await customer.Client.PostAsync(CheckoutPaths.TestPay(order.Id), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = AccountForms.AntiforgeryToken(page),
        }));

        Assert.Equal(HttpStatusCode.SeeOther, pay.StatusCode);
        Assert.Equal(CheckoutPaths.ReturnForOrder(order.Id), pay.Headers.Location!.ToString());
        var done = await customer.Client.GetStringAsync(pay.Headers.Location);
        Assert.Contains("Payment received — your licenses are ready", done);
        var fulfilled = await app.OrderAsync(order.Id);
        Assert.Equal(OrderStatus.Fulfilled, fulfilled.Status);
        Assert.Equal(35, await app.SeatsAsync(customer.OrganizationId));
        Assert.All(await app.LicensesAsync(order.Id), license => Assert.Contains(license.Key, done));
        Assert.Empty(app.Stripe.Requests);
    }

    [Fact]
    public async Task Another_organizations_order_cannot_be_seen_or_paid_in_the_test_checkout()
    {
        var owner = await app.NewCustomerAsync();
        var order = await app.PlaceOrderAsync(owner, (5, 1));
        var intruder = await app.NewCustomerAsync();
        var own = await app.PlaceOrderAsync(intruder, (1, 1));
        var token = AccountForms.AntiforgeryToken(await intruder.Client.GetStringAsync(CheckoutPaths.Test(own.Id)));

        var page = await intruder.Client.GetAsync(CheckoutPaths.Test(order.Id));
        var pay = await intruder.Client.PostAsync(CheckoutPaths.TestPay(order.Id), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
        }));
        var start = await app.StartCheckoutAsync(intruder, order.Id, formPageOrderId: own.Id);

        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, pay.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, start.StatusCode);
        Assert.Equal(OrderStatus.Pending, (await app.OrderAsync(order.Id)).Status);
        Assert.Empty(await app.LicensesAsync(order.Id));
    }

    [Fact]
    public async Task Paying_the_test_checkout_needs_the_antiforgery_token()
    {
        var customer = await app.NewCustomerAsync();
        var order = await app.PlaceOrderAsync(customer, (5, 1));

        var pay = await customer.Client.PostAsync(CheckoutPaths.TestPay(order.Id), new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.BadRequest, pay.StatusCode);
        Assert.Equal(OrderStatus.Pending, (await app.OrderAsync(order.Id)).Status);
    }

    [Fact]
    public async Task Without_a_webhook_secret_the_webhook_refuses_events_without_a_500()
    {
        using var client = app.NewClient();

        var response = await client.PostAsync(CheckoutPaths.Webhook, new StringContent("{}"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    [GeneratedRegex(@"<h1[\s>]")]
    private static partial Regex H1();
}
