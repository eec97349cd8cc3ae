using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.History;
using Portal.Domain.Ordering;
using Portal.Domain.Organizations;
using Portal.Domain.Outbox;
using Portal.Domain.Pricing;
using Portal.Tests.Fakes;
using Portal.Tests.Fakes.Stripe;
using Portal.Tests.Keys;
using Portal.Domain.Members;

namespace Portal.Tests.Reliability;

[CollectionDefinition(Name)]
public sealed class PortalProcessesCollection
{
    public const string Name = "Portal processes";
}

/// <summary>An order that the fake Stripe has been paid for, and the one <c>checkout.session.completed</c> event that says so.</summary>
public sealed record PaidOrder(Guid OrderId, string SessionId, string EventId, string EventJson, int ExpectedLicenses);

/// <summary>What the database and the SMTP server show for one order after the test.</summary>
public sealed record OrderOutcome(
    Guid OrderId, OrderStatus Status, int Licenses, int ExpectedLicenses, int FulfilmentRecords, int OutboxRows, int OutboxSent, int EmailsReceived);

/// <summary>
/// What the Portal processes of a reliability test share, as in a deployment: one data folder (so one SQLite database,
/// in WAL mode, used by every process at once), a fake Stripe that signs its webhooks, and a real SMTP server. The test
/// also reaches the database itself, through the domain services, to place orders and to count what the processes did.
/// </summary>
public sealed class PortalWorld : IAsyncDisposable
{
    private ServiceProvider? _services;

    private PortalWorld(FakeStripe stripe, SmtpTestServer smtp)
    {
        Stripe = stripe;
        Smtp = smtp;
    }

    public string DataFolder { get; } = Directory.CreateTempSubdirectory("portal-reliability-").FullName;
    public FakeStripe Stripe { get; }
    public SmtpTestServer Smtp { get; }

    public static async Task<PortalWorld> CreateAsync() => new(await FakeStripe.StartAsync(), new SmtpTestServer());

    /// <summary>
    /// Development (no HTTPS redirection or Secure-only cookies on the plain-HTTP loopback), but configured like a
    /// deployment: Stripe keys (pointing at the fake), a configured license signing key, an SMTP server, and fast
    /// outbox polling. Development's demo data is added by the first start and gives the session test its customer.
    /// </summary>
    public PortalProcessSettings Settings() =>
        new PortalProcessSettings("Development", DataFolder)
            .With("Stripe:SecretKey", FakeStripe.SecretKey)
            .With("Stripe:WebhookSecret", FakeStripe.WebhookSecret)
            .With("Stripe:ApiBase", Stripe.BaseUrl)
            .With("LicenseKeys:SigningKeyPem", TestSigningKeys.Pem)
            .With("LicenseKeys:KeyId", TestSigningKeys.KeyId)
            .With("Smtp:Host", "127.0.0.1")
            .With("Smtp:Port", Smtp.Port.ToString(CultureInfo.InvariantCulture))
            .With("Smtp:Security", "None")
            .With("Outbox:PollInterval", "00:00:00.200")
            // The tests play Stripe's bursts (hundreds of events in seconds) from one address: the webhook's own limit is not under test here.
            .With("Portal:WebhookPostsPerMinute", "100000")
            .With("Logging:LogLevel:Default", "Warning")
            .With("Logging:LogLevel:Portal", "Information")
            .With("Logging:Console:FormatterOptions:SingleLine", "true");

