using Stripe;
using Stripe.Checkout;

namespace Portal.Payments;

/// <summary>
/// The Stripe API as Portal uses it, through Stripe.net's <see cref="StripeClient"/> (which pins the API version,
/// <see cref="StripeConfiguration.ApiVersion"/>). Without a secret key — allowed in Development only — there is no client
/// and checkout uses the built-in test checkout.
/// </summary>
public sealed class StripeApi
{
    private readonly StripeClient? _client;

    public StripeApi(StripeSettings settings)
    {
        if (settings.HasSecretKey())
            _client = new StripeClient(settings.SecretKey, apiBase: string.IsNullOrWhiteSpace(settings.ApiBase) ? null : settings.ApiBase.TrimEnd('/'));
    }

    /// <summary>The API version of every request and the one the webhook endpoint must send.</summary>
    public static string ApiVersion => StripeConfiguration.ApiVersion;

    /// <summary>No secret key: Development's test checkout that takes no money.</summary>
    public bool IsTestMode => _client is null;

    private StripeClient Client => _client ?? throw new InvalidOperationException("Stripe:SecretKey is not set.");

    public Task<Customer> CreateCustomerAsync(CustomerCreateOptions options, string idempotencyKey, CancellationToken cancellationToken) =>
        Client.V1.Customers.CreateAsync(options, new RequestOptions { IdempotencyKey = idempotencyKey }, cancellationToken);

    /// <summary>A customer with its tax IDs (<c>expand[]=tax_ids</c>), to see whether it is in step with its organization.</summary>
    public Task<Customer> GetCustomerAsync(string customerId, CancellationToken cancellationToken) =>
        Client.V1.Customers.GetAsync(customerId, new CustomerGetOptions { Expand = ["tax_ids"] }, requestOptions: null, cancellationToken);

    public Task<Customer> UpdateCustomerAsync(string customerId, CustomerUpdateOptions options, CancellationToken cancellationToken) =>
        Client.V1.Customers.UpdateAsync(customerId, options, requestOptions: null, cancellationToken);

    public Task<TaxId> CreateCustomerTaxIdAsync(string customerId, CustomerTaxIdCreateOptions options, string idempotencyKey, CancellationToken cancellationToken) =>
        Client.V1.Customers.TaxIds.CreateAsync(customerId, options, new RequestOptions { IdempotencyKey = idempotencyKey }, cancellationToken);

    public Task<TaxId> DeleteCustomerTaxIdAsync(string customerId, string taxIdId, CancellationToken cancellationToken) =>
        Client.V1.Customers.TaxIds.DeleteAsync(customerId, taxIdId, options: null, requestOptions: null, cancellationToken);

    public Task<Session> CreateSessionAsync(SessionCreateOptions options, string idempotencyKey, CancellationToken cancellationToken) =>
        Client.V1.Checkout.Sessions.CreateAsync(options, new RequestOptions { IdempotencyKey = idempotencyKey }, cancellationToken);

    /// <summary>A checkout session with its invoice expanded (for the invoice link).</summary>
    public Task<Session> GetSessionAsync(string sessionId, CancellationToken cancellationToken) =>
        Client.V1.Checkout.Sessions.GetAsync(sessionId, new SessionGetOptions { Expand = ["invoice"] }, requestOptions: null, cancellationToken);

    public Task<Invoice> CreateInvoiceAsync(InvoiceCreateOptions options, string idempotencyKey, CancellationToken cancellationToken) =>
        Client.V1.Invoices.CreateAsync(options, new RequestOptions { IdempotencyKey = idempotencyKey }, cancellationToken);

    public Task<InvoiceItem> CreateInvoiceItemAsync(InvoiceItemCreateOptions options, string idempotencyKey, CancellationToken cancellationToken) =>
        Client.V1.InvoiceItems.CreateAsync(options, new RequestOptions { IdempotencyKey = idempotencyKey }, cancellationToken);

    public Task<Invoice> FinalizeInvoiceAsync(string invoiceId, string idempotencyKey, CancellationToken cancellationToken) =>
        Client.V1.Invoices.FinalizeInvoiceAsync(invoiceId, new InvoiceFinalizeOptions { AutoAdvance = false },
            new RequestOptions { IdempotencyKey = idempotencyKey }, cancellationToken);

    public Task<Invoice> SendInvoiceAsync(string invoiceId, string idempotencyKey, CancellationToken cancellationToken) =>
        Client.V1.Invoices.SendInvoiceAsync(invoiceId, options: null, new RequestOptions { IdempotencyKey = idempotencyKey }, cancellationToken);

    /// <summary>
    /// The payment intent that paid an invoice, from its invoice payments: since API version 2025-03-31 an invoice in a
    /// webhook does not carry its payments. Null when it was paid outside Stripe.
    /// </summary>
    public async Task<string?> InvoicePaymentIntentAsync(string invoiceId, CancellationToken cancellationToken)
    {
        var payments = await Client.V1.InvoicePayments.ListAsync(
            new InvoicePaymentListOptions { Invoice = invoiceId, Status = StripeValues.InvoicePayment.Paid }, requestOptions: null, cancellationToken);
        return payments.Data
            .Where(p => p.Payment?.Type == StripeValues.InvoicePayment.PaymentIntentType)
            .Select(p => p.Payment.PaymentIntentId)
            .FirstOrDefault(id => !string.IsNullOrEmpty(id));
    }
}
