using System.Globalization;
using System.Net;
using System.Text;
using Portal.Domain.Data;
using Portal.Domain.Members;
using Portal.Domain.Organizations;
using Portal.Domain.Outbox;

namespace Portal.Domain.Ordering;

/// <summary>What happened to an order's invoice that its Billing contacts should hear about.</summary>
public enum InvoiceNews
{
    Sent,
    PaymentFailed,
    Overdue,
    Voided,
    Uncollectible,
}

/// <summary>
/// Tells an organization's Billing members and billing email about its invoice: issued (with where to pay it), a failed
/// payment, overdue, voided or written off. Paid invoices get the receipt (<see cref="ReceiptEmail"/>). Queued in the
/// save that records the news, once per invoice and news.
/// </summary>
public sealed class InvoiceEmail(EmailOutbox outbox)
{
    public async Task QueueAsync(PortalDbContext db, Order order, Organization organization, InvoiceNews news, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(organization);
        var billing = await MembershipService.ContactsAsync(db, organization.Id, MemberRoles.Billing, cancellationToken);
        outbox.EnqueueInParts(db, Compose(order, organization.Name, news, OutboxEmail.Recipients([.. billing, organization.BillingEmail])));
    }

    public static OutboxEmail Compose(Order order, string organizationName, InvoiceNews news, IReadOnlyList<string> to)
    {
        ArgumentNullException.ThrowIfNull(order);
        var invoice = order.InvoiceNumber ?? order.InvoiceId ?? "for your order";
        var due = order.InvoiceDueAt is { } dueAt ? dueAt.ToString("d MMMM yyyy", CultureInfo.InvariantCulture) : null;
        var (subject, message) = news switch
        {
            InvoiceNews.Sent => ($"Invoice {invoice} for {order.Total} – {organizationName}",
                $"We have issued invoice {invoice} for {order.Total}{(due is null ? "" : $", due on {due}")}. You can pay it by bank transfer or card."),
            InvoiceNews.PaymentFailed => ($"Payment of invoice {invoice} failed – {organizationName}",
                $"An attempt to pay invoice {invoice} ({order.Total}) failed. The invoice is still open{(due is null ? "" : $" and due on {due}")}."),
            InvoiceNews.Overdue => ($"Invoice {invoice} is overdue – {organizationName}",
                $"Invoice {invoice} for {order.Total} was due{(due is null ? "" : $" on {due}")} and has not been paid. Please pay it or tell us if something is wrong."),
            InvoiceNews.Voided => ($"Invoice {invoice} was cancelled – {organizationName}",
                $"Invoice {invoice} for {order.Total} was voided: nothing is owed, and any licenses issued on it are revoked."),
            InvoiceNews.Uncollectible => ($"Invoice {invoice} was written off – {organizationName}",
                $"Invoice {invoice} for {order.Total} was marked uncollectible; the order is cancelled and any licenses issued on it are revoked."),
            _ => throw new ArgumentOutOfRangeException(nameof(news)),
        };
        var text = new StringBuilder().AppendLine(message).AppendLine();
        var html = new StringBuilder($"<p>{Encode(message)}</p>");
        if (order.PurchaseOrderNumber is { } po)
        {
            text.AppendLine($"Your purchase order: {po}");
            html.Append($"<p>Your purchase order: {Encode(po)}</p>");
        }
        if (news is InvoiceNews.Sent or InvoiceNews.PaymentFailed or InvoiceNews.Overdue && order.InvoiceUrl is { } url)
        {
            text.AppendLine($"See and pay the invoice: {url}");
            html.Append($"<p><a href=\"{Encode(url)}\">See and pay the invoice</a></p>");
        }
        if (order.InvoicePdfUrl is { } pdf)
        {
            text.AppendLine($"The invoice as PDF: {pdf}");
            html.Append($"<p><a href=\"{Encode(pdf)}\">The invoice as PDF</a></p>");
        }
        text.AppendLine().AppendLine("Key Metric Software");
        html.Append("<p>Key Metric Software</p>");
        return new OutboxEmail(to, subject, html.ToString(), text.ToString())
        {
            DeduplicationKey = $"invoice-{news.ToString().ToLowerInvariant()}:{order.Id:N}",
        };
    }

    private static string Encode(string value) => WebUtility.HtmlEncode(value);
}
