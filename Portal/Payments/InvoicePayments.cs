using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Components;
using Portal.Domain;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.Ordering;
using Stripe;
using PaymentMethod = Portal.Domain.Ordering.PaymentMethod;

namespace Portal.Payments;

public enum InvoiceStartStatus
{
    /// <summary>The invoice is issued (or was before): send the browser to <see cref="InvoiceStart.RedirectUrl"/>, the order's page.</summary>
    Issued,

    /// <summary>No such order in the user's organization, or not one paid by invoice.</summary>
    NotFound,

    /// <summary>Stripe could not be reached or refused the request; nothing was issued and the customer may try again.</summary>
    StripeUnavailable,
}

public sealed record InvoiceStart(InvoiceStartStatus Status, string? RedirectUrl)
{
    public static InvoiceStart NotFound { get; } = new(InvoiceStartStatus.NotFound, null);
}

/// <summary>
/// Issues the invoice of an order placed from an accepted quote (docs/architecture.md#purchase-flow): with Stripe, an
/// invoice for exactly the order's lines with <c>collection_method=send_invoice</c>, finalized and sent by Stripe;
/// without a Stripe key (Development only), a clearly labelled test invoice that takes no money. Either way the issued
/// invoice goes through the one door (<see cref="PaymentEventService"/>), which fulfils at once for organizations
/// trusted with keys on invoice.
/// </summary>
public sealed class InvoicePayments(
    StripeApi stripe,
    StripeSettings settings,
    IHostEnvironment environment,
    OrderService orders,
    Domain.Quotes.QuoteService quotes,
    PaymentEventService payments,
    IDbContextFactory<PortalDbContext> dbFactory,
    TimeProvider clock,
    ILogger<InvoicePayments> logger)
{
    public const string TestInvoicePrefix = "test_in_";

    /// <summary>Development without a Stripe key: invoices are test invoices that take no money.</summary>
    public bool IsTestMode => stripe.IsTestMode && environment.IsDevelopment();

    /// <summary>
    /// Issues the invoice of <paramref name="orderId"/>, a Pending invoice order of the user's organization; an order
    /// whose invoice exists already is not invoiced again. Only a member with the Billing role may
    /// (<see cref="OrderService.ForCheckoutAsync"/>): anyone else gets a <see cref="DomainException"/>.
    /// </summary>
    public async Task<InvoiceStart> IssueAsync(Guid orderId, ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        if (user.OrganizationId() is not { } organizationId || !user.IsInRole(Roles.Customer))
            return InvoiceStart.NotFound;
        var order = await orders.ForCheckoutAsync(organizationId, orderId, CurrentActor.From(user), cancellationToken);
        if (order is null || order.PaymentMethod != PaymentMethod.Invoice)
            return InvoiceStart.NotFound;
        var orderPage = CheckoutPaths.OrderDetail(order.Id);
        if (order.Status != OrderStatus.Pending || order.InvoiceId is not null)
            return new InvoiceStart(InvoiceStartStatus.Issued, orderPage);

        var terms = await quotes.TermsAsync(cancellationToken);
        if (IsTestMode)
        {
            var invoice = new IssuedInvoice($"{TestInvoicePrefix}{order.Id:N}", $"TEST-{order.Id.ToString("N")[..8].ToUpperInvariant()}",
                clock.GetUtcNow().AddDays(terms.InvoiceDaysUntilDue), CheckoutPaths.TestInvoice(order.Id), PdfUrl: null);
            var result = await payments.HandleAsync(new InvoiceIssued(order.Id, invoice, order.Total), cancellationToken);
            logger.LogWarning("TEST invoice (no money is taken) for order {OrderId} of organization {OrganizationId}: {Summary} ({Outcome})",
                order.Id, organizationId, result.Summary, result.Outcome);
            return new InvoiceStart(InvoiceStartStatus.Issued, orderPage);
        }
        if (stripe.IsTestMode)
            return InvoiceStart.NotFound;

        try
        {
            var issued = await IssueWithStripeAsync(order, terms.InvoiceDaysUntilDue, cancellationToken);
            var result = await payments.HandleAsync(new InvoiceIssued(order.Id, StripeInvoices.ToIssued(issued), StripeInvoices.Total(issued)), cancellationToken);
            logger.LogInformation("Invoice {InvoiceId} ({Number}) issued for order {OrderId} of organization {OrganizationId}: {Summary}",
                issued.Id, issued.Number, order.Id, organizationId, result.Summary);
            return new InvoiceStart(InvoiceStartStatus.Issued, orderPage);
        }
        catch (Exception error) when (error is StripeException or HttpRequestException
                                          || (error is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            logger.LogError(error, "Stripe could not issue the invoice of order {OrderId}: {Reason}", order.Id, error.Message);
            return new InvoiceStart(InvoiceStartStatus.StripeUnavailable, orderPage);
        }
    }

    /// <summary>
    /// Development's test invoice: "pays" it in full through the same door as Stripe's <c>invoice.paid</c>; null when
    /// there is no such test invoice for the user. Only a member with the Billing role pays.
    /// </summary>
    public async Task<PaymentReportResult?> PayTestInvoiceAsync(ClaimsPrincipal user, Guid orderId, CancellationToken cancellationToken = default)
    {
        if (!IsTestMode || !user.IsInRole(Roles.Customer) || user.OrganizationId() is not { } organizationId)
            return null;
        var order = await orders.ForCheckoutAsync(organizationId, orderId, CurrentActor.From(user), cancellationToken);
        if (order?.InvoiceId is not { } invoiceId || !invoiceId.StartsWith(TestInvoicePrefix, StringComparison.Ordinal))
            return null;
        var invoice = new IssuedInvoice(invoiceId, order.InvoiceNumber, order.InvoiceDueAt ?? clock.GetUtcNow(), order.InvoiceUrl, order.InvoicePdfUrl);
        var result = await payments.HandleAsync(new InvoicePaid(order.Id, invoice, order.Total, PaymentIntentId: null), cancellationToken);
        logger.LogWarning("TEST invoice paid (no money taken): order {OrderId} of organization {OrganizationId}: {Summary} ({Outcome})",
            order.Id, organizationId, result.Summary, result.Outcome);
        return result;
    }

    /// <summary>An order of the user's organization whose test invoice can be shown, when test invoices are on.</summary>
    public async Task<Order?> FindTestInvoiceAsync(ClaimsPrincipal user, Guid orderId, CancellationToken cancellationToken = default)
    {
        if (!IsTestMode || !user.IsInRole(Roles.Customer) || user.OrganizationId() is not { } organizationId)
            return null;
        var order = await orders.FindAsync(organizationId, orderId, cancellationToken);
        return order?.InvoiceId?.StartsWith(TestInvoicePrefix, StringComparison.Ordinal) == true ? order : null;
    }

    /// <summary>
    /// The Stripe invoice for the order: the organization's customer (its address and tax ID kept current, so that the
    /// invoice takes them when it is finalized), one invoice item per order line at the order's unit price and quantity,
    /// card or bank transfer to pay it with, the PO and quote numbers in its custom fields; then finalized and sent.
    /// Idempotency keys from the order make a retry after a lost answer return the same objects rather than a second invoice.
    /// </summary>
    private async Task<Invoice> IssueWithStripeAsync(Order order, int daysUntilDue, CancellationToken cancellationToken)
    {
        var customerId = await StripeCustomers.EnsureAsync(stripe, dbFactory, order.OrganizationId, logger, cancellationToken);
        var currency = order.Total.Currency.ToLowerInvariant();
        var invoice = await stripe.CreateInvoiceAsync(new InvoiceCreateOptions
        {
            Customer = customerId,
            Currency = currency,
            CollectionMethod = StripeValues.CollectionMethod.SendInvoice,
            DaysUntilDue = daysUntilDue,
            // Portal finalizes and sends the invoice itself once its items are on it.
            AutoAdvance = false,
            PendingInvoiceItemsBehavior = StripeValues.PendingInvoiceItems.Exclude,
            PaymentSettings = PaymentSettings(currency),
            AutomaticTax = settings.AutomaticTax ? new InvoiceAutomaticTaxOptions { Enabled = true } : null,
            CustomFields = await CustomFieldsAsync(order, cancellationToken),
            Metadata = new Dictionary<string, string> { [StripeSessions.OrderIdKey] = order.Id.ToString() },
        }, $"portal-invoice-{order.Id:N}", cancellationToken);

        var position = 0;
        foreach (var line in OrderLine.InDisplayOrder(order.Lines))
        {
            await stripe.CreateInvoiceItemAsync(new InvoiceItemCreateOptions
            {
                Customer = customerId,
                Invoice = invoice.Id,
                Currency = currency,
                Description = line.Description,
                Quantity = line.Quantity,
                UnitAmountDecimal = line.UnitPrice.Minor,
                TaxBehavior = settings.AutomaticTax ? StripeValues.TaxBehavior.Exclusive : null,
                Metadata = new Dictionary<string, string> { [StripeSessions.OrderIdKey] = order.Id.ToString() },
            }, $"portal-invoice-{order.Id:N}-line-{position++}", cancellationToken);
        }

        var finalized = await stripe.FinalizeInvoiceAsync(invoice.Id, $"portal-invoice-{order.Id:N}-finalize", cancellationToken);
        return await stripe.SendInvoiceAsync(finalized.Id, $"portal-invoice-{order.Id:N}-send", cancellationToken);
    }

    /// <summary>
    /// A card, or a bank transfer to a Stripe-provided account of the currency's kind; where Stripe takes no bank
    /// transfers in the currency, a card only.
    /// </summary>
    private InvoicePaymentSettingsOptions PaymentSettings(string currency)
    {
        if (StripeValues.BankTransfer.TypeFor(currency) is not { } bankTransferType)
        {
            logger.LogWarning("Stripe takes no bank transfers in {Currency}: the invoice can be paid by card only", currency);
            return new InvoicePaymentSettingsOptions { PaymentMethodTypes = [StripeValues.PaymentMethodType.Card] };
        }
        return new InvoicePaymentSettingsOptions
        {
            PaymentMethodTypes = [StripeValues.PaymentMethodType.Card, StripeValues.PaymentMethodType.CustomerBalance],
            PaymentMethodOptions = new InvoicePaymentSettingsPaymentMethodOptionsOptions
            {
                CustomerBalance = new InvoicePaymentSettingsPaymentMethodOptionsCustomerBalanceOptions
                {
                    FundingType = StripeValues.BankTransfer.FundingType,
                    BankTransfer = new InvoicePaymentSettingsPaymentMethodOptionsCustomerBalanceBankTransferOptions { Type = bankTransferType },
                },
            },
        };
    }

    /// <summary>The customer's purchase-order number and the quote the order came from, which procurement matches the invoice with.</summary>
    private async Task<List<InvoiceCustomFieldOptions>?> CustomFieldsAsync(Order order, CancellationToken cancellationToken)
    {
        var fields = new List<InvoiceCustomFieldOptions>();
        if (order.PurchaseOrderNumber is { } po)
            fields.Add(new InvoiceCustomFieldOptions { Name = StripeInvoices.PurchaseOrderField, Value = po });
        if (order.QuoteId is { } quoteId)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var number = await db.Quotes.Where(q => q.Id == quoteId).Select(q => q.Number).SingleOrDefaultAsync(cancellationToken);
            if (number is not null)
                fields.Add(new InvoiceCustomFieldOptions { Name = StripeInvoices.QuoteField, Value = number });
        }
        return fields.Count == 0 ? null : fields;
    }
}
