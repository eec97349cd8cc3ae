using System.Net;
using System.Text;
using MimeKit;
using Portal.Domain.Keys;
using Portal.Domain.Ordering;
using Portal.Payments;

namespace Portal.Tests.Payments;

/// <summary>
/// Issue 4's done-when: a purchase of a 25-user and a 10-user pack through the fake Stripe ends with 35 seats, two keys
/// that verify with the app's JWKS and one registration email, whatever the order and number of times events arrive.
/// </summary>
[Collection(PaymentsCollection.Name)]
public sealed class PurchaseJourneyTests(PaymentsApp app)
{
    public enum Arrival
    {
        /// <summary>The hosted page delivers checkout.session.completed, then the browser lands on the return page.</summary>
        WebhookThenReturnPage,

        /// <summary>The browser is back before any webhook; then Stripe delivers the event three times.</summary>
        ReturnPageThenWebhookThreeTimes,

        /// <summary>Return pages, duplicates and a second event for the same payment, all at once.</summary>
        EverythingAtOnce,

        /// <summary>A delayed payment: completed (unpaid), then async_payment_succeeded twice, the customer refreshing.</summary>
        DelayedPayment,
    }

    [Theory]
    [InlineData(Arrival.WebhookThenReturnPage)]
    [InlineData(Arrival.ReturnPageThenWebhookThreeTimes)]
    [InlineData(Arrival.EverythingAtOnce)]
    [InlineData(Arrival.DelayedPayment)]
    public async Task Buying_a_25_and_a_10_user_pack_ends_with_35_seats_two_verified_keys_and_one_registration_email(Arrival arrival)
    {
        var customer = await app.NewCustomerAsync();
        var order = await app.PlaceOrderAsync(customer, (25, 1), (10, 1));
        using var browserAtStripe = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });

        var start = await app.StartCheckoutAsync(customer, order.Id);
        Assert.Equal(HttpStatusCode.SeeOther, start.StatusCode);
        var hostedPage = start.Headers.Location!;
        Assert.Contains("<button type=\"submit\">Pay</button>", await browserAtStripe.GetStringAsync(hostedPage));
        var sessionId = hostedPage.Segments.Last();
        var returnUrl = new Uri(app.BaseAddress, CheckoutPaths.ReturnForSession(sessionId));

        string page;
        switch (arrival)
        {
            case Arrival.WebhookThenReturnPage:
            {
                var paid = await browserAtStripe.PostAsync(hostedPage, new FormUrlEncodedContent([]));
                Assert.Equal(HttpStatusCode.Redirect, paid.StatusCode);
                Assert.Equal(returnUrl, paid.Headers.Location);
                var delivered = Assert.Single(app.Stripe.Deliveries, d => d.Type == "checkout.session.completed" && d.ObjectId == sessionId);
                Assert.Equal(HttpStatusCode.OK, delivered.StatusCode);
                page = await customer.Client.GetStringAsync(paid.Headers.Location);
                break;
            }
            case Arrival.ReturnPageThenWebhookThreeTimes:
            {
                app.Stripe.MarkPaid(sessionId);
                page = await customer.Client.GetStringAsync(returnUrl);
                // The return page fulfilled the order: it asked Stripe for the session with its invoice.
                var invoice = $"{app.Stripe.BaseUrl}/invoices/{app.Stripe.Session(sessionId).InvoiceId}";
                Assert.Contains($"href=\"{invoice}\"", page);
                Assert.Equal(invoice, (await app.OrderAsync(order.Id)).ReceiptUrl);
                var completed = app.Stripe.SessionEvent("checkout.session.completed", sessionId);
                for (var i = 0; i < 3; i++)
                    Assert.Equal(HttpStatusCode.OK, await app.Stripe.SendAsync(completed));
                break;
            }
            case Arrival.EverythingAtOnce:
            {
                app.Stripe.MarkPaid(sessionId);
                var completed = app.Stripe.SessionEvent("checkout.session.completed", sessionId);
                var succeeded = app.Stripe.SessionEvent("checkout.session.async_payment_succeeded", sessionId);
                var webhooks = Enumerable.Range(0, 12).Select(i => Task.Run(() => app.Stripe.SendAsync(i % 3 == 0 ? succeeded : completed)));
                var pages = Enumerable.Range(0, 4).Select(_ => Task.Run(() => customer.Client.GetStringAsync(returnUrl)));
                Assert.All(await Task.WhenAll(webhooks), status => Assert.Equal(HttpStatusCode.OK, status));
                page = (await Task.WhenAll(pages)).Last();
                break;
            }
            default:
            {
                app.Stripe.MarkPaid(sessionId, paymentStatus: "unpaid");
                Assert.Equal(HttpStatusCode.OK, await app.Stripe.SendAsync(app.Stripe.SessionEvent("checkout.session.completed", sessionId)));
                Assert.Contains("processing your payment", await customer.Client.GetStringAsync(returnUrl));
                Assert.Equal(OrderStatus.Pending, (await app.OrderAsync(order.Id)).Status);
                app.Stripe.MarkPaid(sessionId);
                var succeeded = app.Stripe.SessionEvent("checkout.session.async_payment_succeeded", sessionId);
                Assert.Equal(HttpStatusCode.OK, await app.Stripe.SendAsync(succeeded));
                Assert.Equal(HttpStatusCode.OK, await app.Stripe.SendAsync(succeeded));
                page = await customer.Client.GetStringAsync(returnUrl);
                break;
            }
        }

        // The customer sees the licenses with their keys.
        Assert.Contains("Payment received — your licenses are ready", page);
        var licenses = await app.LicensesAsync(order.Id);
        Assert.Equal([25, 10], licenses.Select(l => l.Seats));
        Assert.All(licenses, license => Assert.Contains(license.Key, page));
        Assert.Equal(OrderStatus.Fulfilled, (await app.OrderAsync(order.Id)).Status);

        // 35 seats (R2), and two keys that verify with nothing but the app's published JWKS.
        Assert.Equal(35, await app.SeatsAsync(customer.OrganizationId));
        var verifier = new LicenseKeyVerifier(await customer.Client.GetStringAsync("/.well-known/jwks.json")) { ProductCode = "officestatus" };
        foreach (var license in licenses)
        {
            var verified = verifier.Verify(license.Key);
            Assert.True(verified.IsValid, verified.Message);
            Assert.Equal((license.Id, license.Seats, 6, LicenseKind.Perpetual), (verified.Claims!.LicenseId, verified.Claims.Seats, verified.Claims.Major, verified.Claims.Kind));
            Assert.StartsWith("Payments Test", verified.Claims.Licensee);
        }

        // Exactly one registration email (R11) and one receipt through SMTP, to the buyer (an owner) and the billing
        // email; the registration with both license files.
        var email = await SingleEmailAsync(customer, "Your OfficeStatus 6 registration");
        Assert.Equal([customer.BillingEmail, customer.Email], email.To.Mailboxes.Select(m => m.Address).Order(StringComparer.Ordinal));
        var receipt = await SingleEmailAsync(customer, "Receipt for your order");
        Assert.Equal([customer.BillingEmail, customer.Email], receipt.To.Mailboxes.Select(m => m.Address).Order(StringComparer.Ordinal));
        Assert.Contains($"Total paid: {order.Total}", receipt.TextBody);
        var attached = email.Attachments.OfType<MimePart>().Select(part =>
        {
            using var content = new MemoryStream();
            part.Content!.DecodeTo(content);
            return verifier.Verify(Encoding.UTF8.GetString(content.ToArray()));
        }).ToList();
        Assert.Equal([25, 10], attached.Select(v => v.Claims!.Seats).Order().Reverse());
        Assert.All(attached, verification => Assert.True(verification.IsValid, verification.Message));
    }

    private async Task<MimeMessage> SingleEmailAsync(TestCustomer customer, string subjectStart)
    {
        bool IsOurs(MimeMessage message) =>
            message.To.Mailboxes.Any(m => m.Address == customer.BillingEmail) && message.Subject?.StartsWith(subjectStart, StringComparison.Ordinal) == true;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!app.Smtp.Messages.Any(IsOurs) && DateTime.UtcNow < deadline)
            await Task.Delay(100);
        // The outbox polls every 200 ms here: a second email would show within this wait.
        await Task.Delay(700);
        return Assert.Single(app.Smtp.Messages, IsOurs);
    }
}
