using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Domain.Accounts;
using Portal.Domain.Ordering;
using Portal.Domain.Pricing;
using Portal.Tests.Builders;

namespace Portal.Tests.Domain;

/// <summary>
/// <see cref="PaymentEventService.HandleAsync"/>, the one door through which payments change orders: each provider event
/// once, recorded in the save of the change it reported, and duplicates racing without an error in the log.
/// </summary>
public sealed class PaymentEventDoorTests : IAsyncLifetime
{
    private static readonly Actor Buyer = Actor.Person("buyer-1", "buyer@contoso.example", Roles.Customer);

    private readonly WarningsAndErrors _log = new();
    private readonly FailingSave _failingSave = new();
    private DomainFixture _fx = null!;

    public async Task InitializeAsync() => _fx = await DomainFixture.CreateAsync(services =>
    {
        services.AddSingleton<ILoggerProvider>(_log);
        services.AddSingleton<IInterceptor>(_failingSave);
    });

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    private PaymentEventService Door => _fx.Get<PaymentEventService>();

    private Task<Order> PlaceAsync(int seats = 10) =>
        _fx.Get<OrderService>().PlaceAsync(_fx.Contoso.Id, Buyer, "buyer@contoso.example",
            new Cart(_fx.OfficeStatus.Id, [new CartPack(_fx.Pack(seats).Id, 1)], []));

    private static PaidCheckout Paid(Order order, string? eventId = null) =>
        new(order.Id, "cs_test_1", "pi_test_1", order.Total,
            ReportedBy: eventId is null ? null : new PaymentEvent(eventId, "checkout.session.completed"));

    private async Task<int> AuditCountAsync(Order order, string action)
    {
        await using var db = _fx.Db();
        return await db.AuditEvents.CountAsync(e => e.Action == action && e.EntityId == order.Id.ToString());
    }

    [Fact]
    public async Task An_event_is_handled_once_and_a_redelivery_is_answered_already_handled()
    {
        var order = await PlaceAsync();
        var expired = new CheckoutExpired(order.Id, new PaymentEvent("evt_expired", "checkout.session.expired"));

        var first = await Door.HandleAsync(expired);
        var again = await Door.HandleAsync(expired);

        Assert.Equal((PaymentReportOutcome.Applied, PaymentReportOutcome.AlreadyHandled), (first.Outcome, again.Outcome));
        Assert.Equal(order.Id, first.OrderId);
        Assert.True(await Door.IsEventHandledAsync("evt_expired"));
        Assert.Equal(1, await AuditCountAsync(order, "order.expired"));
    }

    [Fact]
    public async Task A_change_and_the_record_of_its_event_are_one_save_so_a_failed_save_leaves_neither()
    {
        var order = await PlaceAsync();
        _failingSave.EventIds.TryAdd("evt_paid", true);

        await Assert.ThrowsAsync<InvalidOperationException>(() => Door.HandleAsync(Paid(order, "evt_paid")));

        Assert.False(await Door.IsEventHandledAsync("evt_paid"));
        await using (var db = _fx.Db())
            Assert.Equal(OrderStatus.Pending, (await db.Orders.SingleAsync(o => o.Id == order.Id)).Status);
        Assert.Equal(PaymentReportOutcome.Applied, (await Door.HandleAsync(Paid(order, "evt_paid"))).Outcome);
        Assert.True(await Door.IsEventHandledAsync("evt_paid"));
    }

    [Fact]
    public async Task An_event_that_changes_nothing_is_recorded_so_its_redelivery_is_not_handled_again()
    {
        var order = await PlaceAsync();
        Assert.Equal(PaymentReportOutcome.Applied, (await Door.HandleAsync(Paid(order))).Outcome);

        var late = await Door.HandleAsync(Paid(order, "evt_late"));
        var lateAgain = await Door.HandleAsync(Paid(order, "evt_late"));

        Assert.Equal((PaymentReportOutcome.Unchanged, PaymentReportOutcome.AlreadyHandled), (late.Outcome, lateAgain.Outcome));
        Assert.True(await Door.IsEventHandledAsync("evt_late"));
    }

    [Fact]
    public async Task A_refund_that_overtakes_its_payment_is_not_recorded_so_Stripe_delivers_it_again()
    {
        var order = await PlaceAsync();
        var refund = new PaymentRefunded("pi_test_1", Fully: true, new PaymentEvent("evt_refund", "charge.refunded"));

        var early = await Door.HandleAsync(refund);
        await Door.HandleAsync(Paid(order, "evt_paid"));
        var redelivered = await Door.HandleAsync(refund);

        Assert.True(early.DeliverAgain);
        Assert.Equal(PaymentReportOutcome.Applied, redelivered.Outcome);
        await using var db = _fx.Db();
        Assert.Equal(OrderStatus.Refunded, (await db.Orders.SingleAsync(o => o.Id == order.Id)).Status);
    }

    [Fact]
    public async Task Concurrent_deliveries_of_one_paid_event_fulfil_once_and_log_no_warning_or_error()
    {
        var order = await PlaceAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => Door.HandleAsync(Paid(order, "evt_paid")))));

        Assert.Equal(1, results.Count(r => r.Outcome == PaymentReportOutcome.Applied));
        Assert.All(results.Where(r => r.Outcome != PaymentReportOutcome.Applied), r => Assert.Equal(PaymentReportOutcome.AlreadyHandled, r.Outcome));
        Assert.Equal(1, await AuditCountAsync(order, "order.fulfilled"));
        Assert.Empty(_log.Entries);
    }

    [Fact]
    public async Task Concurrent_deliveries_of_an_event_that_changes_nothing_record_it_once_and_log_no_warning_or_error()
    {
        var notUsed = new PaymentEventNotUsed(new PaymentEvent("evt_customer", "customer.updated"), "acknowledged; Portal does not use it");

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => Door.HandleAsync(notUsed))));

        Assert.Equal(1, results.Count(r => r.Outcome == PaymentReportOutcome.Unchanged));
        Assert.Equal(19, results.Count(r => r.Outcome == PaymentReportOutcome.AlreadyHandled));
        Assert.True(await Door.IsEventHandledAsync("evt_customer"));
        Assert.Empty(_log.Entries);
    }

    [Fact]
    public async Task A_report_without_an_event_changes_the_order_and_records_nothing()
    {
        var order = await PlaceAsync();

        var result = await Door.HandleAsync(Paid(order));

        Assert.Equal(PaymentReportOutcome.Applied, result.Outcome);
        await using var db = _fx.Db();
        Assert.Empty(await db.ProcessedPaymentEvents.ToListAsync());
    }

    /// <summary>Fails the save that would record one of these events.</summary>
    private sealed class FailingSave : SaveChangesInterceptor
    {
        public ConcurrentDictionary<string, bool> EventIds { get; } = new();

        public override ValueTask<InterceptionResult<int>> SavingChangesAsync(
            DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default) =>
            eventData.Context!.ChangeTracker.Entries<ProcessedPaymentEvent>()
                .Any(e => e.State == EntityState.Added && EventIds.TryRemove(e.Entity.Id, out _))
                ? throw new InvalidOperationException("Simulated failure of the save.")
                : ValueTask.FromResult(result);
    }

    /// <summary>Every warning or error logged by anyone, EF Core included.</summary>
    private sealed class WarningsAndErrors : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _entries = new();

        public IReadOnlyList<string> Entries => _entries.ToArray();

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<string> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                    entries.Enqueue($"{logLevel} {category}: {formatter(state, exception)}");
            }
        }
    }
}
