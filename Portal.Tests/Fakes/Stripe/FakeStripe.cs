using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Portal.Tests.Fakes.Stripe;

/// <summary>One request the fake received, as Stripe.net sent it.</summary>
public sealed record StripeRequest(
    string Method,
    string Path,
    IReadOnlyDictionary<string, string> Query,
    IReadOnlyDictionary<string, string> Form,
    string? IdempotencyKey,
    string? Authorization,
    string? StripeVersion);

/// <summary>One webhook the fake delivered to the app (the event, the id of its data object) and the app's answer.</summary>
public sealed record WebhookDelivery(string EventId, string Type, string ObjectId, HttpStatusCode StatusCode);

/// <summary>A checkout session as the fake keeps it.</summary>
public sealed class FakeCheckoutSession
{
    public required string Id { get; init; }
    public required IReadOnlyDictionary<string, string> Form { get; init; }
    public required string Url { get; init; }
    public string? CustomerId => Form.GetValueOrDefault("customer");
    public string? ClientReferenceId => Form.GetValueOrDefault("client_reference_id");
    public string? OrderId => Form.GetValueOrDefault("metadata[order_id]");
    public string? SuccessUrl => Form.GetValueOrDefault("success_url");
    public string? CancelUrl => Form.GetValueOrDefault("cancel_url");
    public required IReadOnlyList<FakeLineItem> Lines { get; init; }
    public string Currency => Lines.Select(l => l.Currency).FirstOrDefault() ?? "usd";
    public long AmountSubtotal => Lines.Sum(l => l.UnitAmount * l.Quantity);
    public long AmountTax { get; init; }
    public long AmountTotal { get; set; }
    public string Status { get; set; } = "open";
    public string PaymentStatus { get; set; } = "unpaid";
    public string? PaymentIntentId { get; set; }
    public string? InvoiceId { get; set; }
}

public sealed record FakeLineItem(string Name, long UnitAmount, long Quantity, string Currency);

/// <summary>
/// A loopback fake of the parts of the Stripe API that Portal uses: customers, checkout sessions (with idempotency keys
/// honoured: the same key gets the same answer), a hosted checkout page whose "Pay" button marks the session paid and
/// then delivers a correctly signed <c>checkout.session.completed</c> webhook, and methods to send any signed event.
/// Every request is recorded.
/// </summary>
public sealed class FakeStripe : IAsyncDisposable
{
    public const string SecretKey = "sk_test_portal_fake_0123456789";
    public const string WebhookSecret = "whsec_portal_fake_0123456789abcdef";
    public const string ApiVersion = "2026-10-28.endive";

    /// <summary>The tax rate the fake's "Stripe Tax" adds when a session asks for automatic tax.</summary>
    public const decimal TaxRate = 0.08m;

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<StripeRequest> _requests = new();
    private readonly ConcurrentQueue<WebhookDelivery> _deliveries = new();
    private readonly ConcurrentDictionary<string, FakeCheckoutSession> _sessions = new();
    private readonly ConcurrentDictionary<string, JsonObject> _customers = new();
    private readonly ConcurrentDictionary<string, string> _currencyOverrides = new();
    private readonly ConcurrentDictionary<string, Lazy<Task<(int Status, string Json)>>> _idempotent = new();
    private readonly HttpClient _webhookClient = new() { Timeout = TimeSpan.FromSeconds(30) };
    private int _failSessionCreates;

    private FakeStripe(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    /// <summary>The app's webhook endpoint (<c>{app}/stripe/webhook</c>); the hosted page delivers to it.</summary>
    public Uri? WebhookUrl { get; set; }

    public IReadOnlyList<StripeRequest> Requests => _requests.ToArray();
    public IReadOnlyList<WebhookDelivery> Deliveries => _deliveries.ToArray();
    public IReadOnlyCollection<FakeCheckoutSession> Sessions => _sessions.Values.ToArray();
    public IReadOnlyCollection<JsonObject> Customers => _customers.Values.ToArray();

    /// <summary>
    /// The next <paramref name="count"/> session creations answer 500 (with <c>Stripe-Should-Retry: false</c>). Like Stripe,
    /// the answer is kept for its idempotency key.
    /// </summary>
    public void FailSessionCreates(int count) => Interlocked.Exchange(ref _failSessionCreates, count);

    public static async Task<FakeStripe> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var fake = new FakeStripe(app);
        fake.Map(app);
        await app.StartAsync();
        fake.BaseUrl = app.Urls.First().TrimEnd('/');
        return fake;
    }