    /// <summary>
    /// Places <paramref name="count"/> orders of OfficeStatus packs for a few new organizations, through the domain's
    /// <see cref="OrderService"/> as the buy page does, gives each a paid session in the fake Stripe (attached to the order
    /// as Portal's checkout does) and its <c>checkout.session.completed</c> event. Call after a Portal process has
    /// created the database.
    /// </summary>
    public async Task<IReadOnlyList<PaidOrder>> PlacePaidOrdersAsync(int count, int organizations = 8)
    {
        var services = Services();
        var orderService = services.GetRequiredService<OrderService>();
        Guid productId;
        IReadOnlyList<Guid> packs;
        var organizationIds = new List<Guid>();
        await using (var db = await NewContextAsync())
        {
            var product = await db.Products.AsNoTracking().Include(p => p.Packs).SingleAsync();
            productId = product.Id;
            packs = product.Packs.Where(p => p.Seats <= 10).OrderBy(p => p.Seats).Select(p => p.Id).ToList();
            var run = Guid.NewGuid().ToString("N")[..8];
            for (var i = 0; i < organizations; i++)
            {
                var organization = Organization.Register($"Reliability {run} {i}", OrganizationKind.Commercial, "GB",
                    $"billing-{run}-{i}@reliability.example", DateTimeOffset.UtcNow);
                db.Organizations.Add(organization);
                organizationIds.Add(organization.Id);
            }
            await db.SaveChangesAsync();
        }

        var paid = new ConcurrentBag<(int Index, PaidOrder Order)>();
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
        {
            var quantity = 1 + i % 2;
            var buyer = $"buyer-{i}-{Guid.NewGuid():N}@reliability.example";
            var order = await orderService.PlaceAsync(organizationIds[i % organizations],
                Actor.Person($"reliability-{i}", buyer, Roles.Customer).In(organizationIds[i % organizations], MemberRoles.Billing), buyer,
                new Cart(productId, [new CartPack(packs[i % packs.Count], quantity)], []));
            var session = Stripe.PaidSessionForOrder(order.Id, order.Total.Minor, order.Total.Currency);
            await orderService.AttachCheckoutSessionAsync(order.Id, session.Id);
            var eventId = FakeStripe.NewEventId();
            paid.Add((i, new PaidOrder(order.Id, session.Id, eventId, Stripe.SessionEvent("checkout.session.completed", session.Id, eventId), quantity)));
        });
        return paid.OrderBy(p => p.Index).Select(p => p.Order).ToList();
    }

    /// <summary>Queues plain emails straight into the outbox, as any business change does, for the outbox workers to send.</summary>
    public async Task<IReadOnlyList<Guid>> QueueEmailsAsync(int count)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var outbox = Services().GetRequiredService<EmailOutbox>();
        for (var i = 0; i < count; i++)
        {
            Assert.True(await outbox.EnqueueAsync(new OutboxEmail([$"reader-{i}@reliability.example"], $"Outbox test {run} #{i}", null, $"Message {i} of run {run}.")
            {
                DeduplicationKey = $"reliability:{run}:{i}",
            }));
        }
        await using var db = await NewContextAsync();
        var prefix = $"reliability:{run}:";
        return await db.OutboxMessages.AsNoTracking().Where(m => m.DeduplicationKey!.StartsWith(prefix)).Select(m => m.Id).ToListAsync();
    }

    /// <summary>Waits until none of the given outbox rows is pending any more (sent, or failed for good).</summary>
    public async Task WaitUntilSentAsync(IReadOnlyCollection<Guid> messageIds, TimeSpan timeout)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            await using (var db = await NewContextAsync())
            {
                var pending = await db.OutboxMessages.AsNoTracking().CountAsync(m => messageIds.Contains(m.Id) && m.Status == OutboxStatus.Pending);
                if (pending == 0)
                    return;
                if (DateTimeOffset.UtcNow > deadline)
                    Assert.Fail($"{pending} of {messageIds.Count} emails were still waiting in the outbox after {timeout.TotalSeconds:0} s.");
            }
            await Task.Delay(200);
        }
    }

    /// <summary>The registration emails' outbox ids of these orders (one per fulfilled order).</summary>
    public async Task<IReadOnlyList<Guid>> RegistrationEmailIdsAsync(IEnumerable<PaidOrder> orders)
    {
        var keys = orders.Select(o => RegistrationKey(o.OrderId)).ToList();
        await using var db = await NewContextAsync();
        return await db.OutboxMessages.AsNoTracking().Where(m => keys.Contains(m.DeduplicationKey!)).Select(m => m.Id).ToListAsync();
    }

    /// <summary>How many messages the SMTP server received with each outbox row's Message-ID.</summary>
    public Dictionary<Guid, int> EmailsReceivedByOutboxId()
    {
        var received = new Dictionary<Guid, int>();
        foreach (var message in Smtp.Messages)
        {
            var at = message.MessageId?.IndexOf('@', StringComparison.Ordinal) ?? -1;
            if (at > 0 && Guid.TryParseExact(message.MessageId![..at], "N", out var id))
                received[id] = received.GetValueOrDefault(id) + 1;
        }
        return received;
    }

    /// <summary>Per order: its status, licenses, fulfilment and registration history records, outbox rows and emails received.</summary>
    public async Task<IReadOnlyList<OrderOutcome>> OutcomesAsync(IReadOnlyList<PaidOrder> orders)
    {
        var ids = orders.Select(o => o.OrderId).ToList();
        var entityIds = ids.Select(id => id.ToString()).ToList();
        var keys = ids.Select(RegistrationKey).ToList();
        await using var db = await NewContextAsync();
        var statuses = await db.Orders.AsNoTracking().Where(o => ids.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Status);
        var licenses = (await db.Licenses.AsNoTracking().Where(l => l.OrderId != null && ids.Contains(l.OrderId.Value)).Select(l => l.OrderId!.Value).ToListAsync())
            .CountBy(id => id).ToDictionary();
        var fulfilments = (await db.AuditEvents.AsNoTracking().Where(e => e.Action == "order.fulfilled" && entityIds.Contains(e.EntityId)).Select(e => e.EntityId).ToListAsync())
            .CountBy(id => id).ToDictionary();
        var outbox = await db.OutboxMessages.AsNoTracking().Where(m => keys.Contains(m.DeduplicationKey!))
            .Select(m => new { m.Id, m.DeduplicationKey, m.Status }).ToListAsync();
        var received = EmailsReceivedByOutboxId();
        return orders.Select(order =>
        {
            var rows = outbox.Where(m => m.DeduplicationKey == RegistrationKey(order.OrderId)).ToList();
            return new OrderOutcome(
                order.OrderId, statuses[order.OrderId], licenses.GetValueOrDefault(order.OrderId), order.ExpectedLicenses,
                fulfilments.GetValueOrDefault(order.OrderId.ToString()), rows.Count, rows.Count(m => m.Status == OutboxStatus.Sent),
                rows.Sum(m => received.GetValueOrDefault(m.Id)));
        }).ToList();
    }

    /// <summary>
    /// The registration emails recorded in the history of these orders' organizations (the record names the organization,
    /// not the order), and how many of the orders are fulfilled: one record per fulfilment.
    /// </summary>
    public async Task<(int Registrations, int FulfilledOrders)> RegistrationRecordsAsync(IReadOnlyList<PaidOrder> orders)
    {
        var ids = orders.Select(o => o.OrderId).ToList();
        await using var db = await NewContextAsync();
        var organizations = await db.Orders.AsNoTracking().Where(o => ids.Contains(o.Id)).Select(o => o.OrganizationId).Distinct().ToListAsync();
        var registrations = await db.AuditEvents.AsNoTracking()
            .CountAsync(e => e.Action == "registration.queued" && e.OrganizationId != null && organizations.Contains(e.OrganizationId.Value));
        var fulfilled = await db.Orders.AsNoTracking().CountAsync(o => ids.Contains(o.Id) && o.Status == OrderStatus.Fulfilled);
        return (registrations, fulfilled);
    }

    public async Task<int> ProcessedEventCountAsync(IEnumerable<string> eventIds)
    {
        var ids = eventIds.ToList();
        await using var db = await NewContextAsync();
        return await db.ProcessedPaymentEvents.AsNoTracking().CountAsync(e => ids.Contains(e.Id));
    }

    public async Task<PortalDbContext> NewContextAsync() =>
        await Services().GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();

    public async ValueTask DisposeAsync()
    {
        if (_services is not null)
            await _services.DisposeAsync();
        await Stripe.DisposeAsync();
        await Smtp.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataFolder, recursive: true);
        }
        catch (IOException)
        {
            // Left to the OS temp cleaner.
        }
    }

    private static string RegistrationKey(Guid orderId) => $"registration:{orderId:N}";

    /// <summary>The domain services over the shared database file (Portal's default <c>portal.db</c> in the data folder).</summary>
    private ServiceProvider Services()
    {
        if (_services is not null)
            return _services;
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddPortalDatabase(new DatabaseSettings(), DataFolder);
        services.AddSingleton<AuditLog>();
        services.AddSingleton<PricingService>();
        services.AddSingleton<OrderService>();
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<EmailOutbox>();
        return _services = services.BuildServiceProvider();
    }
}
