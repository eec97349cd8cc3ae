using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Domain.Data;

namespace Portal.Domain.Outbox;

/// <summary>
/// The short email a customer gets when staff decide their request (a discount application or an evaluation extension):
/// to the member who asked and to the organization's billing contact, queued in the decision's own unit of work.
/// </summary>
public static class DecisionEmail
{
    /// <summary>The requester's address and the billing contact's, without blanks or repeats.</summary>
    public static async Task<IReadOnlyList<string>> RecipientsAsync(
        PortalDbContext db, Guid organizationId, string requestedByUserId, CancellationToken cancellationToken)
    {
        var requester = await db.Users.Where(u => u.Id == requestedByUserId).Select(u => u.Email).SingleOrDefaultAsync(cancellationToken);
        var billing = await db.Organizations.Where(o => o.Id == organizationId).Select(o => o.BillingEmail).SingleOrDefaultAsync(cancellationToken);
        return OutboxEmail.Recipients([requester, billing]);
    }

    /// <summary>Plain paragraphs, the same in the text and the HTML part; the decision key stops a second email for it.</summary>
    public static OutboxEmail Compose(IReadOnlyList<string> to, string subject, string deduplicationKey, params string[] paragraphs) =>
        new(to, subject,
            string.Concat(paragraphs.Select(p => $"<p>{WebUtility.HtmlEncode(p)}</p>")),
            string.Join(Environment.NewLine + Environment.NewLine, paragraphs))
        {
            DeduplicationKey = deduplicationKey,
        };
}
