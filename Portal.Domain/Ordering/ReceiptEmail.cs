using System.Globalization;
using System.Net;
using System.Text;
using Portal.Domain.Data;
using Portal.Domain.Members;
using Portal.Domain.Organizations;
using Portal.Domain.Outbox;

namespace Portal.Domain.Ordering;

/// <summary>
/// Portal's own receipt for a paid order: the order, its lines and the total paid, with Stripe's receipt when there is
/// one. It goes to the organization's Billing members and its billing email (docs/rules.md#members), queued in the save
/// that fulfils the order, once per order.
/// </summary>
public sealed class ReceiptEmail(EmailOutbox outbox)
{
    private const string KeysElsewhere =
        "The license keys go to your organization's Technical members and billing email, in a registration email of their own.";

    /// <summary>Queues the receipt inside the caller's unit of work; a second one for the same order is not queued.</summary>
    public async Task QueueForOrderAsync(
        PortalDbContext db, Order order, Organization organization, DateTimeOffset paidAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(organization);
        var billing = await MembershipService.ContactsAsync(db, organization.Id, MemberRoles.Billing, cancellationToken);
        outbox.EnqueueInParts(db, Compose(order, organization.Name, paidAt, OutboxEmail.Recipients([.. billing, organization.BillingEmail])));
    }

    public static OutboxEmail Compose(Order order, string organizationName, DateTimeOffset paidAt, IReadOnlyList<string> to)
    {
        ArgumentNullException.ThrowIfNull(order);
        var placed = Date(order.PlacedAt);
        var text = new StringBuilder()
            .AppendLine("Thank you for your order. This is your receipt from Key Metric Software.")
            .AppendLine()
            .AppendLine($"Organization: {organizationName}")
            .AppendLine($"Order: {order.Id}")
            .AppendLine($"Placed: {placed}")
            .AppendLine($"Paid: {Date(paidAt)}")
            .AppendLine();
        var html = new StringBuilder()
            .Append("<p>Thank you for your order. This is your receipt from Key Metric Software.</p>")
            .Append("<table>")
            .Append($"<tr><th align=\"left\">Organization</th><td>{Encode(organizationName)}</td></tr>")
            .Append($"<tr><th align=\"left\">Order</th><td>{order.Id}</td></tr>")
            .Append($"<tr><th align=\"left\">Placed</th><td>{placed}</td></tr>")
            .Append($"<tr><th align=\"left\">Paid</th><td>{Date(paidAt)}</td></tr>")
            .Append("</table>")
            .Append("<table><tr><th align=\"left\">Item</th><th align=\"right\">Quantity</th><th align=\"right\">Unit price</th><th align=\"right\">Amount</th></tr>");

        foreach (var line in OrderLine.InDisplayOrder(order.Lines))
        {
            text.AppendLine($"{line.Quantity} × {line.Description} at {line.UnitPrice}: {line.Total}");
            html.Append($"<tr><td>{Encode(line.Description)}</td><td align=\"right\">{line.Quantity}</td>")
                .Append($"<td align=\"right\">{line.UnitPrice}</td><td align=\"right\">{line.Total}</td></tr>");
        }
        if (order.DiscountDescription is { } discount)
        {
            text.AppendLine($"List price: {order.Subtotal}").AppendLine($"{discount}: −{order.DiscountTotal}");
            html.Append($"<tr><th align=\"left\" colspan=\"3\">List price</th><td align=\"right\">{order.Subtotal}</td></tr>")
                .Append($"<tr><th align=\"left\" colspan=\"3\">{Encode(discount)}</th><td align=\"right\">−{order.DiscountTotal}</td></tr>");
        }
        text.AppendLine($"Total paid: {order.Total}").AppendLine();
        html.Append($"<tr><th align=\"left\" colspan=\"3\">Total paid</th><td align=\"right\"><strong>{order.Total}</strong></td></tr></table>");

        if (order.ReceiptUrl is { } receipt)
        {
            text.AppendLine($"Stripe's receipt for the payment: {receipt}").AppendLine();
            html.Append($"<p><a href=\"{Encode(receipt)}\">Stripe's receipt for the payment</a></p>");
        }
        text.AppendLine(KeysElsewhere).AppendLine().AppendLine("Key Metric Software");
        html.Append($"<p>{KeysElsewhere}</p><p>Key Metric Software</p>");

        return new OutboxEmail(to, $"Receipt for your order of {placed} – {organizationName}", html.ToString(), text.ToString())
        {
            DeduplicationKey = $"receipt:{order.Id:N}",
        };
    }

    private static string Date(DateTimeOffset at) => at.ToString("d MMMM yyyy", CultureInfo.InvariantCulture);

    private static string Encode(string value) => WebUtility.HtmlEncode(value);
}
