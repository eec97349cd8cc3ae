using Microsoft.EntityFrameworkCore;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.Discounts;
using Portal.Domain.History;
using Portal.Domain.Catalog;
using Portal.Domain.Licensing;
using Portal.Domain.Organizations;
using Portal.Domain.Pricing;

namespace Portal.Domain.Ordering;

public enum FulfilmentOutcome
{
    Fulfilled,
    AlreadyFulfilled,
    NeedsReview,

    /// <summary>The order is expired, failed or refunded: a payment for it is not turned into licenses.</summary>
    NotPayable,
    OrderNotFound,
}

/// <summary>
/// The only way money becomes licenses. One save issues the licenses and keys, records history, consumes a
/// cross-grade discount, queues the registration email and the receipt, and records the provider's event; the order's
/// concurrency token makes it happen exactly once when the webhook, the success page and duplicate deliveries race.
/// </summary>
/// <remarks>
/// The order, organization, product and contacts are read, and the keys signed and the emails composed, before the save, outside
/// any transaction: on SQLite the save holds the database's only write lock, so that lock is held for the writes alone
/// (decision 0010). An order that upgrades licenses is the exception: it reads the licenses it upgrades inside its
/// transaction, so that a license revoked meanwhile is not upgraded.
/// </remarks>
public sealed class FulfilmentService(
    IDbContextFactory<PortalDbContext> dbFactory,
    LicensingService licensing,
    DiscountService discounts,
    RegistrationEmail registration,
    ReceiptEmail receipt,
    InvoiceEmail invoices,
    AuditLog audit,
    TimeProvider clock)
{
    /// <summary>Saves that lose a race are tried again from the read this many times in all.</summary>
    private const int Attempts = 3;

    // Compiled (once per model): every paid webhook reads these three, and building and looking up a LINQ query each
    // time cost more than running these small ones (measured in docs/performance.md).
    private static readonly CompiledQuery<Func<PortalDbContext, Guid, CancellationToken, Task<Order?>>> OrderWithLines = new(() =>
        EF.CompileAsyncQuery((PortalDbContext db, Guid id, CancellationToken _) => db.Orders.Include(o => o.Lines).SingleOrDefault(o => o.Id == id)));

    private static readonly CompiledQuery<Func<PortalDbContext, Guid, CancellationToken, Task<Organization>>> OrganizationById = new(() =>
        EF.CompileAsyncQuery((PortalDbContext db, Guid id, CancellationToken _) => db.Organizations.Single(o => o.Id == id)));

    // The product alone: a fulfilment names it in keys, history and the email, and never needs its packs.
    private static readonly CompiledQuery<Func<PortalDbContext, Guid, CancellationToken, Task<Product>>> ProductById = new(() =>
        EF.CompileAsyncQuery((PortalDbContext db, Guid id, CancellationToken _) => db.Products.AsNoTracking().Single(p => p.Id == id)));

    /// <summary>
    /// Fulfils the order once. Only <see cref="FulfilmentOutcome.Fulfilled"/> means this call fulfilled it. Whenever it
    /// changes the order (fulfilled, or put to review), <see cref="PaymentReport.ReportedBy"/> is recorded in the same save.
    /// </summary>
    public async Task<FulfilmentOutcome> FulfilAsync(FulfilmentReport paid, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // One connection for the reads and the save; closing it at the end also ends any write it began.
        await using var connection = await ReadConnection.OpenAsync(db, cancellationToken);
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async () =>
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    return await FulfilOnceAsync(db, paid, cancellationToken);
                }
                catch (DbUpdateException) when (attempt < Attempts)
                {
                    // Another save changed what this one read (the order, whose concurrency token then refuses ours; a
                    // cross-grade discount; the event id or email key, unique) and nothing of ours was written. Read
                    // again: an order fulfilled meanwhile now reads as such.
                }
            }
        });
    }

    private async Task<FulfilmentOutcome> FulfilOnceAsync(PortalDbContext db, FulfilmentReport paid, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        var order = await OrderWithLines.For(db)(db, paid.OrderId, cancellationToken);
        if (order is null)
            return FulfilmentOutcome.OrderNotFound;
        if (order.Status == OrderStatus.Fulfilled)
            return FulfilmentOutcome.AlreadyFulfilled;
        if (order.Status != OrderStatus.Pending)
            return order.Status == OrderStatus.NeedsReview ? FulfilmentOutcome.NeedsReview : FulfilmentOutcome.NotPayable;

        await using var transaction = order.Lines.Any(l => l.UpgradedLicenseId is not null)
            ? await db.Database.BeginTransactionAsync(cancellationToken)
            : null;
        try
        {
            var outcome = await FulfilPendingAsync(db, order, paid, cancellationToken);
            HandledPaymentEvents.RecordWith(db, paid.ReportedBy, clock.GetUtcNow());
            await db.SaveChangesAsync(cancellationToken);
            if (transaction is not null)
                await transaction.CommitAsync(cancellationToken);
            return outcome;
        }
        catch when (transaction is not null)
        {
            await transaction.RollbackAsync(CancellationToken.None);
            throw;
        }
    }

    private async Task<FulfilmentOutcome> FulfilPendingAsync(PortalDbContext db, Order order, FulfilmentReport paid, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var product = await ProductById.For(db)(db, order.ProductId, cancellationToken);
        var problem = CheckPayment(order, paid) ?? await CheckUpgradesAsync(db, order, product, cancellationToken);
        if (problem is not null)
        {
            order.MarkNeedsReview(problem, paid.PaymentIntentId, now);
            audit.Record(db, Actor.Stripe, "order.needs-review", nameof(Order), order.Id, order.OrganizationId,
                paid is InvoiceIssued
                    ? $"Invoice issued, but no licenses issued on it: {problem} Our staff will contact you."
                    : $"Payment received but not turned into licenses: {problem} Our staff will contact you.");
            return FulfilmentOutcome.NeedsReview;
        }

        var organization = await OrganizationById.For(db)(db, order.OrganizationId, cancellationToken);
        RecordInvoice(order, paid);
        if (paid is PaidCheckout { Billing: { } billing })
            KeepBillingDetails(db, organization, billing);
        var issued = new List<License>();
        foreach (var line in order.Lines)
        {
            if (line.Kind == LineKind.NewSeats)
            {
                for (var i = 0; i < line.Quantity; i++)
                    issued.Add(licensing.IssuePurchased(db, organization, product, line.Seats, order.Id, Actor.Stripe));
            }
            else
            {
                var old = await db.Licenses.SingleAsync(l => l.Id == line.UpgradedLicenseId, cancellationToken);
                issued.Add(licensing.Upgrade(db, organization, old, product, order.Id, Actor.Stripe));
            }
        }

        if (order.DiscountApplicationId is { } discountId)
            await ConsumeDiscountAsync(db, discountId, order, cancellationToken);

        order.MarkFulfilled(paid.PaymentIntentId, paid.ReceiptUrl, now);
        audit.Record(db, Actor.Stripe, "order.fulfilled", nameof(Order), order.Id, order.OrganizationId, paid is InvoiceIssued issuedInvoice
            ? $"Invoice {issuedInvoice.Invoice.Number ?? issuedInvoice.Invoice.InvoiceId} of {order.Total} issued to a customer trusted with keys on invoice; {"license".ToQuantity(issued.Count)} issued before payment."
            : $"Payment of {order.Total} received; {"license".ToQuantity(issued.Count)} issued.");
        RecordInvoiceNews(db, order, paid);
        await registration.QueueForOrderAsync(db, organization, product, issued, LicensingService.SupportEndAfterPurchaseAt(now),
            order.Id, Actor.Stripe, cancellationToken);
        if (paid is InvoiceIssued)
            await invoices.QueueAsync(db, order, organization, InvoiceNews.Sent, cancellationToken);
        else
            await receipt.QueueForOrderAsync(db, order, organization, now, cancellationToken);
        return FulfilmentOutcome.Fulfilled;
    }

    private static string? CheckPayment(Order order, FulfilmentReport paid)
    {
        var mismatch = paid switch
        {
            PaidCheckout when order.PaymentMethod != PaymentMethod.Checkout => "The order is paid by invoice, but Stripe reported a checkout payment.",
            PaidCheckout checkout when order.CheckoutSessionId is not null && order.CheckoutSessionId != checkout.CheckoutSessionId =>
                "The payment belongs to another checkout session than the order's.",
            InvoiceIssued or InvoicePaid when order.PaymentMethod != PaymentMethod.Invoice => "The order is paid at checkout, but Stripe reported an invoice for it.",
            InvoiceIssued issued when !order.IsPaidBy(issued.Invoice.InvoiceId) => "The invoice is another one than the order's.",
            InvoicePaid invoice when !order.IsPaidBy(invoice.Invoice.InvoiceId) => "The payment is for another invoice than the order's.",
            _ => null,
        };
        return mismatch ?? (order.Matches(paid.Amount)
            ? null
            : $"Stripe reported {paid.Amount} but the order total is {order.Total}.");
    }

    private static void RecordInvoice(Order order, FulfilmentReport paid)
    {
        switch (paid)
        {
            case InvoiceIssued issued:
                order.RecordInvoice(issued.Invoice);
                break;
            case InvoicePaid invoice:
                order.RecordInvoice(invoice.Invoice);
                order.MarkInvoicePaid();
                break;
        }
    }

    /// <summary>The invoice's own step in the history, as an invoice order that waits for its payment has it too.</summary>
    private void RecordInvoiceNews(PortalDbContext db, Order order, FulfilmentReport paid)
    {
        var (action, summary) = paid switch
        {
            InvoiceIssued => ("invoice.sent", $"Invoice {PaymentEventService.InvoiceName(order)} for {order.Total} sent{PaymentEventService.DueText(order)}; "
                                              + "the licenses were issued at once (keys on invoice)."),
            InvoicePaid => ("invoice.paid", $"Invoice {PaymentEventService.InvoiceName(order)} of {order.Total} was paid."),
            _ => (null, null),
        };
        if (action is not null)
            audit.Record(db, Actor.Stripe, action, nameof(Order), order.Id, order.OrganizationId, summary!);
    }

    /// <summary>The organization keeps the billing address and tax ID given at checkout, for its quotes and invoices.</summary>
    private void KeepBillingDetails(PortalDbContext db, Organization organization, CollectedBillingDetails billing)
    {
        if (billing.Address.IsEmpty && billing.TaxId is null)
            return;
        var address = billing.Address.IsEmpty ? organization.BillingAddress : billing.Address;
        var taxId = billing.TaxId ?? organization.TaxId;
        if (address == organization.BillingAddress && taxId == organization.TaxId)
            return;
        organization.ChangeBillingDetails(address, taxId);
        audit.Record(db, Actor.Stripe, "organization.billing-details-updated", nameof(Organization), organization.Id, organization.Id,
            $"Billing details taken from checkout: {(address.IsEmpty ? "no address" : address.ToString())}; {(taxId is null ? "no tax ID" : taxId.ToString())}.");
    }

    private static async Task<string?> CheckUpgradesAsync(PortalDbContext db, Order order, Product product, CancellationToken cancellationToken)
    {
        var ids = order.Lines.Where(l => l.UpgradedLicenseId is not null).Select(l => l.UpgradedLicenseId!.Value).ToList();
        if (ids.Count == 0)
            return null;
        foreach (var license in await db.Licenses.AsNoTracking().Where(l => ids.Contains(l.Id)).ToListAsync(cancellationToken))
        {
            try
            {
                license.EnsureUpgradable(product);
            }
            catch (DomainException rule)
            {
                return $"A license in the order can no longer be upgraded: {rule.Message}";
            }
        }
        return null;
    }

    private async Task ConsumeDiscountAsync(PortalDbContext db, Guid discountId, Order order, CancellationToken cancellationToken)
    {
        try
        {
            await discounts.ConsumeAsync(db, discountId, order.Id, Actor.Stripe, cancellationToken);
        }
        catch (DomainException used)
        {
            // The customer has paid the discounted price already; staff see that the discount was used twice.
            audit.Record(db, Actor.Stripe, "discount.reused", nameof(Order), order.Id, order.OrganizationId,
                $"The order used a discount that was no longer available: {used.Message}", visibleToCustomer: false);
        }
    }
}
