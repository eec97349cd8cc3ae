using System.Net;
using Portal.Domain.Data;
using Portal.Domain.Ordering;
using Portal.Tests.Integration;
using Xunit.Abstractions;

namespace Portal.Tests.Reliability;

/// <summary>Two Portal processes, A and B, on one database, as two instances behind a load balancer (docs/architecture.md#several-instances).</summary>
public sealed class TwoPortalInstances : IAsyncLifetime
{
    private bool _disposed;

    public PortalWorld World { get; private set; } = null!;
    public PortalProcess A { get; private set; } = null!;
    public PortalProcess B { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        World = await PortalWorld.CreateAsync();
        // Small outbox batches, so that both workers take turns on a queue of emails.
        var settings = World.Settings().With("Outbox:BatchSize", "5");
        // A creates the database (and Development's demo data); B then starts on it, as a second instance does.
        try
        {
            A = await PortalProcess.StartAsync("A", settings);
            B = await PortalProcess.StartAsync("B", settings);
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        if (_disposed)
            return;
        _disposed = true;
        if (A is not null)
            await A.DisposeAsync();
        if (B is not null)
            await B.DisposeAsync();
        await World.DisposeAsync();
    }
}

[Collection(PortalProcessesCollection.Name)]
public sealed class SeveralInstancesTests(TwoPortalInstances portals, ITestOutputHelper output) : IClassFixture<TwoPortalInstances>
{
    private PortalProcess A => portals.A;
    private PortalProcess B => portals.B;
    private PortalWorld World => portals.World;

    [Fact]
    public async Task A_session_made_by_one_instance_is_accepted_by_the_other()
    {
        var cookies = new CookieContainer();
        using var onA = Client(A, cookies);
        using var onB = Client(B, cookies);
        using var anonymousOnB = Client(B, new CookieContainer());

        // The sign-in form comes from B and is posted to A, as a load balancer without sticky sessions may route it:
        // A must accept B's antiforgery token, then B must accept A's authentication cookie.
        var form = await onB.GetStringAsync("/Account/Login");
        var signIn = await onA.PostAsync("/Account/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = AccountForms.AntiforgeryToken(form),
            ["Input.Email"] = DevelopmentData.CustomerEmail,
            ["Input.Password"] = DevelopmentData.DemoPassword,
        }));
        var licensesOnB = await onB.GetAsync("/licenses");
        var anonymous = await anonymousOnB.GetAsync("/licenses");

        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.DoesNotContain("/Account/", signIn.Headers.Location?.ToString() ?? "");
        Assert.Equal(HttpStatusCode.OK, licensesOnB.StatusCode);
        Assert.Contains(DevelopmentData.CustomerEmail, await licensesOnB.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.Contains("/Account/Login", anonymous.Headers.Location?.ToString());
    }

    [Fact]
    public async Task The_same_webhook_delivered_to_both_instances_at_once_fulfils_each_order_once_and_sends_one_email()
    {
        var orders = await World.PlacePaidOrdersAsync(40);
        using var stripe = new WebhookSender();
        using var pairsAtOnce = new SemaphoreSlim(8);

        var answers = await Task.WhenAll(orders.Select(async order =>
        {
            await pairsAtOnce.WaitAsync();
            try
            {
                return await Task.WhenAll(stripe.SendAsync(A, order.EventJson), stripe.SendAsync(B, order.EventJson));
            }
            finally
            {
                pairsAtOnce.Release();
            }
        }));
        await World.WaitUntilSentAsync(await World.RegistrationEmailIdsAsync(orders), TimeSpan.FromSeconds(120));
        var outcomes = await World.OutcomesAsync(orders);
        var (registrations, fulfilled) = await World.RegistrationRecordsAsync(orders);

        Assert.All(answers.SelectMany(pair => pair), answer => Assert.Equal(HttpStatusCode.OK, answer));
        Assert.All(outcomes, order =>
        {
            Assert.Equal(OrderStatus.Fulfilled, order.Status);
            Assert.Equal(order.ExpectedLicenses, order.Licenses);
            Assert.Equal((1, 1, 1, 1), (order.FulfilmentRecords, order.OutboxRows, order.OutboxSent, order.EmailsReceived));
        });
        Assert.Equal((orders.Count, orders.Count), (registrations, fulfilled));
        Assert.Equal(orders.Count, await World.ProcessedEventCountAsync(orders.Select(o => o.EventId)));
        output.WriteLine($"{orders.Count} events, each delivered to A and B at once ({stripe.Attempts} deliveries): " +
            $"{fulfilled} orders fulfilled, {outcomes.Sum(o => o.Licenses)} licenses, {outcomes.Sum(o => o.EmailsReceived)} emails received; " +
            $"fulfilled by A {FulfilledBy(A, orders)}, by B {FulfilledBy(B, orders)}");
    }

    [Fact]
    public async Task With_both_instances_outbox_workers_running_each_email_is_sent_once()
    {
        var emails = await World.QueueEmailsAsync(60);

        await World.WaitUntilSentAsync(emails, TimeSpan.FromSeconds(120));

        var received = World.EmailsReceivedByOutboxId();
        Assert.All(emails, id => Assert.Equal(1, received.GetValueOrDefault(id)));
        output.WriteLine($"{emails.Count} emails queued, {emails.Sum(id => received.GetValueOrDefault(id))} received; " +
            $"sent by A {SentBy(A, emails)}, by B {SentBy(B, emails)}");
    }

    private static HttpClient Client(PortalProcess instance, CookieContainer cookies) =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = cookies })
        {
            BaseAddress = instance.BaseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };

    /// <summary>How many of the orders this instance's log says it fulfilled (the other answered "already fulfilled" or "already handled").</summary>
    private static int FulfilledBy(PortalProcess instance, IEnumerable<PaidOrder> orders) =>
        orders.Count(order => instance.Output.Any(line => line.Contains(order.OrderId.ToString(), StringComparison.Ordinal)
                                                          && line.EndsWith(": " + FulfilmentOutcome.Fulfilled, StringComparison.Ordinal)));

    /// <summary>How many of the emails this instance's outbox worker logged as sent.</summary>
    private static int SentBy(PortalProcess instance, IEnumerable<Guid> emails) =>
        emails.Count(id => instance.Output.Any(line => line.Contains($"Outbox email {id} ", StringComparison.Ordinal) && line.Contains(" sent to ", StringComparison.Ordinal)));
}