    public FakeCheckoutSession Session(string id) => _sessions[id];

    public IReadOnlyList<FakeCheckoutSession> SessionsForOrder(Guid orderId) =>
        _sessions.Values.Where(s => s.OrderId == orderId.ToString()).ToList();

    public IReadOnlyList<StripeRequest> RequestsTo(string method, string path) =>
        Requests.Where(r => r.Method == method && r.Path == path).ToList();

    /// <summary>The customer's payment succeeds (or, with <paramref name="paymentStatus"/> "unpaid", a delayed payment starts).</summary>
    public FakeCheckoutSession MarkPaid(string sessionId, string paymentStatus = "paid", long? amountTotal = null, string? currency = null)
    {
        var session = _sessions[sessionId];
        lock (session)
        {
            session.Status = "complete";
            session.PaymentStatus = paymentStatus;
            session.PaymentIntentId ??= "pi_" + Random(20);
            session.InvoiceId ??= "in_" + Random(20);
            if (amountTotal is { } amount)
                session.AmountTotal = amount;
        }
        if (currency is not null)
            _currencyOverrides[sessionId] = currency;
        return session;
    }

    /// <summary>
    /// A paid session for an order, shaped as Portal's checkout creates it (the order id in the metadata and as client
    /// reference, one line for the order's total): for tests that need many paid orders without going through checkout.
    /// </summary>
    public FakeCheckoutSession PaidSessionForOrder(Guid orderId, long total, string currency)
    {
        var (_, json) = CreateSession(new Dictionary<string, string>
        {
            ["mode"] = "payment",
            ["client_reference_id"] = orderId.ToString(),
            ["metadata[order_id]"] = orderId.ToString(),
            ["line_items[0][quantity]"] = "1",
            ["line_items[0][price_data][unit_amount]"] = total.ToString(CultureInfo.InvariantCulture),
            ["line_items[0][price_data][currency]"] = currency.ToLowerInvariant(),
            ["line_items[0][price_data][product_data][name]"] = $"Portal order {orderId:N}",
        });
        return MarkPaid(JsonNode.Parse(json)!["id"]!.GetValue<string>());
    }

    /// <summary>The session as Stripe's API returns it.</summary>
    public JsonObject SessionJson(string sessionId, bool expandInvoice = false)
    {
        var session = _sessions[sessionId];
        lock (session)
        {
            var metadata = new JsonObject();
            foreach (var (key, value) in session.Form.Where(f => f.Key.StartsWith("metadata[", StringComparison.Ordinal)))
                metadata[key["metadata[".Length..^1]] = value;
            JsonNode? invoice = session.InvoiceId is null
                ? null
                : expandInvoice
                    ? new JsonObject
                    {
                        ["id"] = session.InvoiceId, ["object"] = "invoice", ["status"] = "paid",
                        ["hosted_invoice_url"] = $"{BaseUrl}/invoices/{session.InvoiceId}",
                    }
                    : JsonValue.Create(session.InvoiceId);
            return new JsonObject
            {
                ["id"] = session.Id,
                ["object"] = "checkout.session",
                ["mode"] = session.Form.GetValueOrDefault("mode"),
                ["status"] = session.Status,
                ["payment_status"] = session.PaymentStatus,
                ["url"] = session.Status == "open" ? session.Url : null,
                ["amount_subtotal"] = session.AmountSubtotal,
                ["amount_total"] = session.AmountTotal,
                ["total_details"] = new JsonObject { ["amount_discount"] = 0, ["amount_shipping"] = 0, ["amount_tax"] = session.AmountTax },
                ["currency"] = _currencyOverrides.GetValueOrDefault(session.Id, session.Currency),
                ["customer"] = session.CustomerId,
                ["client_reference_id"] = session.ClientReferenceId,
                ["metadata"] = metadata,
                ["payment_intent"] = session.PaymentIntentId,
                ["invoice"] = invoice,
                ["success_url"] = session.SuccessUrl,
                ["cancel_url"] = session.CancelUrl,
                ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                ["expires_at"] = DateTimeOffset.UtcNow.AddHours(24).ToUnixTimeSeconds(),
                ["livemode"] = false,
            };
        }
    }

