using Microsoft.EntityFrameworkCore;
using Portal.Domain;
using Portal.Domain.Discounts;
using Portal.Domain.Licensing;
using Portal.Domain.Ordering;
using Portal.Tests.Builders;

namespace Portal.Tests.Domain;

/// <summary>Orders and fulfilment on a real SQLite database: money becomes licenses exactly once.</summary>
public sealed class FulfilmentTests : IAsyncLifetime
{
    private DomainFixture _fx = null!;

    public async Task InitializeAsync() => _fx = await DomainFixture.CreateAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    private FulfilmentService Fulfilment => _fx.Get<FulfilmentService>();

    private async Task<PaymentReportOutcome> OutcomeAsync(PaymentReport report) =>
        (await _fx.Get<PaymentEventService>().HandleAsync(report)).Outcome;

    private Task<Order> PlaceAsync(params (int Seats, int Quantity)[] packs) => _fx.Order().Packs(packs).PlaceAsync();

    private async Task<List<License>> LicensesOfAsync(Order order)
    {
        await using var db = _fx.Db();
        return await db.Licenses.AsNoTracking().Where(l => l.OrderId == order.Id).ToListAsync();
    }

    [Fact]
    public async Task An_order_freezes_the_quote_and_fulfilment_issues_one_license_per_pack()
    {
        var order = await PlaceAsync((25, 1), (10, 1));

        var outcome = await Fulfilment.FulfilAsync(PaymentReports.Paid(order));

        Assert.Equal(FulfilmentOutcome.Fulfilled, outcome);
        Assert.Equal(DomainFixture.Usd(97_500 + 42_000), order.Total);
        Assert.Equal([10, 25], (await LicensesOfAsync(order)).Select(l => l.Seats).Order());
        Assert.Equal(35, await _fx.CapacityAsync(_fx.Contoso, 6));
        await using var db = _fx.Db();
        var stored = await db.Orders.SingleAsync();
        Assert.Equal((OrderStatus.Fulfilled, PaymentReports.PaymentIntentOf(order)), (stored.Status, stored.PaymentIntentId));
        var registration = await db.OutboxMessages.Include(m => m.Attachments).SingleAsync(m => m.DeduplicationKey == $"registration:{order.Id:N}");
        Assert.Equal(2, registration.Attachments.Count);
        Assert.Contains("billing@contoso.example", registration.To);
        Assert.True(await db.OutboxMessages.AnyAsync(m => m.DeduplicationKey == $"receipt:{order.Id:N}"));
    }

    [Fact]
    public async Task A_later_price_change_does_not_change_a_placed_order()
    {
        var order = await PlaceAsync((10, 2));
        await _fx.Get<Portal.Domain.Catalog.CatalogService>().ChangePackPriceAsync(_fx.OfficeStatus.Id, 10, DomainFixture.Usd(1), DomainFixture.Admin);

        Assert.Equal(FulfilmentOutcome.Fulfilled, await Fulfilment.FulfilAsync(PaymentReports.Paid(order, amount: 84_000)));
    }

