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

    /// <summary>What the customer gave at Checkout (<c>customer_details</c>), once the session is complete.</summary>
    public FakeCustomerDetails? CustomerDetails { get; set; }
}

public sealed record FakeLineItem(string Name, long UnitAmount, long Quantity, string Currency);

/// <summary>A postal address as Stripe's API carries it.</summary>
public sealed record FakeAddress(string Line1, string? Line2, string? PostalCode, string City, string? State, string Country)
{
    public JsonObject ToJson() => new()
    {
        ["line1"] = Line1, ["line2"] = Line2, ["postal_code"] = PostalCode, ["city"] = City, ["state"] = State, ["country"] = Country,
    };

    public static FakeAddress? From(JsonNode? node) => node is JsonObject json && json["line1"]?.GetValue<string>() is { } line1
        ? new FakeAddress(line1, Text(json["line2"]), Text(json["postal_code"]), Text(json["city"]) ?? "", Text(json["state"]), Text(json["country"]) ?? "")
        : null;

    private static string? Text(JsonNode? node) => node?.GetValue<string>();
}

/// <summary>A tax ID as Stripe's API carries it (<c>type</c> is Stripe's code, e.g. <c>eu_vat</c>).</summary>
public sealed record FakeTaxId(string Id, string Type, string Value);

/// <summary>What a customer gives at Checkout: its name, email, billing address and the tax ID it entered, if any.</summary>
public sealed record FakeCustomerDetails(string? Name, string? Email, FakeAddress? Address, IReadOnlyList<(string Type, string Value)> TaxIds)
{
    public JsonObject ToJson() => new()
    {
        ["address"] = Address?.ToJson(),
        ["email"] = Email,
        ["name"] = Name,
        ["phone"] = null,
        ["tax_exempt"] = "none",
        ["tax_ids"] = new JsonArray(TaxIds.Select(t => (JsonNode)new JsonObject { ["type"] = t.Type, ["value"] = t.Value }).ToArray()),
    };
}

/// <summary>An invoice item as the fake keeps it: the form it was created with, on the invoice it was added to.</summary>
public sealed record FakeInvoiceItem(string Id, IReadOnlyDictionary<string, string> Form)
{
    public string? Description => Form.GetValueOrDefault("description");
    public long Quantity => long.Parse(Form.GetValueOrDefault("quantity") ?? "1", CultureInfo.InvariantCulture);
    public decimal UnitAmountDecimal => decimal.Parse(Form.GetValueOrDefault("unit_amount_decimal") ?? "0", CultureInfo.InvariantCulture);
    public string Currency => Form.GetValueOrDefault("currency") ?? "";
    public long Amount => (long)Math.Round(UnitAmountDecimal * Quantity, MidpointRounding.AwayFromZero);
}

/// <summary>
/// An invoice as the fake keeps it: the form it was created with, its items, and where it is in Stripe's life of an
/// invoice (draft → open → paid, void or uncollectible). <see cref="IsReceipt"/> marks the invoice Checkout creates for a
/// paid session (<c>invoice_creation</c>), which is paid from the start.
/// </summary>
public sealed class FakeInvoice
{
    public required string Id { get; init; }
    public required IReadOnlyDictionary<string, string> Form { get; init; }
    public required DateTimeOffset Created { get; init; }
    public bool IsReceipt { get; init; }
    public List<FakeInvoiceItem> Items { get; } = [];
    public string Status { get; set; } = "draft";
    public string? Number { get; set; }
    public DateTimeOffset? FinalizedAt { get; set; }
    public DateTimeOffset? PaidAt { get; set; }
    public DateTimeOffset? VoidedAt { get; set; }
    public DateTimeOffset? MarkedUncollectibleAt { get; set; }
    public bool Sent { get; set; }
    public int AttemptCount { get; set; }
    public long AmountPaid { get; set; }
    public string? PaymentIntentId { get; set; }

    /// <summary>What the invoice took from its customer when it was finalized (until then it follows the customer).</summary>
    public IReadOnlyList<FakeTaxId>? CustomerTaxIds { get; set; }
    public FakeAddress? CustomerAddress { get; set; }
    public string? CustomerName { get; set; }
    public string? CustomerEmail { get; set; }

    public string? CustomerId => Form.GetValueOrDefault("customer");
    public string? OrderId => Form.GetValueOrDefault("metadata[order_id]");
    public string Currency => Form.GetValueOrDefault("currency") ?? Items.Select(i => i.Currency).FirstOrDefault() ?? "usd";
    public string? CollectionMethod => Form.GetValueOrDefault("collection_method");
    public int? DaysUntilDue => Form.TryGetValue("days_until_due", out var days) ? int.Parse(days, CultureInfo.InvariantCulture) : null;
    public bool AutomaticTax => Form.GetValueOrDefault("automatic_tax[enabled]") == "true";
    public DateTimeOffset? DueDate => DaysUntilDue is { } days ? Created.AddDays(days) : null;

    public IReadOnlyList<string> PaymentMethodTypes =>
        Enumerable.Range(0, 10).Select(i => Form.GetValueOrDefault($"payment_settings[payment_method_types][{i}]")).OfType<string>().ToList();

    public IReadOnlyList<(string Name, string Value)> CustomFields =>
        Enumerable.Range(0, 4).Where(i => Form.ContainsKey($"custom_fields[{i}][name]"))
            .Select(i => (Form[$"custom_fields[{i}][name]"], Form.GetValueOrDefault($"custom_fields[{i}][value]") ?? "")).ToList();

