using Microsoft.EntityFrameworkCore;
using Portal.Domain.Data;
using Portal.Domain.Ordering;

namespace Portal.Components.Ordering;

/// <summary>
/// How an order is paid, for its page and the order list: by card at checkout or by invoice, the purchase order and the
/// quote it came from, and the invoice as the payment provider last reported it.
/// </summary>
public sealed record OrderPayment(
    Guid OrderId,
    PaymentMethod Method,
    string? PurchaseOrderNumber,
    Guid? QuoteId,
    string? QuoteNumber,
    bool InvoiceIssued,
    string? InvoiceNumber,
    InvoiceStatus? InvoiceStatus,
    DateTimeOffset? InvoiceDueAt,
    bool InvoiceOverdue,
    string? InvoiceUrl,
    string? InvoicePdfUrl)
{
    public bool ByInvoice => Method == PaymentMethod.Invoice;

    /// <summary>The invoice is issued and nothing has settled it yet.</summary>
    public bool InvoiceUnpaid => InvoiceStatus is Domain.Ordering.InvoiceStatus.Open or Domain.Ordering.InvoiceStatus.PaymentFailed;

    /// <summary>The invoice's status in words, overdue included.</summary>
    public string? InvoiceStatusText => InvoiceStatus switch
    {
        null => null,
        Domain.Ordering.InvoiceStatus.PaymentFailed => InvoiceOverdue ? "Payment failed, overdue" : "Payment failed",
        Domain.Ordering.InvoiceStatus.Open => InvoiceOverdue ? "Open, overdue" : "Open",
        var settled => settled.ToString(),
    };

    /// <summary>
    /// The payment of each of these orders of the organization (another organization's are left out), overdue as of
    /// <paramref name="now"/> by <see cref="Order.IsInvoiceOverdue"/>.
    /// </summary>
    public static async Task<IReadOnlyDictionary<Guid, OrderPayment>> ForOrdersAsync(
        PortalDbContext db, Guid organizationId, IReadOnlyCollection<Guid> orderIds, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var orders = await db.Orders.AsNoTracking()
            .Where(o => o.OrganizationId == organizationId && orderIds.Contains(o.Id))
            .ToListAsync(cancellationToken);
        var quoteIds = orders.Where(o => o.QuoteId is not null).Select(o => o.QuoteId!.Value).ToList();
        var quoteNumbers = quoteIds.Count == 0
            ? new Dictionary<Guid, string>()
            : await db.Quotes.AsNoTracking()
                .Where(q => q.OrganizationId == organizationId && quoteIds.Contains(q.Id))
                .Select(q => new { q.Id, q.Number })
                .ToDictionaryAsync(q => q.Id, q => q.Number, cancellationToken);
        return orders.ToDictionary(o => o.Id, o => new OrderPayment(
            o.Id, o.PaymentMethod, o.PurchaseOrderNumber, o.QuoteId,
            o.QuoteId is { } quoteId ? quoteNumbers.GetValueOrDefault(quoteId) : null,
            o.InvoiceId is not null, o.InvoiceNumber, o.InvoiceStatus, o.InvoiceDueAt, o.IsInvoiceOverdue(now), o.InvoiceUrl, o.InvoicePdfUrl));
    }

    /// <summary>The payment of one order of the organization; null when it has none with that id.</summary>
    public static async Task<OrderPayment?> ForOrderAsync(
        PortalDbContext db, Guid organizationId, Guid orderId, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        (await ForOrdersAsync(db, organizationId, [orderId], now, cancellationToken)).GetValueOrDefault(orderId);
}
