using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Domain.Data;
using Portal.Domain.Members;

namespace Portal.Domain.Outbox;

/// <summary>
/// The short email a customer gets when staff decide their request (a discount application or an evaluation extension):
/// to the member who asked and to the members whose role the request concerns, queued in the decision's own unit of work.
/// </summary>
public static class DecisionEmail
{
    /// <summary>
    /// The requester's address and those of the members whose roles allow <paramref name="concerns"/> (owners always
    /// do; docs/rules.md#members), without blanks or repeats. An organization with no members at all (its only people
    /// gone before members existed, or a demo one) is told at its billing email instead.
    /// </summary>
    public static async Task<IReadOnlyList<string>> RecipientsAsync(
        PortalDbContext db, Guid organizationId, string requestedByUserId, MemberRoles concerns, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var requester = await db.Users.Where(u => u.Id == requestedByUserId).Select(u => u.Email).SingleOrDefaultAsync(cancellationToken);
        var members = await MembershipService.ContactsAsync(db, organizationId, concerns, cancellationToken);
        var to = OutboxEmail.Recipients([requester, .. members]);
        if (to.Count > 0)
            return to;
        var billing = await db.Organizations.Where(o => o.Id == organizationId).Select(o => o.BillingEmail).SingleOrDefaultAsync(cancellationToken);
        return OutboxEmail.Recipients([billing]);
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
