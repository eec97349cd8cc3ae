using Microsoft.EntityFrameworkCore;
using Portal.Domain.Accounts;
using Portal.Domain.History;
using Portal.Domain.Licensing;
using Portal.Domain.Members;
using Portal.Domain.Ordering;
using Portal.Domain.Organizations;
using Portal.Domain.Outbox;
using Portal.Tests.Builders;

namespace Portal.Tests.Domain;

/// <summary>
/// Orders paid by invoice, through the one door for payments (<see cref="PaymentEventService.HandleAsync"/>,
/// docs/rules.md#quotes-and-invoices): an issued invoice is recorded and emailed; a paid one fulfils its order exactly
/// once, with the guarantees of a card payment; failed payments and overdue invoices are recorded and emailed once; a
/// voided or uncollectible invoice cancels its order. An organization trusted with keys on invoice gets its licenses
/// when the invoice is issued, and loses them if it is voided (R10).
/// </summary>
public sealed class InvoicePaymentTests : IAsyncLifetime
{
    private const string BillingEmail = "billing@contoso.example";
    private DomainFixture _fx = null!;

    public async Task InitializeAsync()
    {
        _fx = await DomainFixture.CreateAsync();
        await MemberAsync("olga@contoso.example", MemberRoles.Owner);
        await MemberAsync("bea@contoso.example", MemberRoles.Billing);
        await MemberAsync("ted@contoso.example", MemberRoles.Technical);
    }

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    private PaymentEventService Door => _fx.Get<PaymentEventService>();

    private Task<PaymentReportResult> HandleAsync(PaymentReport report) => Door.HandleAsync(report);

    /// <summary>An order placed from an accepted quote for a 25-user and a 10-user pack (USD 1,395.00), to be paid by invoice.</summary>
    private Task<Order> InvoiceOrderAsync() => _fx.Quote().Packs((25, 1), (10, 1)).AcceptedAsync(PaymentMethod.Invoice);

    private async Task<Order> IssuedAsync()
    {
        var order = await InvoiceOrderAsync();
        Assert.Equal(PaymentReportOutcome.Applied, (await HandleAsync(PaymentReports.InvoiceIssued(order, "evt_finalized"))).Outcome);
        return order;
    }

    private async Task TrustContosoAsync() =>
        Assert.True(await _fx.Get<OrganizationService>().TrustWithKeysOnInvoiceAsync(_fx.Contoso.Id, true, "City council, paid 12 invoices on time", DomainFixture.Sales));

    private async Task<Order> StoredAsync(Order order)
    {
        await using var db = _fx.Db();
        return await db.Orders.AsNoTracking().SingleAsync(o => o.Id == order.Id);
    }

    private async Task<List<License>> LicensesOfAsync(Order order)
    {
        await using var db = _fx.Db();
        return await db.Licenses.AsNoTracking().Where(l => l.OrderId == order.Id).ToListAsync();
    }

    private async Task<List<string>> EmailKeysAsync()
    {
        await using var db = _fx.Db();
        return await db.OutboxMessages.AsNoTracking().Select(m => m.DeduplicationKey!)
            .Where(key => !key.StartsWith("quote-")).OrderBy(key => key).ToListAsync();
    }

    private async Task<OutboxMessage> EmailAsync(string key)
    {
        await using var db = _fx.Db();
        return await db.OutboxMessages.AsNoTracking().SingleAsync(m => m.DeduplicationKey == key);
    }

    private async Task<List<string>> AuditAsync(Order order, string action)
    {
        await using var db = _fx.Db();
        return await db.AuditEvents.AsNoTracking().Where(e => e.Action == action && e.EntityId == order.Id.ToString())
            .OrderBy(e => e.Id).Select(e => e.Summary).ToListAsync();
    }

    private static string Invoice(Order order) => PaymentReports.IssuedInvoiceOf(order).Number!;

    // Issued

