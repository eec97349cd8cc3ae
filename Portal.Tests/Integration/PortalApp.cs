using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Portal.Endpoints;
using Portal.Payments;
using Portal.Tests.Fakes;
using Portal.Tests.Fakes.Stripe;

namespace Portal.Tests.Integration;

/// <summary>Whether a <see cref="PortalApp"/> runs a fake Stripe beside it, and whether it pays through it.</summary>
public enum FakeStripeUse
{
    /// <summary>No fake Stripe: the app has no Stripe keys, so Development uses its built-in test checkout.</summary>
    None,

    /// <summary>The app pays through the fake: Stripe keys and API address point at it, and its webhooks come back to the app.</summary>
    PaysThrough,

    /// <summary>The fake runs, but the app has no Stripe keys (so it uses its test checkout): to show the fake gets no call.</summary>
    Idle,
}

/// <summary>What a <see cref="PortalApp"/> runs with, beyond the app itself.</summary>
public sealed record PortalAppOptions
{
    /// <summary>A real SMTP server in the test process, which the app sends its email to.</summary>
    public bool Smtp { get; init; }

    public FakeStripeUse Stripe { get; init; }

    /// <summary>
    /// Served by Kestrel on a loopback port (for a browser, for the fake Stripe's webhooks or for plain sockets) instead of
    /// the in-memory test server; always so when the app pays through the fake Stripe.
    /// </summary>
    public bool OnLoopback { get; init; }

    /// <summary>
    /// The name <see cref="PortalApp.BaseAddress"/> gives the loopback address instead of its IP address: "localhost" for a
    /// browser, as a person trying the portal on their machine types it (passkeys refuse an IP address as their domain).
    /// </summary>
    public string? HostName { get; init; }
}

/// <summary>
/// One running Portal as a test fixture (a class or collection fixture): by default the Development app with its demo
/// data on a fresh database, served by the in-memory test server. The per-address limit on account posts is lifted,
/// because the tests post the account forms far more often than a person would (RateLimitTests prove the limit on apps
/// of their own). A fixture that differs derives from this class and says how: a factory of its own (another environment,
/// more settings), <see cref="PortalAppOptions"/> for an SMTP server, a fake Stripe or a loopback port, in its constructor
/// <see cref="PortalAppFactory.With"/> and <see cref="PortalAppFactory.WithServices"/> on <see cref="Factory"/>, and in
/// <see cref="InitializeAsync"/>, after the base has started the app, the data its tests share.
/// </summary>
public class PortalApp : IAsyncLifetime
{
    private readonly PortalAppOptions _options;
    private SmtpTestServer? _smtp;
    private FakeStripe? _stripe;
    private Uri? _baseAddress;

    public PortalApp()
        : this(new PortalAppFactory())
    {
    }

    protected PortalApp(PortalAppFactory factory, PortalAppOptions? options = null)
    {
        _options = options ?? new PortalAppOptions();
        Factory = factory.With(RateLimits.AccountPostsSetting, "100000");
    }

    public PortalAppFactory Factory { get; }

    public IServiceProvider Services => Factory.Services;

    public SmtpTestServer Smtp => _smtp ?? throw new InvalidOperationException("This app runs without an SMTP server (PortalAppOptions.Smtp).");

    public FakeStripe Stripe => _stripe ?? throw new InvalidOperationException("This app runs without a fake Stripe (PortalAppOptions.Stripe).");

    /// <summary>The loopback address the app is served on, by <see cref="PortalAppOptions.HostName"/> if it has one.</summary>
    public Uri BaseAddress => _baseAddress ?? throw new InvalidOperationException("This app is not served on a loopback port (PortalAppOptions.OnLoopback).");

    public virtual async Task InitializeAsync()
    {
        if (_options.Smtp)
        {
            _smtp = new SmtpTestServer();
            Factory.With("Smtp:Host", "127.0.0.1").With("Smtp:Port", _smtp.Port.ToString(CultureInfo.InvariantCulture)).With("Smtp:Security", "None");
        }
        if (_options.Stripe != FakeStripeUse.None)
            _stripe = await FakeStripe.StartAsync();
        if (_options.Stripe == FakeStripeUse.PaysThrough)
        {
            Factory.With("Stripe:SecretKey", FakeStripe.SecretKey)
                .With("Stripe:WebhookSecret", FakeStripe.WebhookSecret)
                .With("Stripe:ApiBase", _stripe!.BaseUrl);
        }

        if (!_options.OnLoopback && _options.Stripe != FakeStripeUse.PaysThrough)
        {
            _ = Factory.Services; // starts the app: migrations and demo data
            return;
        }
        var address = await Task.Run(Factory.StartOnLoopback);
        if (_options.Stripe == FakeStripeUse.PaysThrough)
            _stripe!.WebhookUrl = new Uri(address, CheckoutPaths.Webhook);
        _baseAddress = _options.HostName is { } name ? new UriBuilder(address) { Host = name }.Uri : address;
    }

    /// <summary>A browser-like client of the app: cookies of its own, redirects not followed.</summary>
    public HttpClient NewClient() =>
        _baseAddress is null
            ? Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false })
            : new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() })
            {
                BaseAddress = _baseAddress,
                Timeout = TimeSpan.FromSeconds(60),
            };

    public virtual async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        if (_stripe is not null)
            await _stripe.DisposeAsync();
        if (_smtp is not null)
            await _smtp.DisposeAsync();
    }
}