    // ---- webhooks ----

    /// <summary>An event envelope around <paramref name="dataObject"/>; <paramref name="apiVersion"/> null leaves api_version out.</summary>
    public static string EventJson(string type, JsonObject dataObject, string? eventId = null, string? apiVersion = ApiVersion)
    {
        var json = new JsonObject
        {
            ["id"] = eventId ?? NewEventId(),
            ["object"] = "event",
            ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["type"] = type,
            ["livemode"] = false,
            ["pending_webhooks"] = 1,
            ["request"] = new JsonObject { ["id"] = null, ["idempotency_key"] = null },
            ["data"] = new JsonObject { ["object"] = dataObject },
        };
        if (apiVersion is not null)
            json["api_version"] = apiVersion;
        return json.ToJsonString();
    }

    public static string NewEventId() => "evt_" + Random(24);

    /// <summary>A <c>Stripe-Signature</c> header: <c>t=…,v1=HMAC-SHA256(secret, "t.body")</c>.</summary>
    public static string Sign(string payload, DateTimeOffset? at = null, string secret = WebhookSecret)
    {
        var timestamp = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{payload}"));
        return $"t={timestamp},v1={Convert.ToHexStringLower(mac)}";
    }

    /// <summary>Posts a payload to the app's webhook with the given <c>Stripe-Signature</c> header (none when null).</summary>
    public async Task<HttpStatusCode> DeliverAsync(string payload, string? signatureHeader)
    {
        var url = WebhookUrl ?? throw new InvalidOperationException("Set WebhookUrl to the app's /stripe/webhook first.");
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        if (signatureHeader is not null)
            request.Headers.TryAddWithoutValidation("Stripe-Signature", signatureHeader);
        using var response = await _webhookClient.SendAsync(request);
        _deliveries.Enqueue(new WebhookDelivery(Field(payload, "id"), Field(payload, "type"), Field(payload, "data", "object", "id"), response.StatusCode));
        return response.StatusCode;
    }

    private static string Field(string payload, params string[] path)
    {
        try
        {
            var node = JsonNode.Parse(payload);
            foreach (var name in path)
                node = (node as JsonObject)?[name];
            return node is JsonValue value && value.TryGetValue<string>(out var text) ? text : "";
        }
        catch (System.Text.Json.JsonException)
        {
            return "";
        }
    }

    /// <summary>Signs and delivers an event, as Stripe does.</summary>
    public Task<HttpStatusCode> SendAsync(string eventJson) => DeliverAsync(eventJson, Sign(eventJson));

    /// <summary>A <c>checkout.session.*</c> event carrying the session as it is now.</summary>
    public string SessionEvent(string type, string sessionId, string? eventId = null) => EventJson(type, SessionJson(sessionId), eventId);

    public string ChargeRefundedEvent(string sessionId, long? amountRefunded = null, string? eventId = null)
    {
        var session = _sessions[sessionId];
        return EventJson("charge.refunded", new JsonObject
        {
            ["id"] = "ch_" + Random(20),
            ["object"] = "charge",
            ["amount"] = session.AmountTotal,
            ["amount_captured"] = session.AmountTotal,
            ["amount_refunded"] = amountRefunded ?? session.AmountTotal,
            ["currency"] = session.Currency,
            ["paid"] = true,
            ["refunded"] = (amountRefunded ?? session.AmountTotal) >= session.AmountTotal,
            ["payment_intent"] = session.PaymentIntentId,
            ["status"] = "succeeded",
            ["livemode"] = false,
        }, eventId);
    }