    [Fact]
    public async Task An_issued_invoice_is_recorded_open_with_its_due_date_and_pages_in_the_history_and_emailed_to_billing_not_technical()
    {
        var order = await InvoiceOrderAsync();

        var issued = await HandleAsync(PaymentReports.InvoiceIssued(order, "evt_finalized"));
        var again = await HandleAsync(PaymentReports.InvoiceIssued(order, "evt_sent"));

        Assert.Equal((PaymentReportOutcome.Applied, PaymentReportOutcome.Unchanged), (issued.Outcome, again.Outcome));
        var stored = await StoredAsync(order);
        var invoice = PaymentReports.IssuedInvoiceOf(order);
        Assert.Equal((OrderStatus.Pending, InvoiceStatus.Open), (stored.Status, stored.InvoiceStatus!.Value));
        Assert.Equal((invoice.InvoiceId, invoice.Number, invoice.DueAt, invoice.HostedUrl, invoice.PdfUrl),
            (stored.InvoiceId, stored.InvoiceNumber, stored.InvoiceDueAt!.Value, stored.InvoiceUrl, stored.InvoicePdfUrl));
        Assert.Equal("PO-4711", stored.PurchaseOrderNumber);
        Assert.False(stored.IsInvoiceOverdue(_fx.Clock.GetUtcNow()));
        Assert.Empty(await LicensesOfAsync(order));
        Assert.Equal([$"Invoice {invoice.Number} for USD 1,395.00 sent, due on 29 December 2026; the licenses follow its payment."],
            await AuditAsync(order, "invoice.sent"));
        Assert.Equal([$"invoice-sent:{order.Id:N}"], await EmailKeysAsync());
        var email = await EmailAsync($"invoice-sent:{order.Id:N}");
        Assert.Equal(["bea@contoso.example", "olga@contoso.example", BillingEmail], email.To);
        Assert.Equal($"Invoice {invoice.Number} for USD 1,395.00 – Contoso Ltd", email.Subject);
        Assert.Contains("Your purchase order: PO-4711", email.TextBody);
        Assert.Contains($"See and pay the invoice: {invoice.HostedUrl}", email.TextBody);
        Assert.Contains($"The invoice as PDF: {invoice.PdfUrl}", email.TextBody);
    }

    // Paid

    [Fact]
    public async Task A_paid_invoice_fulfils_its_order_with_licenses_the_registration_email_and_a_receipt()
    {
        var order = await IssuedAsync();

        var paid = await HandleAsync(PaymentReports.InvoicePaid(order, "evt_paid"));

        Assert.Equal(PaymentReportOutcome.Applied, paid.Outcome);
        var stored = await StoredAsync(order);
        Assert.Equal((OrderStatus.Fulfilled, InvoiceStatus.Paid, PaymentReports.PaymentIntentOf(order)),
            (stored.Status, stored.InvoiceStatus!.Value, stored.PaymentIntentId));
        Assert.Equal([10, 25], (await LicensesOfAsync(order)).Select(l => l.Seats).Order());
        Assert.Equal([$"invoice-sent:{order.Id:N}", $"receipt:{order.Id:N}", $"registration:{order.Id:N}"], await EmailKeysAsync());
        Assert.Equal(["olga@contoso.example", "ted@contoso.example", BillingEmail], (await EmailAsync($"registration:{order.Id:N}")).To);
        Assert.Equal(["bea@contoso.example", "olga@contoso.example", BillingEmail], (await EmailAsync($"receipt:{order.Id:N}")).To);
        Assert.Equal([$"Invoice {Invoice(order)} of USD 1,395.00 was paid."], await AuditAsync(order, "invoice.paid"));
    }

