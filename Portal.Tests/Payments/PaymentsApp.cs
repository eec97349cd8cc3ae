using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.Licensing;
using Portal.Domain.Ordering;
using Portal.Payments;
using Portal.Tests.Builders;
using Portal.Tests.Fakes.Stripe;
using Portal.Tests.Integration;

namespace Portal.Tests.Payments;

[CollectionDefinition(Name)]
public sealed class PaymentsCollection : ICollectionFixture<PaymentsApp>
{
    public const string Name = "Payments through the fake Stripe";
}

/// <summary>A signed-in customer of a fresh organization (so seats and emails are the test's own).</summary>
public sealed record TestCustomer(Guid OrganizationId, string UserId, string Email, string BillingEmail, HttpClient Client);

/// <summary>
/// One real Portal (Development, demo catalog) on a loopback port, configured with Stripe keys and pointed at one
/// <see cref="FakeStripe"/> that delivers its webhooks back to it, and a real SMTP server for the registration emails.
/// Every test makes its own organization, so tests share the app safely.
/// </summary>
public class PaymentsApp : PortalApp
{
    public const string Password = "Payments-Pass-2026!";

    public PaymentsApp()
        : this(FakeStripeUse.PaysThrough)
    {
    }

    /// <summary>With <see cref="FakeStripeUse.Idle"/> the app (Development, no Stripe keys) uses its built-in test checkout.</summary>
    protected PaymentsApp(FakeStripeUse stripe)
        : base(new PortalAppFactory(), new PortalAppOptions { Smtp = true, Stripe = stripe, OnLoopback = true }) =>
        Factory.With("Outbox:PollInterval", "00:00:00.200").WithServices(services =>
        {
            services.AddSingleton<ILoggerProvider>(Logs);
            // Every test signs a new customer in; the real hash cost (PBKDF2, 100,000 rounds) only slows the suite down.
            services.Configure<PasswordHasherOptions>(options => options.IterationCount = 1000);
            services.AddSingleton<IInterceptor>(new FailingSaveOfEvents(FailOnce));
        });

    public TestLogs Logs { get; } = new();

    /// <summary>Event ids whose first handling throws (then works), to prove a failed event is delivered again.</summary>
    public ConcurrentDictionary<string, bool> FailOnce { get; } = new();

    /// <summary>A new organization with a confirmed customer account, signed in through the real sign-in form.</summary>
    public async Task<TestCustomer> NewCustomerAsync(string? organizationName = null)
    {
        var id = Guid.NewGuid().ToString("N")[..10];
        var email = $"buyer-{id}@payments.example";
        var billing = $"billing-{id}@payments.example";
        var account = await CustomerAccounts.CreateAsync(Services, organizationName ?? $"Payments Test {id}", email, Password, billing);

        var client = NewClient();
        var login = await client.GetStringAsync("/Account/Login");
        var signIn = await client.PostAsync("/Account/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = AccountForms.AntiforgeryToken(login),
            ["Input.Email"] = email,
            ["Input.Password"] = Password,
        }));
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        return new TestCustomer(account.OrganizationId, account.UserId, email, billing, client);
    }

    /// <summary>Places an order of OfficeStatus packs (seats, quantity) through <see cref="OrderService"/>, as the buy page does.</summary>
    public Task<Order> PlaceOrderAsync(TestCustomer customer, params (int Seats, int Quantity)[] packs) =>
        new OrderBuilder(Services, customer.OrganizationId, Actor.Person(customer.UserId, customer.Email, Roles.Customer)).Packs(packs).PlaceAsync();

    /// <summary>
    /// What the browser does to start checkout: the order's page has the form (with its antiforgery token), which posts
    /// to <c>POST /checkout/{id}</c>. Extra fields (a tampered price) are posted too, to show they are ignored.
    /// </summary>
    public async Task<HttpResponseMessage> StartCheckoutAsync(TestCustomer customer, Guid orderId, Guid? formPageOrderId = null,
        IReadOnlyDictionary<string, string>? extraFields = null)
    {
        var page = await customer.Client.GetStringAsync(CheckoutPaths.ReturnForOrder(formPageOrderId ?? orderId));
        var form = new Dictionary<string, string>(extraFields ?? new Dictionary<string, string>())
        {
            ["__RequestVerificationToken"] = AccountForms.AntiforgeryToken(page),
        };
        return await customer.Client.PostAsync(CheckoutPaths.Start(orderId), new FormUrlEncodedContent(form));
    }

    /// <summary>Starts checkout and returns the fake's session it redirected to.</summary>
    public async Task<FakeCheckoutSession> CheckoutSessionAsync(TestCustomer customer, Guid orderId)
    {
        var response = await StartCheckoutAsync(customer, orderId);
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var url = response.Headers.Location!.ToString();
        Assert.StartsWith(Stripe.BaseUrl + "/pay/", url);
        return Stripe.Session(url[(Stripe.BaseUrl + "/pay/").Length..]);
    }

    public async Task<PortalDbContext> NewContextAsync() =>
        await Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();

    public async Task<Order> OrderAsync(Guid orderId)
    {
        await using var db = await NewContextAsync();
        return await db.Orders.AsNoTracking().Include(o => o.Lines).SingleAsync(o => o.Id == orderId);
    }

    public async Task<List<License>> LicensesAsync(Guid orderId)
    {
        await using var db = await NewContextAsync();
        return await db.Licenses.AsNoTracking().Where(l => l.OrderId == orderId).OrderByDescending(l => l.Seats).ToListAsync();
    }

    /// <summary>R2: the organization's seats of OfficeStatus 6.</summary>
    public async Task<int> SeatsAsync(Guid organizationId)
    {
        await using var db = await NewContextAsync();
        var product = await db.Products.SingleAsync();
        return await LicensingService.SeatCapacityAsync(db, organizationId, product.Id, product.CurrentMajor);
    }

    public async Task<List<string>> HistoryAsync(Guid organizationId)
    {
        await using var db = await NewContextAsync();
        return await db.AuditEvents.AsNoTracking().Where(e => e.OrganizationId == organizationId).OrderBy(e => e.Id)
            .Select(e => e.Action + ": " + e.Summary).ToListAsync();
    }

    /// <summary>Fails the save that would record one of these events, once each: the handling of that event fails.</summary>
    private sealed class FailingSaveOfEvents(ConcurrentDictionary<string, bool> failOnce) : SaveChangesInterceptor
    {
        public override ValueTask<InterceptionResult<int>> SavingChangesAsync(
            DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default) =>
            eventData.Context!.ChangeTracker.Entries<ProcessedPaymentEvent>()
                .FirstOrDefault(e => e.State == EntityState.Added && failOnce.TryRemove(e.Entity.Id, out _)) is { } failing
                ? throw new InvalidOperationException($"Simulated failure while saving the handling of {failing.Entity.Id}.")
                : ValueTask.FromResult(result);
    }
}

/// <summary>
/// Keeps the app's Payments log entries, so that tests can check a refusal was logged with its reason, and EF Core's
/// warnings and errors, so that they can check an expected race logs none.
/// </summary>
public sealed class TestLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<(string Category, LogLevel Level, string Message)> _entries = new();

    public IReadOnlyList<(string Category, LogLevel Level, string Message)> Entries => _entries.ToArray();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, this);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, TestLogs logs) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => category.StartsWith("Portal.Payments", StringComparison.Ordinal)
            || (category.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal) && logLevel >= LogLevel.Warning);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
                logs._entries.Enqueue((category, logLevel, formatter(state, exception)));
        }
    }
}
