using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.Licensing;
using Portal.Domain.Ordering;
using Portal.Domain.Organizations;
using Portal.Domain.Pricing;
using Portal.Payments;
using Portal.Tests.Fakes;
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
public partial class PaymentsApp : IAsyncLifetime
{
    public const string Password = "Payments-Pass-2026!";

    private readonly bool _withStripeKeys;
    private PortalAppFactory _portal = null!;

    public PaymentsApp()
        : this(withStripeKeys: true)
    {
    }

    /// <summary>Without Stripe keys the app (Development) uses its built-in test checkout; the fake still runs, to show it gets no call.</summary>
    protected PaymentsApp(bool withStripeKeys) => _withStripeKeys = withStripeKeys;

    public FakeStripe Stripe { get; private set; } = null!;
    public SmtpTestServer Smtp { get; private set; } = null!;
    public TestLogs Logs { get; } = new();

    /// <summary>Event ids whose first handling throws (then works), to prove a failed event is delivered again.</summary>
    public ConcurrentDictionary<string, bool> FailOnce { get; } = new();

    public WebApplicationFactory<Program> Factory { get; private set; } = null!;
    public Uri BaseAddress { get; private set; } = null!;
    public IServiceProvider Services => Factory.Services;

    public async Task InitializeAsync()
    {
        Stripe = await FakeStripe.StartAsync();
        Smtp = new SmtpTestServer();
        _portal = new PortalAppFactory();
        if (_withStripeKeys)
        {
            _portal.With("Stripe:SecretKey", FakeStripe.SecretKey)
                .With("Stripe:WebhookSecret", FakeStripe.WebhookSecret)
                .With("Stripe:ApiBase", Stripe.BaseUrl);
        }
        _portal.With("Smtp:Host", "127.0.0.1").With("Smtp:Port", Smtp.Port.ToString(CultureInfo.InvariantCulture)).With("Smtp:Security", "None")
            .With("Outbox:PollInterval", "00:00:00.200")
            .With("Portal:AccountPostsPerMinute", "100000");
        Factory = _portal.WithWebHostBuilder(web => web.ConfigureTestServices(services =>
        {
            services.AddSingleton<ILoggerProvider>(Logs);
            // Every test signs a new customer in; the real hash cost (PBKDF2, 100,000 rounds) only slows the suite down.
            services.Configure<PasswordHasherOptions>(options => options.IterationCount = 1000);
            services.AddSingleton<IInterceptor>(new FailingSaveOfEvents(FailOnce));
        }));
        Factory.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        await Task.Run(Factory.StartServer);
        BaseAddress = Factory.ClientOptions.BaseAddress;
        Stripe.WebhookUrl = new Uri(BaseAddress, CheckoutPaths.Webhook);
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await _portal.DisposeAsync();
        await Stripe.DisposeAsync();
        await Smtp.DisposeAsync();
    }

    /// <summary>A browser-like client of the app on its loopback port: own cookies, redirects not followed.</summary>
    public HttpClient NewClient() =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() })
        {
            BaseAddress = BaseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };

    /// <summary>A new organization with a confirmed customer account, signed in through the real sign-in form.</summary>
    public async Task<TestCustomer> NewCustomerAsync(string? organizationName = null)
    {
        var id = Guid.NewGuid().ToString("N")[..10];
        var email = $"buyer-{id}@payments.example";
        var billing = $"billing-{id}@payments.example";
        string userId;
        Guid organizationId;
        await using (var scope = Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            var organization = Organization.Register(organizationName ?? $"Payments Test {id}", OrganizationKind.Commercial, "GB", billing, DateTimeOffset.UtcNow);
            db.Organizations.Add(organization);
            await db.SaveChangesAsync();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            var user = new PortalUser { UserName = email, Email = email, EmailConfirmed = true };
            user.JoinOrganization(organization);
            Assert.True((await users.CreateAsync(user, Password)).Succeeded);
            Assert.True((await users.AddToRoleAsync(user, Roles.Customer)).Succeeded);
            userId = user.Id;
            organizationId = organization.Id;
        }

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
        return new TestCustomer(organizationId, userId, email, billing, client);
    }

    /// <summary>Places an order of OfficeStatus packs (seats, quantity) through <see cref="OrderService"/>.</summary>
    public async Task<Order> PlaceOrderAsync(TestCustomer customer, params (int Seats, int Quantity)[] packs)
    {
        Guid productId;
        List<CartPack> cart;
        await using (var db = await NewContextAsync())
        {
            var product = await db.Products.Include(p => p.Packs).SingleAsync();
            productId = product.Id;
            cart = packs.Select(p => new CartPack(product.Packs.Single(pack => pack.Seats == p.Seats).Id, p.Quantity)).ToList();
        }
        var orders = Services.GetRequiredService<OrderService>();
        return await orders.PlaceAsync(customer.OrganizationId, Actor.Person(customer.UserId, customer.Email, Roles.Customer), customer.Email,
            new Cart(productId, cart, []));
    }

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
