using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.Domain.Data;
using Portal.Domain.Members;
using Portal.Domain.Outbox;

namespace Portal.Domain.Quotes;

/// <summary>What happened to a quote that the organization's Billing contacts should hear about.</summary>
public enum QuoteNews
{
    /// <summary>A new quote, or one sent again: the PDF is attached.</summary>
    Sent,

    /// <summary>Sales gave the quote a special price: the new PDF is attached.</summary>
    Repriced,

    Accepted,
    Expired,
}

/// <summary>
/// Emails a quote's news to the organization's Billing members and billing email, queued in the save that made the news;
/// a sent or repriced quote comes with its PDF as it reads then.
/// </summary>
public sealed class QuoteEmail(EmailOutbox outbox, QuotePdf pdf)
{
    /// <summary>Queues the news in <paramref name="db"/>; the quote needs its lines loaded for the PDF of a sent or repriced quote.</summary>
    public async Task QueueAsync(PortalDbContext db, Quote quote, QuoteNews news, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(quote);
        var billing = await MembershipService.ContactsAsync(db, quote.OrganizationId, MemberRoles.Billing, cancellationToken);
        var email = Compose(quote, news, now, OutboxEmail.Recipients([.. billing, quote.BillingEmail]));
        if (news is QuoteNews.Sent or QuoteNews.Repriced)
        {
            var terms = await db.QuoteTerms.AsNoTracking().SingleAsync(t => t.Id == QuoteTerms.SingleRowId, cancellationToken);
            var document = pdf.Render(quote, now, terms.InvoiceDaysUntilDue);
            email = email with { Attachments = [new OutboxEmailAttachment(QuotePdf.FileName(quote), QuotePdf.ContentType, document)] };
        }
        outbox.EnqueueInParts(db, email);
    }

    public static OutboxEmail Compose(Quote quote, QuoteNews news, DateTimeOffset now, IReadOnlyList<string> to)
    {
        ArgumentNullException.ThrowIfNull(quote);
        var validUntil = Date(quote.ValidUntil);
        var (subject, paragraphs) = news switch
        {
            QuoteNews.Sent => ($"Quote {quote.Number} for {quote.Total} – {quote.OrganizationName}", new[]
            {
                $"Here is quote {quote.Number} for {quote.ProductName} {quote.Major}: {quote.Total}, valid until {validUntil}. The PDF is attached.",
                "To order, accept it in the portal with your purchase-order number and pay by card or by invoice.",
            }),
            QuoteNews.Repriced => ($"Quote {quote.Number} has a new price: {quote.Total} – {quote.OrganizationName}", new[]
            {
                quote.SpecialPercent > 0
                    ? $"We have given quote {quote.Number} a special price of {quote.SpecialPercent} % off: {quote.SpecialPriceReason}"
                    : $"Quote {quote.Number} no longer has a special price.",
                $"It now comes to {quote.Total}, still valid until {validUntil}. The updated PDF is attached.",
            }),
            QuoteNews.Accepted => ($"Quote {quote.Number} accepted – {quote.OrganizationName}", new[]
            {
                $"Quote {quote.Number} for {quote.Total} was accepted{(quote.PurchaseOrderNumber is { } po ? $" with purchase order {po}" : "")}.",
                quote.PaymentMethod == Ordering.PaymentMethod.Invoice
                    ? "An invoice follows; the licenses are issued when it is paid."
                    : "It is being paid by card; the licenses are issued as soon as the payment is confirmed.",
            }),
            QuoteNews.Expired => ($"Quote {quote.Number} has expired – {quote.OrganizationName}", new[]
            {
                $"Quote {quote.Number} for {quote.Total} expired on {validUntil} without being accepted.",
                "You can quote the same seats again at today's prices in one click on the quote's page in the portal.",
            }),
            _ => throw new ArgumentOutOfRangeException(nameof(news)),
        };
        var text = new StringBuilder();
        var html = new StringBuilder();
        foreach (var paragraph in paragraphs.Append("Key Metric Software"))
        {
            text.AppendLine(paragraph).AppendLine();
            html.Append($"<p>{WebUtility.HtmlEncode(paragraph)}</p>");
        }
        // A quote expires once and is accepted once per order; it is sent or repriced as often as someone asks, each time
        // an email of its own, even two in the same millisecond.
        var occasion = news switch
        {
            QuoteNews.Expired => "",
            QuoteNews.Accepted => $":{quote.OrderId:N}",
            _ => $":{Guid.CreateVersion7(now):N}",
        };
        return new OutboxEmail(to, subject, html.ToString(), text.ToString())
        {
            DeduplicationKey = $"quote-{news.ToString().ToLowerInvariant()}:{quote.Id:N}{occasion}",
        };
    }

    private static string Date(DateTimeOffset at) => at.ToString("d MMMM yyyy", CultureInfo.InvariantCulture);
}