    [Fact]
    public async Task The_same_paid_event_delivered_50_times_at_once_fulfils_once_and_the_other_49_are_already_handled()
    {
        var order = await IssuedAsync();
        var paid = PaymentReports.InvoicePaid(order, "evt_paid");

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => HandleAsync(paid))));

        Assert.Equal(1, results.Count(r => r.Outcome == PaymentReportOutcome.Applied));
        Assert.Equal(49, results.Count(r => r.Outcome == PaymentReportOutcome.AlreadyHandled));
        Assert.Equal(2, (await LicensesOfAsync(order)).Count);
        Assert.Equal([$"invoice-sent:{order.Id:N}", $"receipt:{order.Id:N}", $"registration:{order.Id:N}"], await EmailKeysAsync());
        Assert.Single(await AuditAsync(order, "order.fulfilled"));
    }

    [Fact]
    public async Task Paid_events_of_different_ids_for_one_invoice_fulfil_once()
    {
        var order = await IssuedAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(() => HandleAsync(PaymentReports.InvoicePaid(order, $"evt_paid_{i}")))));
        var late = await HandleAsync(PaymentReports.InvoicePaid(order, "evt_paid_late"));

        Assert.Equal(1, results.Count(r => r.Outcome == PaymentReportOutcome.Applied));
        Assert.All(results.Where(r => r.Outcome != PaymentReportOutcome.Applied), r => Assert.Equal(PaymentReportOutcome.Unchanged, r.Outcome));
        Assert.Equal(PaymentReportOutcome.Unchanged, late.Outcome);
        Assert.Equal(2, (await LicensesOfAsync(order)).Count);
        Assert.Equal([$"invoice-sent:{order.Id:N}", $"receipt:{order.Id:N}", $"registration:{order.Id:N}"], await EmailKeysAsync());
        Assert.Single(await AuditAsync(order, "invoice.paid"));
    }

    [Fact]
    public async Task An_invoice_paid_before_its_issue_was_reported_still_fulfils_and_records_the_invoice()
    {
        var order = await InvoiceOrderAsync();

        var paid = await HandleAsync(PaymentReports.InvoicePaid(order, "evt_paid"));
        var issuedLate = await HandleAsync(PaymentReports.InvoiceIssued(order, "evt_finalized"));

        Assert.Equal((PaymentReportOutcome.Applied, PaymentReportOutcome.Unchanged), (paid.Outcome, issuedLate.Outcome));
        var stored = await StoredAsync(order);
        Assert.Equal((OrderStatus.Fulfilled, InvoiceStatus.Paid, PaymentReports.InvoiceOf(order)), (stored.Status, stored.InvoiceStatus!.Value, stored.InvoiceId));
        Assert.Equal([$"receipt:{order.Id:N}", $"registration:{order.Id:N}"], await EmailKeysAsync());
    }

    [Theory]
    [InlineData(139_499, "USD")]
    [InlineData(139_500, "EUR")]
    public async Task An_invoice_payment_that_does_not_match_the_order_needs_review_and_issues_nothing(long amount, string currency)
    {
        var order = await IssuedAsync();

        var paid = await HandleAsync(PaymentReports.InvoicePaid(order, "evt_paid", amount, currency));

        Assert.Equal(PaymentReportOutcome.NeedsReview, paid.Outcome);
        var stored = await StoredAsync(order);
        Assert.Equal(OrderStatus.NeedsReview, stored.Status);
        Assert.Contains("the order total is USD 1,395.00", stored.StatusReason);
        Assert.Empty(await LicensesOfAsync(order));
        Assert.Equal([$"invoice-sent:{order.Id:N}"], await EmailKeysAsync());
        Assert.True(await Door.IsEventHandledAsync("evt_paid"));
    }

    [Fact]
    public async Task A_payment_of_another_invoice_than_the_orders_issues_nothing()
    {
        var order = await IssuedAsync();

        var paid = await HandleAsync(PaymentReports.InvoicePaid(order, "evt_paid", invoiceId: "in_someone_else"));

        Assert.Equal(PaymentReportOutcome.NeedsReview, paid.Outcome);
        Assert.Equal("The payment is for another invoice than the order's.", (await StoredAsync(order)).StatusReason);
        Assert.Empty(await LicensesOfAsync(order));
        Assert.DoesNotContain($"receipt:{order.Id:N}", await EmailKeysAsync());
    }

    [Fact]
    public async Task News_of_another_invoice_than_the_orders_changes_nothing()
    {
        var order = await IssuedAsync();
        var before = await StoredAsync(order);

        var results = new[]
        {
            await HandleAsync(PaymentReports.InvoiceIssued(order, "evt_other_issued", invoiceId: "in_other")),
            await HandleAsync(new InvoicePaymentFailed(order.Id, "in_other")),
            await HandleAsync(new InvoiceOverdue(order.Id, "in_other")),
            await HandleAsync(PaymentReports.InvoiceCancelled(order, invoiceId: "in_other")),
        };

        Assert.All(results, r => Assert.Equal(PaymentReportOutcome.Ignored, r.Outcome));
        var after = await StoredAsync(order);
        Assert.Equal((before.Version, before.Status, before.InvoiceId, before.InvoiceStatus), (after.Version, after.Status, after.InvoiceId, after.InvoiceStatus));
        Assert.Equal([$"invoice-sent:{order.Id:N}"], await EmailKeysAsync());
    }

    [Fact]
    public async Task An_invoice_report_about_an_order_paid_at_checkout_changes_nothing_trusted_or_not()
    {
        var order = await _fx.Quote().Packs((10, 1)).AcceptedAsync(PaymentMethod.Checkout);
        await TrustContosoAsync();

        var issued = await HandleAsync(PaymentReports.InvoiceIssued(order, "evt_finalized"));
        var cancelled = await HandleAsync(PaymentReports.InvoiceCancelled(order, eventId: "evt_voided"));

        Assert.Equal((PaymentReportOutcome.Ignored, PaymentReportOutcome.Ignored), (issued.Outcome, cancelled.Outcome));
        Assert.Equal(OrderStatus.Pending, (await StoredAsync(order)).Status);
        Assert.Equal(PaymentReportOutcome.Applied, (await HandleAsync(PaymentReports.Paid(order))).Outcome);
    }

    // Failed, overdue, cancelled

    [Fact]
    public async Task A_failed_invoice_payment_is_recorded_and_emailed_once_and_the_invoice_can_still_be_paid()
    {
        var order = await IssuedAsync();

        var failed = await HandleAsync(PaymentReports.InvoicePaymentFailed(order, "evt_failed_1"));
        var failedAgain = await HandleAsync(PaymentReports.InvoicePaymentFailed(order, "evt_failed_2"));
        var redelivered = await HandleAsync(PaymentReports.InvoicePaymentFailed(order, "evt_failed_1"));

        Assert.Equal((PaymentReportOutcome.Applied, PaymentReportOutcome.Unchanged, PaymentReportOutcome.AlreadyHandled),
            (failed.Outcome, failedAgain.Outcome, redelivered.Outcome));
        Assert.Equal((OrderStatus.Pending, InvoiceStatus.PaymentFailed), ((await StoredAsync(order)).Status, (await StoredAsync(order)).InvoiceStatus!.Value));
        Assert.Equal([$"An attempt to pay invoice {Invoice(order)} failed; it is still open."], await AuditAsync(order, "invoice.payment-failed"));
        var email = await EmailAsync($"invoice-paymentfailed:{order.Id:N}");
        Assert.Equal(["bea@contoso.example", "olga@contoso.example", BillingEmail], email.To);
        Assert.Equal($"Payment of invoice {Invoice(order)} failed – Contoso Ltd", email.Subject);

        Assert.Equal(PaymentReportOutcome.Applied, (await HandleAsync(PaymentReports.InvoicePaid(order, "evt_paid"))).Outcome);
        Assert.Equal(InvoiceStatus.Paid, (await StoredAsync(order)).InvoiceStatus);
    }

    [Fact]
    public async Task An_overdue_invoice_is_recorded_and_emailed_once()
    {
        var order = await IssuedAsync();

        var overdue = await HandleAsync(PaymentReports.InvoiceOverdue(order, "evt_overdue_1"));
        var overdueAgain = await HandleAsync(PaymentReports.InvoiceOverdue(order, "evt_overdue_2"));

        Assert.Equal((PaymentReportOutcome.Applied, PaymentReportOutcome.Unchanged), (overdue.Outcome, overdueAgain.Outcome));
        var stored = await StoredAsync(order);
        Assert.True(stored.InvoiceOverdue);
        Assert.True(stored.IsInvoiceOverdue(_fx.Clock.GetUtcNow()));
        Assert.Equal([$"Invoice {Invoice(order)} for USD 1,395.00 is overdue."], await AuditAsync(order, "invoice.overdue"));
        Assert.Equal([$"invoice-overdue:{order.Id:N}", $"invoice-sent:{order.Id:N}"], await EmailKeysAsync());
    }

    [Fact]
    public async Task Deliveries_of_the_same_news_at_once_record_and_email_it_once()
    {
        var order = await IssuedAsync();

        var same = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => HandleAsync(PaymentReports.InvoiceOverdue(order, "evt_overdue")))));
        var different = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() => HandleAsync(PaymentReports.InvoicePaymentFailed(order, $"evt_failed_{i}")))));

        Assert.Equal(1, same.Count(r => r.Outcome == PaymentReportOutcome.Applied));
        Assert.All(same.Where(r => r.Outcome != PaymentReportOutcome.Applied), r => Assert.Equal(PaymentReportOutcome.AlreadyHandled, r.Outcome));
        Assert.Equal(1, different.Count(r => r.Outcome == PaymentReportOutcome.Applied));
        Assert.All(different.Where(r => r.Outcome != PaymentReportOutcome.Applied), r => Assert.Equal(PaymentReportOutcome.Unchanged, r.Outcome));
        Assert.Equal([$"invoice-overdue:{order.Id:N}", $"invoice-paymentfailed:{order.Id:N}", $"invoice-sent:{order.Id:N}"], await EmailKeysAsync());
    }

    [Fact]
    public async Task An_unpaid_invoice_past_its_due_date_is_overdue_without_a_report()
    {
        var order = await IssuedAsync();
        var stored = await StoredAsync(order);

        Assert.False(stored.IsInvoiceOverdue(stored.InvoiceDueAt!.Value));
        Assert.True(stored.IsInvoiceOverdue(stored.InvoiceDueAt!.Value.AddSeconds(1)));
    }

    [Theory]
    [InlineData(false, InvoiceStatus.Void, "invoice.voided", "was voided")]
    [InlineData(true, InvoiceStatus.Uncollectible, "invoice.uncollectible", "was marked uncollectible")]
    public async Task A_voided_or_uncollectible_invoice_cancels_its_pending_order_and_issues_nothing(
        bool uncollectible, InvoiceStatus status, string action, string why)
    {
        var order = await IssuedAsync();

        var cancelled = await HandleAsync(PaymentReports.InvoiceCancelled(order, uncollectible, "evt_cancelled"));
        var latePayment = await HandleAsync(PaymentReports.InvoicePaid(order, "evt_paid"));

        Assert.Equal((PaymentReportOutcome.Applied, PaymentReportOutcome.NotPayable), (cancelled.Outcome, latePayment.Outcome));
        var stored = await StoredAsync(order);
        Assert.Equal((OrderStatus.Cancelled, status), (stored.Status, stored.InvoiceStatus!.Value));
        Assert.Empty(await LicensesOfAsync(order));
        Assert.Equal([$"Invoice {Invoice(order)} for USD 1,395.00: the invoice {why}; the order is cancelled."], await AuditAsync(order, action));
        Assert.Equal([$"invoice-sent:{order.Id:N}", $"{action.Replace(".", "-")}:{order.Id:N}"], await EmailKeysAsync());
    }

    // Keys on invoice

    [Fact]
    public async Task A_trusted_organizations_invoice_order_is_fulfilled_when_the_invoice_is_issued_with_keys_and_no_receipt_yet()
    {
        await TrustContosoAsync();
        var order = await InvoiceOrderAsync();

        var issued = await HandleAsync(PaymentReports.InvoiceIssued(order, "evt_finalized"));
        var issuedAgain = await HandleAsync(PaymentReports.InvoiceIssued(order, "evt_sent"));

        Assert.Equal((PaymentReportOutcome.Applied, PaymentReportOutcome.Unchanged), (issued.Outcome, issuedAgain.Outcome));
        var stored = await StoredAsync(order);
        Assert.Equal((OrderStatus.Fulfilled, InvoiceStatus.Open, PaymentReports.InvoiceOf(order)), (stored.Status, stored.InvoiceStatus!.Value, stored.InvoiceId));
        Assert.Equal([10, 25], (await LicensesOfAsync(order)).Select(l => l.Seats).Order());
        Assert.Equal([$"invoice-sent:{order.Id:N}", $"registration:{order.Id:N}"], await EmailKeysAsync());
        Assert.Equal([$"Invoice {Invoice(order)} for USD 1,395.00 sent, due on 29 December 2026; the licenses were issued at once (keys on invoice)."],
            await AuditAsync(order, "invoice.sent"));
    }

    [Fact]
    public async Task A_trusted_organizations_invoice_for_another_amount_needs_review_and_issues_nothing()
    {
        await TrustContosoAsync();
        var order = await InvoiceOrderAsync();

        var issued = await HandleAsync(PaymentReports.InvoiceIssued(order, "evt_finalized", amount: 100));

        Assert.Equal(PaymentReportOutcome.NeedsReview, issued.Outcome);
        Assert.Equal(OrderStatus.NeedsReview, (await StoredAsync(order)).Status);
        Assert.Empty(await LicensesOfAsync(order));
    }

    [Fact]
    public async Task A_trusted_organizations_paid_invoice_records_the_payment_and_sends_the_receipt_once_without_issuing_again()
    {
        await TrustContosoAsync();
        var order = await InvoiceOrderAsync();
        await HandleAsync(PaymentReports.InvoiceIssued(order, "evt_finalized"));

        var paid = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => HandleAsync(PaymentReports.InvoicePaid(order, "evt_paid")))));
        var paidAgain = await HandleAsync(PaymentReports.InvoicePaid(order, "evt_paid_again"));

        Assert.Equal(1, paid.Count(r => r.Outcome == PaymentReportOutcome.Applied));
        Assert.Equal(49, paid.Count(r => r.Outcome == PaymentReportOutcome.AlreadyHandled));
        Assert.Equal(PaymentReportOutcome.Unchanged, paidAgain.Outcome);
        var stored = await StoredAsync(order);
        Assert.Equal((OrderStatus.Fulfilled, InvoiceStatus.Paid), (stored.Status, stored.InvoiceStatus!.Value));
        Assert.Equal(2, (await LicensesOfAsync(order)).Count);
        Assert.Equal([$"invoice-sent:{order.Id:N}", $"receipt:{order.Id:N}", $"registration:{order.Id:N}"], await EmailKeysAsync());
        Assert.Equal([$"Invoice {Invoice(order)} of USD 1,395.00 was paid."], await AuditAsync(order, "invoice.paid"));
    }

    [Theory]
    [InlineData(false, "the invoice was voided")]
    [InlineData(true, "the invoice was marked uncollectible")]
    public async Task R10_a_voided_or_uncollectible_invoice_revokes_the_licenses_issued_on_it(bool uncollectible, string why)
    {
        await TrustContosoAsync();
        var order = await InvoiceOrderAsync();
        await HandleAsync(PaymentReports.InvoiceIssued(order, "evt_finalized"));
        Assert.Equal(35, await _fx.CapacityAsync(_fx.Contoso, 6));

        var cancelled = await HandleAsync(PaymentReports.InvoiceCancelled(order, uncollectible, "evt_cancelled"));
        var again = await HandleAsync(PaymentReports.InvoiceCancelled(order, uncollectible, "evt_cancelled_again"));

        Assert.Equal((PaymentReportOutcome.Applied, PaymentReportOutcome.Unchanged), (cancelled.Outcome, again.Outcome));
        Assert.Equal(OrderStatus.Cancelled, (await StoredAsync(order)).Status);
        Assert.All(await LicensesOfAsync(order), l => Assert.Equal(LicenseStatus.Revoked, l.Status));
        Assert.Equal(0, await _fx.CapacityAsync(_fx.Contoso, 6));
        await using var db = _fx.Db();
        var history = await AuditLog.LicenseHistoryAsync(db, _fx.Contoso.Id, 1, 50);
        Assert.Equal(2, history.Entries.Count(e => e.Action == "license.revoked" && e.Summary.Contains(why)));
        Assert.Contains(history.Entries, e => e.Summary.EndsWith("the order is cancelled and its licenses are revoked."));
    }

    [Fact]
    public async Task R10_a_voided_invoice_of_an_upgrade_gives_the_old_license_back()
    {
        var old = Assert.Single(await _fx.PurchaseAsync(_fx.Contoso, 10));
        await _fx.ReleaseAsync(7, 0);
        await TrustContosoAsync();
        var order = await _fx.Quote().Upgrading(old).AcceptedAsync(PaymentMethod.Invoice);
        await HandleAsync(PaymentReports.InvoiceIssued(order, "evt_finalized"));
        Assert.Equal((10, 0), (await _fx.CapacityAsync(_fx.Contoso, 7), await _fx.CapacityAsync(_fx.Contoso, 6)));

        await HandleAsync(PaymentReports.InvoiceCancelled(order, eventId: "evt_voided"));

        Assert.Equal((0, 10), (await _fx.CapacityAsync(_fx.Contoso, 7), await _fx.CapacityAsync(_fx.Contoso, 6)));
    }

    private async Task MemberAsync(string email, MemberRoles roles)
    {
        await using var db = _fx.Db();
        var user = new PortalUser { UserName = email, Email = email, EmailConfirmed = true };
        user.JoinAs(db, _fx.Contoso.Id, roles);
        db.Users.Add(user);
        await db.SaveChangesAsync();
    }
}