    public IReadOnlyDictionary<string, string> Metadata => Form.Where(f => f.Key.StartsWith("metadata[", StringComparison.Ordinal))
        .ToDictionary(f => f.Key["metadata[".Length..^1], f => f.Value);

    public long Subtotal => Items.Sum(i => i.Amount);
    public long Tax => AutomaticTax ? (long)Math.Round(Subtotal * FakeStripe.TaxRate) : 0;
    public long Total => Subtotal + Tax;
}

/// <summary>
/// A loopback fake of the parts of the Stripe API that Portal uses, in the shape of API version 2026-10-28.endive:
/// customers (update, tax IDs), checkout sessions, invoices and invoice items (create, finalize, send, retrieve), with
/// idempotency keys honoured (the same key gets the same answer). A hosted checkout page whose "Pay" button marks the
/// session paid and delivers a correctly signed <c>checkout.session.completed</c> webhook; a hosted invoice page whose
/// "Pay" button marks the invoice paid and delivers <c>invoice.paid</c>; finalizing an invoice delivers
/// <c>invoice.finalized</c>, as Stripe does. Methods send any signed event. Every request is recorded.
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
    private readonly ConcurrentDictionary<string, List<FakeTaxId>> _customerTaxIds = new();
    private readonly ConcurrentDictionary<string, FakeInvoice> _invoices = new();
    private readonly ConcurrentDictionary<string, string> _currencyOverrides = new();
    private readonly ConcurrentDictionary<string, Lazy<Task<(int Status, string Json)>>> _idempotent = new();
    private readonly ConcurrentDictionary<string, int> _droppedAnswers = new();
    private readonly ConcurrentDictionary<string, bool> _finalizedDelivered = new();
    private readonly ConcurrentDictionary<string, bool> _refusedTaxIds = new();
    private readonly HttpClient _webhookClient = new() { Timeout = TimeSpan.FromSeconds(30) };
    private int _failSessionCreates;
    private int _failInvoiceCreates;
    private int _invoiceNumbers;

    private FakeStripe(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    /// <summary>The app's webhook endpoint (<c>{app}/stripe/webhook</c>); the hosted page delivers to it.</summary>
    public Uri? WebhookUrl { get; set; }

    public IReadOnlyList<StripeRequest> Requests => _requests.ToArray();
    public IReadOnlyList<WebhookDelivery> Deliveries => _deliveries.ToArray();
    public IReadOnlyCollection<FakeCheckoutSession> Sessions => _sessions.Values.ToArray();

    /// <summary>The customers as they are now (copies: the fake goes on changing its own).</summary>
    public IReadOnlyCollection<JsonObject> Customers => _customers.Keys.Select(id => Customer(id)).ToArray();

    public IReadOnlyCollection<FakeInvoice> Invoices => _invoices.Values.ToArray();

    /// <summary>
    /// The next <paramref name="count"/> session creations answer 500 (with <c>Stripe-Should-Retry: false</c>). Like Stripe,
    /// the answer is kept for its idempotency key.
    /// </summary>
    public void FailSessionCreates(int count) => Interlocked.Exchange(ref _failSessionCreates, count);

    /// <summary>The next <paramref name="count"/> invoice creations answer 500, as <see cref="FailSessionCreates"/>.</summary>
    public void FailInvoiceCreates(int count) => Interlocked.Exchange(ref _failInvoiceCreates, count);

    /// <summary>
    /// The next <paramref name="count"/> POSTs to a path ending in <paramref name="pathSuffix"/> are carried out (and their
    /// answer kept for the idempotency key), but the connection is cut before the answer: a lost answer, which Stripe.net
    /// retries with the same key.
    /// </summary>
    public void DropAnswers(string pathSuffix, int count) => _droppedAnswers[pathSuffix] = count;

    /// <summary>Tax IDs of this value are refused as Stripe refuses one that does not fit its kind's format (400).</summary>
    public void RefuseTaxIds(string value) => _refusedTaxIds[value] = true;

    /// <summary>A tax ID added to the customer in Stripe itself (the Dashboard, or Checkout).</summary>
    public FakeTaxId AddTaxId(string customerId, string type, string value)
    {
        var taxId = new FakeTaxId("txi_" + Random(20), type, value);
        var taxIds = _customerTaxIds.GetOrAdd(customerId, _ => []);
        lock (taxIds)
            taxIds.Add(taxId);
        return taxId;
    }

    /// <summary>A customer as Stripe's API returns it, with its tax IDs.</summary>
    public JsonObject Customer(string customerId)
    {
        var customer = _customers[customerId];
        lock (customer)
        {
            var copy = (JsonObject)customer.DeepClone();
            copy["tax_ids"] = ListJson(TaxIdsOf(customerId).Select(t => TaxIdJson(customerId, t)), $"/v1/customers/{customerId}/tax_ids");
            return copy;
        }
    }

    /// <summary>The customer's tax IDs, as they are now.</summary>
    public IReadOnlyList<FakeTaxId> TaxIdsOf(string customerId)
    {
        var taxIds = _customerTaxIds.GetOrAdd(customerId, _ => []);
        lock (taxIds)
            return taxIds.ToList();
    }

    public FakeInvoice Invoice(string id) => _invoices[id];

    /// <summary>The invoices Portal issued for an order (its <c>metadata.order_id</c>).</summary>
    public IReadOnlyList<FakeInvoice> InvoicesForOrder(Guid orderId) =>
        _invoices.Values.Where(i => i.OrderId == orderId.ToString()).ToList();

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

    /// <summary>
    /// The customer's payment succeeds (or, with <paramref name="paymentStatus"/> "unpaid", a delayed payment starts).
    /// The customer gave <paramref name="customerDetails"/> at Checkout, or else confirmed what its Stripe customer held;
    /// as Stripe does, Checkout saves them on that customer (<c>customer_update</c>, the tax ID) and creates its receipt invoice.
    /// </summary>
    public FakeCheckoutSession MarkPaid(string sessionId, string paymentStatus = "paid", long? amountTotal = null, string? currency = null,
        FakeCustomerDetails? customerDetails = null)
    {
        var session = _sessions[sessionId];
        bool completing;
        lock (session)
        {
            completing = session.Status != "complete";
            session.Status = "complete";
            session.PaymentStatus = paymentStatus;
            session.PaymentIntentId ??= "pi_" + Random(20);
            if (amountTotal is { } amount)
                session.AmountTotal = amount;
            session.CustomerDetails = customerDetails ?? session.CustomerDetails ?? DetailsOfCustomer(session.CustomerId);
        }
        if (completing)
            SaveCheckoutDetailsOnCustomer(session);
        if (currency is not null)
            _currencyOverrides[sessionId] = currency;
        lock (session)
            session.InvoiceId ??= ReceiptInvoiceFor(session).Id;
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
                : expandInvoice ? InvoiceJson(session.InvoiceId) : JsonValue.Create(session.InvoiceId);
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
                ["customer_details"] = session.Status == "complete" ? session.CustomerDetails?.ToJson() : null,
                ["billing_address_collection"] = session.Form.GetValueOrDefault("billing_address_collection"),
                ["tax_id_collection"] = new JsonObject
                {
                    ["enabled"] = session.Form.GetValueOrDefault("tax_id_collection[enabled]") == "true", ["required"] = "never",
                },
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

    // ---- invoices ----

    /// <summary>The invoice as Stripe's API returns it (API version 2026-10-28: its payments in <c>payments</c>, no <c>payment_intent</c>).</summary>
    public JsonObject InvoiceJson(string invoiceId, bool includePayments = true)
    {
        var invoice = _invoices[invoiceId];
        lock (invoice)
        {
            var finalized = invoice.Status != "draft";
            var customerTaxIds = invoice.CustomerTaxIds ?? (invoice.CustomerId is { } customerId ? TaxIdsOf(customerId) : []);
            var lines = invoice.Items.Select(item => (JsonNode)new JsonObject
            {
                ["id"] = "il_" + item.Id[3..],
                ["object"] = "line_item",
                ["amount"] = item.Amount,
                ["currency"] = item.Currency,
                ["description"] = item.Description,
                ["invoice"] = invoice.Id,
                ["quantity"] = item.Quantity,
                ["pricing"] = new JsonObject { ["type"] = "price_details", ["unit_amount_decimal"] = item.UnitAmountDecimal.ToString(CultureInfo.InvariantCulture) },
                ["parent"] = new JsonObject
                {
                    ["type"] = "invoice_item_details",
                    ["invoice_item_details"] = new JsonObject { ["invoice_item"] = item.Id, ["proration"] = false },
                },
                ["metadata"] = new JsonObject(),
                ["livemode"] = false,
            });
            var payments = !includePayments || invoice.PaymentIntentId is null
                ? null
                : ListJson([new JsonObject
                {
                    ["id"] = "inpay_" + invoice.Id[3..],
                    ["object"] = "invoice_payment",
                    ["amount_paid"] = invoice.AmountPaid,
                    ["amount_requested"] = invoice.Total,
                    ["currency"] = invoice.Currency,
                    ["invoice"] = invoice.Id,
                    ["is_default"] = true,
                    ["livemode"] = false,
                    ["payment"] = new JsonObject { ["type"] = "payment_intent", ["payment_intent"] = invoice.PaymentIntentId },
                    ["status"] = "paid",
                }], $"/v1/invoice_payments?invoice={invoice.Id}");
            return new JsonObject
            {
                ["id"] = invoice.Id,
                ["object"] = "invoice",
                ["account_country"] = "US",
                ["account_name"] = "Key Metric Software (fake)",
                ["amount_due"] = invoice.Total,
                ["amount_paid"] = invoice.AmountPaid,
                ["amount_overpaid"] = 0,
                ["amount_paid_off_stripe"] = 0,
                ["amount_remaining"] = Math.Max(0, invoice.Total - invoice.AmountPaid),
                ["amount_shipping"] = 0,
                ["attempt_count"] = invoice.AttemptCount,
                ["attempted"] = invoice.AttemptCount > 0,
                ["auto_advance"] = invoice.Form.GetValueOrDefault("auto_advance") == "true",
                ["automatic_tax"] = new JsonObject { ["enabled"] = invoice.AutomaticTax, ["status"] = invoice.AutomaticTax ? "complete" : null },
                ["billing_reason"] = "manual",
                ["collection_method"] = invoice.CollectionMethod ?? "charge_automatically",
                ["created"] = invoice.Created.ToUnixTimeSeconds(),
                ["currency"] = invoice.Currency,
                ["custom_fields"] = invoice.CustomFields.Count == 0
                    ? null
                    : new JsonArray(invoice.CustomFields.Select(f => (JsonNode)new JsonObject { ["name"] = f.Name, ["value"] = f.Value }).ToArray()),
                ["customer"] = invoice.CustomerId,
                ["customer_address"] = (invoice.CustomerAddress ?? (finalized ? null : AddressOfCustomer(invoice.CustomerId)))?.ToJson(),
                ["customer_email"] = invoice.CustomerEmail,
                ["customer_name"] = invoice.CustomerName,
                ["customer_tax_exempt"] = "none",
                ["customer_tax_ids"] = new JsonArray(customerTaxIds.Select(t => (JsonNode)new JsonObject { ["type"] = t.Type, ["value"] = t.Value }).ToArray()),
                ["description"] = invoice.Form.GetValueOrDefault("description"),
                ["due_date"] = invoice.DueDate?.ToUnixTimeSeconds(),
                ["hosted_invoice_url"] = finalized ? $"{BaseUrl}/invoices/{invoice.Id}" : null,
                ["invoice_pdf"] = finalized ? $"{BaseUrl}/invoices/{invoice.Id}/pdf" : null,
                ["lines"] = ListJson(lines, $"/v1/invoices/{invoice.Id}/lines"),
                ["livemode"] = false,
                ["metadata"] = MetadataJson(invoice.Metadata),
                ["number"] = invoice.Number,
                ["parent"] = null,
                ["payment_settings"] = PaymentSettingsJson(invoice.Form),
                ["payments"] = payments,
                ["period_end"] = invoice.Created.ToUnixTimeSeconds(),
                ["period_start"] = invoice.Created.ToUnixTimeSeconds(),
                ["status"] = invoice.Status,
                ["status_transitions"] = new JsonObject
                {
                    ["finalized_at"] = invoice.FinalizedAt?.ToUnixTimeSeconds(),
                    ["paid_at"] = invoice.PaidAt?.ToUnixTimeSeconds(),
                    ["voided_at"] = invoice.VoidedAt?.ToUnixTimeSeconds(),
                    ["marked_uncollectible_at"] = invoice.MarkedUncollectibleAt?.ToUnixTimeSeconds(),
                },
                ["subtotal"] = invoice.Subtotal,
                ["subtotal_excluding_tax"] = invoice.Subtotal,
                ["total"] = invoice.Total,
                ["total_excluding_tax"] = invoice.Subtotal,
                ["webhooks_delivered_at"] = invoice.Created.ToUnixTimeSeconds(),
            };
        }
    }

    /// <summary>
    /// An <c>invoice.*</c> event carrying the invoice as it is now. As Stripe does, the event leaves out the invoice's
    /// <c>payments</c>, which only an expanded request or <c>/v1/invoice_payments</c> gives.
    /// </summary>
    public string InvoiceEvent(string type, string invoiceId, string? eventId = null) =>
        EventJson(type, InvoiceJson(invoiceId, includePayments: false), eventId);

    /// <summary><c>GET /v1/invoice_payments?invoice=…</c>: the invoice's payments, none before it is paid.</summary>
    private JsonObject InvoicePaymentsJson(string invoiceId) =>
        _invoices.ContainsKey(invoiceId) && InvoiceJson(invoiceId)["payments"] is JsonObject payments
            ? (JsonObject)payments.DeepClone()
            : ListJson([], $"/v1/invoice_payments?invoice={invoiceId}");

    /// <summary>
    /// What happens to the invoice for an event of <paramref name="type"/> (<c>invoice.paid</c> pays it in full if it is
    /// not paid yet, <c>invoice.voided</c> voids it, <c>invoice.marked_uncollectible</c> writes it off,
    /// <c>invoice.payment_failed</c> counts a failed attempt; <c>invoice.overdue</c> and others change nothing), then the
    /// event, signed and delivered. Each call is a new event: call twice for a second event of the same kind.
    /// </summary>
    public Task<HttpStatusCode> SendInvoiceEventAsync(string type, string invoiceId, string? eventId = null)
    {
        switch (type)
        {
            case "invoice.paid" when Invoice(invoiceId).Status != "paid":
                MarkInvoicePaid(invoiceId);
                break;
            case "invoice.voided":
                VoidInvoice(invoiceId);
                break;
            case "invoice.marked_uncollectible":
                MarkInvoiceUncollectible(invoiceId);
                break;
            case "invoice.payment_failed":
                FailInvoicePayment(invoiceId);
                break;
        }
        return SendAsync(InvoiceEvent(type, invoiceId, eventId));
    }

    /// <summary>The customer pays the open invoice: in full unless <paramref name="amountPaid"/> says otherwise, by a payment intent.</summary>
    public FakeInvoice MarkInvoicePaid(string invoiceId, long? amountPaid = null) => ChangeInvoice(invoiceId, invoice =>
    {
        invoice.Status = "paid";
        invoice.AmountPaid = amountPaid ?? invoice.Total;
        invoice.PaidAt = DateTimeOffset.UtcNow;
        invoice.AttemptCount++;
        invoice.PaymentIntentId ??= "pi_" + Random(20);
    });

    public FakeInvoice VoidInvoice(string invoiceId) => ChangeInvoice(invoiceId, invoice =>
    {
        invoice.Status = "void";
        invoice.VoidedAt = DateTimeOffset.UtcNow;
    });

    public FakeInvoice MarkInvoiceUncollectible(string invoiceId) => ChangeInvoice(invoiceId, invoice =>
    {
        invoice.Status = "uncollectible";
        invoice.MarkedUncollectibleAt = DateTimeOffset.UtcNow;
    });

    /// <summary>An attempt to pay the invoice failed; it stays open.</summary>
    public FakeInvoice FailInvoicePayment(string invoiceId) => ChangeInvoice(invoiceId, invoice => invoice.AttemptCount++);

    private FakeInvoice ChangeInvoice(string invoiceId, Action<FakeInvoice> change)
    {
        var invoice = _invoices[invoiceId];
        lock (invoice)
            change(invoice);
        return invoice;
    }

    /// <summary>The paid invoice Checkout creates for a session as its receipt; its metadata is <c>invoice_creation[invoice_data][metadata]</c>.</summary>
    private FakeInvoice ReceiptInvoiceFor(FakeCheckoutSession session)
    {
        const string metadataPrefix = "invoice_creation[invoice_data][metadata][";
        var form = new Dictionary<string, string>
        {
            ["currency"] = session.Currency,
            ["collection_method"] = "charge_automatically",
        };
        if (session.CustomerId is { } customerId)
            form["customer"] = customerId;
        foreach (var (key, value) in session.Form.Where(f => f.Key.StartsWith(metadataPrefix, StringComparison.Ordinal)))
            form[$"metadata[{key[metadataPrefix.Length..^1]}]"] = value;
        var now = DateTimeOffset.UtcNow;
        var invoice = new FakeInvoice { Id = "in_" + Random(20), Form = form, Created = now, IsReceipt = true };
        foreach (var line in session.Lines)
        {
            invoice.Items.Add(new FakeInvoiceItem("ii_" + Random(20), new Dictionary<string, string>
            {
                ["description"] = line.Name,
                ["quantity"] = line.Quantity.ToString(CultureInfo.InvariantCulture),
                ["unit_amount_decimal"] = line.UnitAmount.ToString(CultureInfo.InvariantCulture),
                ["currency"] = line.Currency,
            }));
        }
        Finalize(invoice, now);
        invoice.Status = "paid";
        invoice.PaidAt = now;
        invoice.AmountPaid = session.AmountTotal;
        invoice.PaymentIntentId = session.PaymentIntentId;
        _invoices[invoice.Id] = invoice;
        return invoice;
    }

    /// <summary>Number, and what the invoice takes from its customer for good: its name, email, address and tax IDs.</summary>
    private void Finalize(FakeInvoice invoice, DateTimeOffset now)
    {
        invoice.Status = "open";
        invoice.FinalizedAt = now;
        invoice.Number = $"KMS-{Interlocked.Increment(ref _invoiceNumbers):D4}";
        if (invoice.CustomerId is { } customerId && _customers.TryGetValue(customerId, out var customer))
        {
            lock (customer)
            {
                invoice.CustomerName = customer["name"]?.GetValue<string>();
                invoice.CustomerEmail = customer["email"]?.GetValue<string>();
                invoice.CustomerAddress = FakeAddress.From(customer["address"]);
            }
            invoice.CustomerTaxIds = TaxIdsOf(customerId);
        }
    }

    private FakeAddress? AddressOfCustomer(string? customerId)
    {
        if (customerId is null || !_customers.TryGetValue(customerId, out var customer))
            return null;
        lock (customer)
            return FakeAddress.From(customer["address"]);
    }

    /// <summary>What Checkout shows a customer to confirm: what its Stripe customer holds.</summary>
    private FakeCustomerDetails? DetailsOfCustomer(string? customerId)
    {
        if (customerId is null || !_customers.TryGetValue(customerId, out var customer))
            return null;
        string? name, email;
        lock (customer)
        {
            name = customer["name"]?.GetValue<string>();
            email = customer["email"]?.GetValue<string>();
        }
        return new FakeCustomerDetails(name, email, AddressOfCustomer(customerId), TaxIdsOf(customerId).Select(t => (t.Type, t.Value)).ToList());
    }

    /// <summary>As Checkout does with an existing customer: the address and name when <c>customer_update</c> says so, and the tax ID given.</summary>
    private void SaveCheckoutDetailsOnCustomer(FakeCheckoutSession session)
    {
        if (session.CustomerId is not { } customerId || !_customers.TryGetValue(customerId, out var customer) || session.CustomerDetails is not { } details)
            return;
        lock (customer)
        {
            if (session.Form.GetValueOrDefault("customer_update[address]") == "auto" && details.Address is { } address)
                customer["address"] = address.ToJson();
            if (session.Form.GetValueOrDefault("customer_update[name]") == "auto" && details.Name is { } name)
                customer["name"] = name;
        }
        var taxIds = _customerTaxIds.GetOrAdd(customerId, _ => []);
        lock (taxIds)
        {
            foreach (var (type, value) in details.TaxIds.Where(t => !taxIds.Any(existing => existing.Type == t.Type && existing.Value == t.Value)))
                taxIds.Add(new FakeTaxId("txi_" + Random(20), type, value));
        }
    }

    private static JsonObject PaymentSettingsJson(IReadOnlyDictionary<string, string> form)
    {
        const string prefix = "payment_settings[";
        var types = Enumerable.Range(0, 10).Select(i => form.GetValueOrDefault($"{prefix}payment_method_types][{i}]")).OfType<string>().ToList();
        var customerBalance = form.GetValueOrDefault($"{prefix}payment_method_options][customer_balance][funding_type]") is { } fundingType
            ? new JsonObject
            {
                ["funding_type"] = fundingType,
                ["bank_transfer"] = new JsonObject
                {
                    ["type"] = form.GetValueOrDefault($"{prefix}payment_method_options][customer_balance][bank_transfer][type]"),
                },
            }
            : null;
        return new JsonObject
        {
            ["default_mandate"] = null,
            ["payment_method_options"] = new JsonObject { ["customer_balance"] = customerBalance },
            ["payment_method_types"] = types.Count == 0 ? null : new JsonArray(types.Select(t => (JsonNode)JsonValue.Create(t)).ToArray()),
        };
    }

    private static JsonObject MetadataJson(IReadOnlyDictionary<string, string> metadata)
    {
        var json = new JsonObject();
        foreach (var (key, value) in metadata)
            json[key] = value;
        return json;
    }

    private static JsonObject ListJson(IEnumerable<JsonNode> data, string url)
    {
        var items = new JsonArray(data.ToArray());
        return new JsonObject { ["object"] = "list", ["data"] = items, ["has_more"] = false, ["total_count"] = items.Count, ["url"] = url };
    }

    private static JsonObject TaxIdJson(string customerId, FakeTaxId taxId) => new()
    {
        ["id"] = taxId.Id,
        ["object"] = "tax_id",
        ["country"] = null,
        ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["customer"] = customerId,
        ["livemode"] = false,
        ["type"] = taxId.Type,
        ["value"] = taxId.Value,
        ["verification"] = null,
    };

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
                ["address"] = null,
                ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                ["livemode"] = false,
            };
            _customers[customer["id"]!.GetValue<string>()] = customer;
            return (StatusCodes.Status200OK, customer.ToJsonString());
        }));

        app.MapGet("/v1/customers/{id}", (string id, HttpContext context) =>
        {
            if (!_customers.ContainsKey(id))
                return StripeError(StatusCodes.Status404NotFound, "invalid_request_error", $"No such customer: '{id}'", "resource_missing");
            var customer = Customer(id);
            // tax_ids is includable: Stripe returns it only when asked for.
            if (!Expands(context, "tax_ids"))
                customer.Remove("tax_ids");
            return Json(StatusCodes.Status200OK, customer.ToJsonString());
        });

        app.MapPost("/v1/customers/{id}", (string id, HttpRequest request) => Idempotent(request.HttpContext, form => UpdateCustomer(id, form)));

        app.MapPost("/v1/customers/{id}/tax_ids", (string id, HttpRequest request) => Idempotent(request.HttpContext, form =>
        {
            if (!_customers.ContainsKey(id))
                return (StatusCodes.Status404NotFound, ErrorJson("invalid_request_error", $"No such customer: '{id}'", "resource_missing"));
            if (string.IsNullOrWhiteSpace(form.GetValueOrDefault("type")) || string.IsNullOrWhiteSpace(form.GetValueOrDefault("value")))
                return (StatusCodes.Status400BadRequest, ErrorJson("invalid_request_error", "Missing required param: type or value.", "parameter_missing"));
            if (_refusedTaxIds.ContainsKey(form["value"]))
                return (StatusCodes.Status400BadRequest, ErrorJson("invalid_request_error", $"Invalid value for {form["type"]}.", "tax_id_invalid"));
            return (StatusCodes.Status200OK, TaxIdJson(id, AddTaxId(id, form["type"], form["value"])).ToJsonString());
        }));

        app.MapDelete("/v1/customers/{id}/tax_ids/{taxIdId}", (string id, string taxIdId) =>
        {
            var taxIds = _customerTaxIds.GetOrAdd(id, _ => []);
            lock (taxIds)
            {
                if (taxIds.RemoveAll(t => t.Id == taxIdId) == 0)
                    return StripeError(StatusCodes.Status404NotFound, "invalid_request_error", $"No such tax_id: '{taxIdId}'", "resource_missing");
            }
            return Json(StatusCodes.Status200OK, new JsonObject { ["id"] = taxIdId, ["object"] = "tax_id", ["deleted"] = true }.ToJsonString());
        });

        app.MapPost("/v1/invoices", (HttpRequest request) => Idempotent(request.HttpContext, CreateInvoice));

        app.MapGet("/v1/invoice_payments", (HttpRequest request) =>
            Json(StatusCodes.Status200OK, InvoicePaymentsJson(request.Query["invoice"].ToString()).ToJsonString()));
        app.MapGet("/v1/invoices/{id}", (string id) => _invoices.ContainsKey(id)
            ? Json(StatusCodes.Status200OK, InvoiceJson(id).ToJsonString())
            : StripeError(StatusCodes.Status404NotFound, "invalid_request_error", $"No such invoice: '{id}'", "resource_missing"));

        app.MapPost("/v1/invoiceitems", (HttpRequest request) => Idempotent(request.HttpContext, CreateInvoiceItem));

        // Stripe sends invoice.finalized once the invoice is finalized (here before the answer, so tests see it delivered).
        app.MapPost("/v1/invoices/{id}/finalize", async (string id, HttpRequest request) =>
        {
            var answer = await Idempotent(request.HttpContext, _ => FinalizeInvoice(id));
            await DeliverFinalizedOnceAsync(id);
            return answer;
        });

        app.MapPost("/v1/invoices/{id}/send", (string id, HttpRequest request) => Idempotent(request.HttpContext, _ => SendInvoice(id)));

        app.MapPost("/v1/checkout/sessions", (HttpRequest request) => Idempotent(request.HttpContext, CreateSession));

        app.MapGet("/v1/checkout/sessions/{id}", (string id, HttpContext context) =>
            _sessions.ContainsKey(id)
                ? Json(StatusCodes.Status200OK, SessionJson(id, Expands(context, "invoice")).ToJsonString())
                : StripeError(StatusCodes.Status404NotFound, "invalid_request_error", $"No such checkout.session: '{id}'", "resource_missing"));

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

        // The hosted invoice page: what the customer's browser sees at hosted_invoice_url.
        app.MapGet("/invoices/{id}", (string id) =>
        {
            if (!_invoices.TryGetValue(id, out var invoice) || invoice.Status == "draft")
                return Results.NotFound();
            string status, number, due, fields, rows;
            long total;
            lock (invoice)
            {
                status = invoice.Status;
                number = invoice.Number ?? "";
                due = invoice.DueDate?.ToString("d MMMM yyyy", CultureInfo.InvariantCulture) ?? "on receipt";
                fields = string.Concat(invoice.CustomFields.Select(f => $"<p>{WebUtility.HtmlEncode(f.Name)}: {WebUtility.HtmlEncode(f.Value)}</p>"));
                rows = string.Concat(invoice.Items.Select(i =>
                    $"<tr><td>{WebUtility.HtmlEncode(i.Description)}</td><td>{i.Quantity}</td><td>{i.UnitAmountDecimal.ToString(CultureInfo.InvariantCulture)}</td><td>{i.Amount}</td></tr>"));
                total = invoice.Total;
            }
            var pay = status == "open"
                ? $"<form method=\"post\" action=\"/invoices/{id}/pay\"><button type=\"submit\">Pay</button></form>"
                : $"<p>Invoice {WebUtility.HtmlEncode(status)}</p>";
            return Results.Content(
                $"<!DOCTYPE html><html lang=\"en\"><head><title>Fake Stripe invoice {number}</title><link rel=\"icon\" href=\"data:,\"></head><body>" +
                $"<h1>Fake Stripe invoice {number}</h1><p>Due {due}</p>{fields}<table>{rows}</table><p>Amount due {total} {invoice.Currency}</p>{pay}</body></html>",
                "text/html");
        });

        // "Pay": the invoice is paid, Stripe sends invoice.paid, and the page shows the paid invoice.
        app.MapPost("/invoices/{id}/pay", async (string id) =>
        {
            if (!_invoices.TryGetValue(id, out var invoice))
                return Results.NotFound();
            lock (invoice)
            {
                if (invoice.Status != "open")
                    return Results.Redirect($"/invoices/{id}");
            }
            MarkInvoicePaid(id);
            if (WebhookUrl is not null)
                await SendAsync(InvoiceEvent("invoice.paid", id));
            return Results.Redirect($"/invoices/{id}");
        });

        app.MapGet("/invoices/{id}/pdf", (string id) => _invoices.TryGetValue(id, out var invoice) && invoice.Status != "draft"
            ? Results.Bytes(Encoding.ASCII.GetBytes($"%PDF-1.4\n% Fake Stripe invoice {invoice.Number}\n%%EOF\n"), "application/pdf")
            : Results.NotFound());

        app.MapFallback(() => StripeError(StatusCodes.Status404NotFound, "invalid_request_error", "Unrecognized request URL."));
    }

    private static bool Expands(HttpContext context, string field) =>
        context.Request.Query.Any(q => q.Key.StartsWith("expand", StringComparison.Ordinal) && q.Value.ToString() == field);

    private (int, string) UpdateCustomer(string id, IReadOnlyDictionary<string, string> form)
    {
        if (!_customers.TryGetValue(id, out var customer))
            return (StatusCodes.Status404NotFound, ErrorJson("invalid_request_error", $"No such customer: '{id}'", "resource_missing"));
        lock (customer)
        {
            // As Stripe: an empty value unsets a field.
            foreach (var field in new[] { "name", "email" }.Where(form.ContainsKey))
                customer[field] = form[field].Length == 0 ? null : form[field];
            if (form.Keys.Any(k => k.StartsWith("address[", StringComparison.Ordinal)))
            {
                var address = new JsonObject();
                foreach (var part in new[] { "line1", "line2", "postal_code", "city", "state", "country" })
                    address[part] = form.GetValueOrDefault($"address[{part}]") is { Length: > 0 } value ? value : null;
                customer["address"] = address;
            }
        }
        return (StatusCodes.Status200OK, Customer(id).ToJsonString());
    }

    private (int, string) CreateInvoice(IReadOnlyDictionary<string, string> form)
    {
        if (TakeFailure(ref _failInvoiceCreates))
            return (StatusCodes.Status500InternalServerError, ErrorJson("api_error", "The fake Stripe is down."));
        if (form.GetValueOrDefault("customer") is not { } customerId || !_customers.ContainsKey(customerId))
            return (StatusCodes.Status400BadRequest, ErrorJson("invalid_request_error", "No such customer.", "resource_missing"));
        if (form.GetValueOrDefault("collection_method") == "send_invoice" && !form.ContainsKey("days_until_due") && !form.ContainsKey("due_date"))
            return (StatusCodes.Status400BadRequest, ErrorJson("invalid_request_error",
                "Invoices with collection_method=send_invoice need days_until_due or due_date.", "parameter_missing"));
        var invoice = new FakeInvoice { Id = "in_" + Random(20), Form = form, Created = DateTimeOffset.UtcNow };
        _invoices[invoice.Id] = invoice;
        return (StatusCodes.Status200OK, InvoiceJson(invoice.Id).ToJsonString());
    }

    private (int, string) CreateInvoiceItem(IReadOnlyDictionary<string, string> form)
    {
        if (form.GetValueOrDefault("customer") is not { } customerId || !_customers.ContainsKey(customerId))
            return (StatusCodes.Status400BadRequest, ErrorJson("invalid_request_error", "No such customer.", "resource_missing"));
        if (!form.ContainsKey("unit_amount_decimal") && !form.ContainsKey("amount") && !form.Keys.Any(k => k.StartsWith("pricing[", StringComparison.Ordinal)))
            return (StatusCodes.Status400BadRequest, ErrorJson("invalid_request_error", "An invoice item needs an amount, unit_amount_decimal or pricing.", "parameter_missing"));
        var item = new FakeInvoiceItem("ii_" + Random(20), form);
        if (form.GetValueOrDefault("invoice") is { } invoiceId)
        {
            if (!_invoices.TryGetValue(invoiceId, out var invoice))
                return (StatusCodes.Status404NotFound, ErrorJson("invalid_request_error", $"No such invoice: '{invoiceId}'", "resource_missing"));
            lock (invoice)
            {
                if (invoice.Status != "draft")
                    return (StatusCodes.Status400BadRequest, ErrorJson("invalid_request_error", "Items can only be added to a draft invoice."));
                if (invoice.CustomerId != customerId)
                    return (StatusCodes.Status400BadRequest, ErrorJson("invalid_request_error", "The invoice item's customer is not the invoice's."));
                if (!string.Equals(invoice.Currency, item.Currency, StringComparison.OrdinalIgnoreCase))
                    return (StatusCodes.Status400BadRequest, ErrorJson("invalid_request_error", "The invoice item's currency is not the invoice's."));
                invoice.Items.Add(item);
            }
        }
        return (StatusCodes.Status200OK, new JsonObject
        {
            ["id"] = item.Id,
            ["object"] = "invoiceitem",
            ["amount"] = item.Amount,
            ["currency"] = item.Currency,
            ["customer"] = customerId,
            ["date"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["description"] = item.Description,
            ["invoice"] = form.GetValueOrDefault("invoice"),
            ["quantity"] = item.Quantity,
            ["pricing"] = new JsonObject { ["type"] = "price_details", ["unit_amount_decimal"] = item.UnitAmountDecimal.ToString(CultureInfo.InvariantCulture) },
            ["livemode"] = false,
        }.ToJsonString());
    }

    private (int, string) FinalizeInvoice(string id)
    {
        if (!_invoices.TryGetValue(id, out var invoice))
            return (StatusCodes.Status404NotFound, ErrorJson("invalid_request_error", $"No such invoice: '{id}'", "resource_missing"));
        lock (invoice)
        {
            if (invoice.Status != "draft")
                return (StatusCodes.Status400BadRequest, ErrorJson("invalid_request_error", "This invoice is already finalized.", "invoice_not_editable"));
            Finalize(invoice, DateTimeOffset.UtcNow);
        }
        return (StatusCodes.Status200OK, InvoiceJson(id).ToJsonString());
    }

    private (int, string) SendInvoice(string id)
    {
        if (!_invoices.TryGetValue(id, out var invoice))
            return (StatusCodes.Status404NotFound, ErrorJson("invalid_request_error", $"No such invoice: '{id}'", "resource_missing"));
        lock (invoice)
        {
            if (invoice.Status == "draft")
                Finalize(invoice, DateTimeOffset.UtcNow);
            if (invoice.Status != "open")
                return (StatusCodes.Status400BadRequest, ErrorJson("invalid_request_error", "Only an open invoice can be sent."));
            invoice.Sent = true;
        }
        return (StatusCodes.Status200OK, InvoiceJson(id).ToJsonString());
    }

    private async Task DeliverFinalizedOnceAsync(string invoiceId)
    {
        if (WebhookUrl is null || !_invoices.TryGetValue(invoiceId, out var invoice) || invoice.Status == "draft"
            || !_finalizedDelivered.TryAdd(invoiceId, true))
            return;
        await SendAsync(InvoiceEvent("invoice.finalized", invoiceId));
    }

    private (int, string) CreateSession(IReadOnlyDictionary<string, string> form)
    {
        if (TakeFailure(ref _failSessionCreates))
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

    private static bool TakeFailure(ref int failures)
    {
        while (true)
        {
            var left = Volatile.Read(ref failures);
            if (left <= 0)
                return false;
            if (Interlocked.CompareExchange(ref failures, left - 1, left) == left)
                return true;
        }
    }

    private bool TakeDroppedAnswer(string path)
    {
        foreach (var suffix in _droppedAnswers.Keys.Where(k => path.EndsWith(k, StringComparison.Ordinal)))
        {
            while (_droppedAnswers.TryGetValue(suffix, out var left) && left > 0)
            {
                if (_droppedAnswers.TryUpdate(suffix, left - 1, left))
                    return true;
            }
        }
        return false;
    }

    /// <summary>Stripe's idempotency: a repeated key on the same path gets the first answer (concurrent repeats too).</summary>
    private async Task<IResult> Idempotent(HttpContext context, Func<IReadOnlyDictionary<string, string>, (int Status, string Json)> create)
    {
        var form = context.Request.HasFormContentType
            ? (await context.Request.ReadFormAsync()).ToDictionary(f => f.Key, f => f.Value.ToString())
            : new Dictionary<string, string>();
        var key = context.Request.Headers["Idempotency-Key"].FirstOrDefault();
        if (string.IsNullOrEmpty(key))
        {
            var (status, json) = create(form);
            return Json(status, json);
        }
        var answer = _idempotent.GetOrAdd($"{context.Request.Path}|{key}", _ => new Lazy<Task<(int, string)>>(() => Task.FromResult(create(form))));
        var (cachedStatus, cachedJson) = await answer.Value;
        if (TakeDroppedAnswer(context.Request.Path.Value ?? ""))
        {
            context.Abort();
            return Results.Empty;
        }
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