    [Fact]
    public async Task Fifty_concurrent_deliveries_of_the_same_payment_issue_one_set_of_licenses()
    {
        var order = await PlaceAsync((25, 1), (10, 1));
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => Fulfilment.FulfilAsync(PaymentReports.Paid(order)))));

        Assert.Equal(1, outcomes.Count(o => o == FulfilmentOutcome.Fulfilled));
        Assert.All(outcomes.Where(o => o != FulfilmentOutcome.Fulfilled), o => Assert.Equal(FulfilmentOutcome.AlreadyFulfilled, o));
        Assert.Equal(2, (await LicensesOfAsync(order)).Count);
        await using var db = _fx.Db();
        Assert.Equal([$"receipt:{order.Id:N}", $"registration:{order.Id:N}"],
            await db.OutboxMessages.Select(m => m.DeduplicationKey).OrderBy(key => key).ToListAsync());
        Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.Action == "order.fulfilled"));
    }

    [Theory]
    [InlineData(139_499, "USD")]
    [InlineData(139_500, "EUR")]
    public async Task A_payment_that_does_not_match_the_order_needs_review_and_issues_nothing(long amount, string currency)
    {
        var order = await PlaceAsync((25, 1), (10, 1));

        var outcome = await Fulfilment.FulfilAsync(PaymentReports.Paid(order, amount, currency));

        Assert.Equal(FulfilmentOutcome.NeedsReview, outcome);
        Assert.Empty(await LicensesOfAsync(order));
        await using var db = _fx.Db();
        var stored = await db.Orders.SingleAsync();
        Assert.Equal(OrderStatus.NeedsReview, stored.Status);
        Assert.Contains("the order total is USD 1,395.00", stored.StatusReason);
        Assert.Equal(0, await db.OutboxMessages.CountAsync());
    }

    [Fact]
    public async Task A_payment_for_another_checkout_session_needs_review()
    {
        var order = await PlaceAsync((5, 1));
        await _fx.Get<OrderService>().AttachCheckoutSessionAsync(order.Id, "cs_real");

        var outcome = await Fulfilment.FulfilAsync(PaymentReports.Paid(order) with { CheckoutSessionId = "cs_other" });

        Assert.Equal(FulfilmentOutcome.NeedsReview, outcome);
    }

    [Fact]
    public async Task An_expired_order_is_not_fulfilled_by_a_late_payment()
    {
        var order = await PlaceAsync((5, 1));
        Assert.Equal(PaymentReportOutcome.Applied, await OutcomeAsync(new CheckoutExpired(order.Id)));

        var outcome = await Fulfilment.FulfilAsync(PaymentReports.Paid(order));

        Assert.Equal(FulfilmentOutcome.NotPayable, outcome);
        Assert.Empty(await LicensesOfAsync(order));
    }

    [Fact]
    public async Task R10_a_full_refund_revokes_the_orders_licenses_and_history_says_why()
    {
        var order = await _fx.Order().Packs((25, 1), (10, 1)).PaidAsync();

        Assert.Equal(PaymentReportOutcome.Applied, await OutcomeAsync(PaymentReports.Refunded(order)));
        Assert.Equal(PaymentReportOutcome.Unchanged, await OutcomeAsync(PaymentReports.Refunded(order)));
        Assert.Equal(PaymentReportOutcome.PaymentNotYetRecorded, await OutcomeAsync(new PaymentRefunded("pi_unknown", Fully: true)));

        Assert.All(await LicensesOfAsync(order), l => Assert.Equal(LicenseStatus.Revoked, l.Status));
        Assert.Equal(0, await _fx.CapacityAsync(_fx.Contoso, 6));
        await using var db = _fx.Db();
        Assert.Equal(OrderStatus.Refunded, (await db.Orders.SingleAsync()).Status);
        var history = await Portal.Domain.History.AuditLog.LicenseHistoryAsync(db, _fx.Contoso.Id, 1, 10);
        Assert.Contains(history.Entries, e => e.Summary.Contains("the payment was refunded"));
    }

    [Fact]
    public async Task R10_a_refunded_upgrade_gives_the_old_license_back()
    {
        var old = Assert.Single(await _fx.PurchaseAsync(_fx.Contoso, 10));
        await _fx.ReleaseAsync(7, 0);
        var order = await _fx.Order().Upgrading(old).PaidAsync();
        Assert.Equal(10, await _fx.CapacityAsync(_fx.Contoso, 7));

        await OutcomeAsync(PaymentReports.Refunded(order));

        Assert.Equal(0, await _fx.CapacityAsync(_fx.Contoso, 7));
        Assert.Equal(10, await _fx.CapacityAsync(_fx.Contoso, 6));
    }

    [Fact]
    public async Task R10_a_dispute_flags_the_order_and_revokes_its_licenses_once()
    {
        var order = await _fx.Order().Packs((5, 1)).PaidAsync();

        Assert.Equal(PaymentReportOutcome.Applied, await OutcomeAsync(PaymentReports.Disputed(order, "fraudulent")));
        Assert.Equal(PaymentReportOutcome.Unchanged, await OutcomeAsync(PaymentReports.Disputed(order, "fraudulent")));

        await using var db = _fx.Db();
        var stored = await db.Orders.SingleAsync();
        Assert.True(stored.Disputed);
        Assert.Contains("fraudulent", stored.StatusReason);
        Assert.All(await LicensesOfAsync(order), l => Assert.Equal(LicenseStatus.Revoked, l.Status));
    }

    [Fact]
    public async Task A_cross_grade_discount_is_priced_into_the_order_and_used_up_by_its_fulfilment()
    {
        await _fx.ApprovedDiscountAsync(DiscountKind.CrossGrade, percent: 25);
        var order = await PlaceAsync((10, 1));

        await Fulfilment.FulfilAsync(PaymentReports.Paid(order));

        Assert.Equal(DomainFixture.Usd(42_000 - 10_500), order.Total);
        Assert.Contains("25 % discount", order.Lines.Single().Description);
        await using var db = _fx.Db();
        var used = await db.DiscountApplications.SingleAsync();
        Assert.Equal((DiscountStatus.Consumed, order.Id), (used.Status, used.ConsumedByOrderId));
    }

    [Fact]
    public async Task Orders_paid_at_once_with_one_cross_grade_discount_are_all_fulfilled_and_use_it_once()
    {
        await _fx.ApprovedDiscountAsync(DiscountKind.CrossGrade, percent: 25);
        var orders = new List<Order>();
        for (var i = 0; i < 6; i++)
            orders.Add(await PlaceAsync((10, 1)));

        // A transaction holding the database's write lock lets every fulfilment read the unused discount before any
        // saves; then all but the first save are refused by the discount's concurrency token and read again.
        await using var writer = _fx.Db();
        var writing = await writer.Database.BeginTransactionAsync();
        var paying = Task.WhenAll(orders.Select(order => Task.Run(() => Fulfilment.FulfilAsync(PaymentReports.Paid(order)))));
        await Task.Delay(TimeSpan.FromSeconds(1));
        await writing.CommitAsync();
        var outcomes = await paying;

        Assert.All(outcomes, outcome => Assert.Equal(FulfilmentOutcome.Fulfilled, outcome));
        await using var db = _fx.Db();
        var used = await db.DiscountApplications.SingleAsync();
        Assert.Equal(DiscountStatus.Consumed, used.Status);
        Assert.Contains(used.ConsumedByOrderId!.Value, orders.Select(o => o.Id));
        Assert.Equal(5, await db.AuditEvents.CountAsync(e => e.Action == "discount.reused"));
    }

    [Fact]
    public async Task The_payment_event_is_recorded_by_the_save_that_fulfils_the_order_and_by_no_other()
    {
        var order = await PlaceAsync((10, 1));

        var first = await Fulfilment.FulfilAsync(PaymentReports.Paid(order, eventId: "evt_paid"));
        var again = await Fulfilment.FulfilAsync(PaymentReports.Paid(order, eventId: "evt_again"));

        Assert.Equal((FulfilmentOutcome.Fulfilled, FulfilmentOutcome.AlreadyFulfilled), (first, again));
        var events = _fx.Get<PaymentEventService>();
        Assert.True(await events.IsEventHandledAsync("evt_paid"));
        Assert.False(await events.IsEventHandledAsync("evt_again"));
    }

    [Fact]
    public async Task An_order_below_the_minimum_charge_is_refused()
    {
        await _fx.ApprovedDiscountAsync(DiscountKind.Nonprofit, percent: 100);

        var error = await Assert.ThrowsAsync<DomainException>(() => PlaceAsync((1, 1)));

        Assert.Contains("at least USD 0.50", error.Message);
    }
}