    public string DisputeCreatedEvent(string sessionId, string reason = "fraudulent", string? eventId = null)
    {
        var session = _sessions[sessionId];
        return EventJson("charge.dispute.created", new JsonObject
        {
            ["id"] = "dp_" + Random(20),
            ["object"] = "dispute",
            ["amount"] = session.AmountTotal,
            ["currency"] = session.Currency,
            ["charge"] = "ch_" + Random(20),
            ["payment_intent"] = session.PaymentIntentId,
            ["reason"] = reason,
            ["status"] = "needs_response",
            ["livemode"] = false,
        }, eventId);
    }

    public async ValueTask DisposeAsync()
    {
        _webhookClient.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    // ---- the API ----

    private void Map(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var form = context.Request.HasFormContentType
                ? (await context.Request.ReadFormAsync()).ToDictionary(f => f.Key, f => f.Value.ToString())
                : new Dictionary<string, string>();
            _requests.Enqueue(new StripeRequest(
                context.Request.Method,
                context.Request.Path.Value ?? "",
                context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString()),
                form,
                context.Request.Headers["Idempotency-Key"].FirstOrDefault(),
                context.Request.Headers.Authorization.FirstOrDefault(),
                context.Request.Headers["Stripe-Version"].FirstOrDefault()));
            await next(context);
        });

        app.MapPost("/v1/customers", (HttpRequest request) => Idempotent(request.HttpContext, form =>
        {
            var metadata = new JsonObject();
            foreach (var (key, value) in form.Where(f => f.Key.StartsWith("metadata[", StringComparison.Ordinal)))
                metadata[key["metadata[".Length..^1]] = value;
            var customer = new JsonObject
            {
                ["id"] = "cus_" + Random(14),
                ["object"] = "customer",
                ["name"] = form.GetValueOrDefault("name"),
                ["email"] = form.GetValueOrDefault("email"),
                ["metadata"] = metadata,
                ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                ["livemode"] = false,
            };
            _customers[customer["id"]!.GetValue<string>()] = customer;
            return (StatusCodes.Status200OK, customer.ToJsonString());
        }));

        app.MapPost("/v1/checkout/sessions", (HttpRequest request) => Idempotent(request.HttpContext, CreateSession));

        app.MapGet("/v1/checkout/sessions/{id}", (string id, HttpContext context) =>
        {
            if (!_sessions.ContainsKey(id))
                return StripeError(StatusCodes.Status404NotFound, "invalid_request_error", $"No such checkout.session: '{id}'", "resource_missing");
            var expandInvoice = context.Request.Query.Any(q => q.Key.StartsWith("expand", StringComparison.Ordinal) && q.Value.ToString() == "invoice");
            return Json(StatusCodes.Status200OK, SessionJson(id, expandInvoice).ToJsonString());
        });

        // The hosted checkout page: what the customer's browser sees at the session URL.
        app.MapGet("/pay/{id}", (string id) =>
        {
            if (!_sessions.TryGetValue(id, out var session))
                return Results.NotFound();
            var rows = string.Concat(session.Lines.Select(l =>
                $"<tr><td>{WebUtility.HtmlEncode(l.Name)}</td><td>{l.Quantity}</td><td>{l.UnitAmount}</td></tr>"));
            return Results.Content(
                $"<!DOCTYPE html><html lang=\"en\"><head><title>Fake Stripe Checkout</title><link rel=\"icon\" href=\"data:,\"></head><body><h1>Fake Stripe Checkout</h1>" +
                $"<table>{rows}</table><p>Total {session.AmountTotal} {session.Currency}</p>" +
                $"<form method=\"post\" action=\"/pay/{id}\"><button type=\"submit\">Pay</button></form></body></html>",
                "text/html");
        });

        // "Pay": the session is paid, Stripe sends checkout.session.completed, then the browser goes to the success URL.
        app.MapPost("/pay/{id}", async (string id) =>
        {
            if (!_sessions.TryGetValue(id, out var session))
                return Results.NotFound();
            MarkPaid(id);
            if (WebhookUrl is not null)
                await SendAsync(SessionEvent("checkout.session.completed", id));
            return Results.Redirect(session.SuccessUrl!.Replace("{CHECKOUT_SESSION_ID}", id, StringComparison.Ordinal));
        });

        app.MapFallback(() => StripeError(StatusCodes.Status404NotFound, "invalid_request_error", "Unrecognized request URL."));
    }

    private (int, string) CreateSession(IReadOnlyDictionary<string, string> form)
    {
        if (TakeFailure())
            return (StatusCodes.Status500InternalServerError, ErrorJson("api_error", "The fake Stripe is down."));

        var lines = new List<FakeLineItem>();
        for (var i = 0; form.ContainsKey($"line_items[{i}][quantity]"); i++)
        {
            var prefix = $"line_items[{i}][price_data]";
            lines.Add(new FakeLineItem(
                form.GetValueOrDefault($"{prefix}[product_data][name]") ?? "",
                long.Parse(form.GetValueOrDefault($"{prefix}[unit_amount]") ?? "0", CultureInfo.InvariantCulture),
                long.Parse(form[$"line_items[{i}][quantity]"], CultureInfo.InvariantCulture),
                form.GetValueOrDefault($"{prefix}[currency]") ?? ""));
        }
        var id = "cs_test_" + Random(24);
        var subtotal = lines.Sum(l => l.UnitAmount * l.Quantity);
        var tax = form.GetValueOrDefault("automatic_tax[enabled]") == "true" ? (long)Math.Round(subtotal * TaxRate) : 0;
        var session = new FakeCheckoutSession
        {
            Id = id,
            Form = form,
            Url = $"{BaseUrl}/pay/{id}",
            Lines = lines,
            AmountTax = tax,
            AmountTotal = subtotal + tax,
        };
        _sessions[id] = session;
        return (StatusCodes.Status200OK, SessionJson(id).ToJsonString());
    }

    private bool TakeFailure()
    {
        while (true)
        {
            var left = Volatile.Read(ref _failSessionCreates);
            if (left <= 0)
                return false;
            if (Interlocked.CompareExchange(ref _failSessionCreates, left - 1, left) == left)
                return true;
        }
    }

    /// <summary>Stripe's idempotency: a repeated key on the same path gets the first answer (concurrent repeats too).</summary>
    private async Task<IResult> Idempotent(HttpContext context, Func<IReadOnlyDictionary<string, string>, (int Status, string Json)> create)
    {
        var form = (await context.Request.ReadFormAsync()).ToDictionary(f => f.Key, f => f.Value.ToString());
        var key = context.Request.Headers["Idempotency-Key"].FirstOrDefault();
        if (string.IsNullOrEmpty(key))
        {
            var (status, json) = create(form);
            return Json(status, json);
        }
        var answer = _idempotent.GetOrAdd($"{context.Request.Path}|{key}", _ => new Lazy<Task<(int, string)>>(() => Task.FromResult(create(form))));
        var (cachedStatus, cachedJson) = await answer.Value;
        return Json(cachedStatus, cachedJson);
    }

    private static IResult Json(int status, string json) => new JsonText(status, json);

    private static IResult StripeError(int status, string type, string message, string? code = null) => Json(status, ErrorJson(type, message, code));

    private static string ErrorJson(string type, string message, string? code = null) =>
        new JsonObject { ["error"] = new JsonObject { ["type"] = type, ["message"] = message, ["code"] = code } }.ToJsonString();

    private static string Random(int length) =>
        RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", length);

    private sealed class JsonText(int status, string json) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            if (status >= 500)
                httpContext.Response.Headers["Stripe-Should-Retry"] = "false";
            httpContext.Response.ContentType = "application/json";
            return httpContext.Response.WriteAsync(json);
        }
    }
}
