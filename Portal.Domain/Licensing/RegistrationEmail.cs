using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.Domain.Accounts;
using Portal.Domain.Catalog;
using Portal.Domain.Data;
using Portal.Domain.History;
using Portal.Domain.Keys;
using Portal.Domain.Members;
using Portal.Domain.Organizations;
using Portal.Domain.Outbox;

namespace Portal.Domain.Licensing;

/// <summary>
/// R11: the registration information — licensee, product, major, seats, each key with its license file attached and
/// the support end date — sent to the organization's Technical members and its billing email through the outbox.
/// </summary>
public sealed class RegistrationEmail(EmailOutbox outbox, AuditLog audit)
{
    private const int MaxListedLength = 300;

    /// <summary>
    /// Who gets the keys (docs/rules.md#members): the member who asked for them, if someone did, the members whose roles
    /// allow Technical (owners always do) and the billing email, each once.
    /// </summary>
    public static async Task<IReadOnlyList<string>> RecipientsAsync(
        PortalDbContext db, Guid organizationId, string billingEmail, string? requestedByEmail, CancellationToken cancellationToken = default)
    {
        var technical = await MembershipService.ContactsAsync(db, organizationId, MemberRoles.Technical, cancellationToken);
        return OutboxEmail.Recipients([requestedByEmail, .. technical, billingEmail]);
    }

    /// <summary>Queues the email for a fulfilled order inside the caller's unit of work, once per order.</summary>
    public async Task QueueForOrderAsync(
        PortalDbContext db, Organization organization, Product product, IReadOnlyList<License> licenses, DateOnly? supportEndsOn,
        Guid orderId, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(organization);
        var recipients = await RecipientsAsync(db, organization.Id, organization.BillingEmail, requestedByEmail: null, cancellationToken);
        var email = Compose(organization, product, licenses, supportEndsOn, recipients)
            with { DeduplicationKey = $"registration:{orderId:N}" };
        outbox.EnqueueInParts(db, email);
        audit.Record(db, actor, "registration.queued", nameof(Organization), organization.Id, organization.Id,
            $"Registration email for {"license".ToQuantity(licenses.Count)} sent to {Addressees(recipients)}.");
    }

    /// <summary>
    /// Sends the registration information for the organization's active licenses again (R11) to its Technical members,
    /// its billing email and <paramref name="requestedByEmail"/>, when given. A Technical member may ask for their own
    /// organization; Support and admins for any organization.
    /// </summary>
    public async Task<int> ResendAsync(
        PortalDbContext db, Guid organizationId, string? requestedByEmail, Actor actor, CancellationToken cancellationToken = default)
    {
        var organization = await db.Organizations.SingleOrDefaultAsync(o => o.Id == organizationId, cancellationToken)
            ?? throw new DomainException("That organization does not exist.");
        var isMember = actor.Member?.OrganizationId == organizationId;
        if (isMember)
            actor.Require(organizationId, "have the registration email sent again", MemberRoles.Technical);
        else
            actor.Require("re-send registration emails", Roles.Support);
        var licenses = await db.Licenses.AsNoTracking()
            .Where(l => l.OrganizationId == organizationId && l.Status == LicenseStatus.Active)
            .OrderBy(l => l.IssuedAt)
            .ToListAsync(cancellationToken);
        if (licenses.Count == 0)
            throw new DomainException(isMember
                ? "Your organization has no active licenses to send."
                : $"{organization.Name} has no active licenses, so there is no registration email to send.");
        var supportEndsOn = await LicensingService.SupportEndsOnAsync(db, organizationId, cancellationToken);

        var sent = 0;
        var recipients = await RecipientsAsync(db, organizationId, organization.BillingEmail, requestedByEmail, cancellationToken);
        foreach (var group in licenses.GroupBy(l => l.ProductId))
        {
            var product = await db.Products.AsNoTracking().SingleAsync(p => p.Id == group.Key, cancellationToken);
            outbox.EnqueueInParts(db, Compose(organization, product, group.ToList(), supportEndsOn, recipients));
            sent++;
        }
        audit.Record(db, actor, "registration.resent", nameof(Organization), organization.Id, organization.Id,
            $"Registration email for {licenses.Count} active {"license".ToQuantity(licenses.Count, ShowQuantityAs.None)} sent again to {Addressees(recipients)}.");
        await db.SaveChangesAsync(cancellationToken);
        return sent;
    }

    public static OutboxEmail Compose(
        Organization organization, Product product, IReadOnlyList<License> licenses, DateOnly? supportEndsOn, IEnumerable<string> recipients)
    {
        if (licenses.Count == 0)
            throw new ArgumentException("A registration email lists at least one license.", nameof(licenses));
        var keys = licenses.Select(l => l.AvailableKey
            ?? throw new ArgumentException($"License {l.Id} has no key to send: it is revoked or not signed.", nameof(licenses))).ToList();
        var to = OutboxEmail.Recipients(recipients);
        var claims = licenses.Select(l => new LicenseKeyClaims(l.Id, product.Code, product.Name, organization.Name, l.Major, l.Seats,
            LicenseKind.Perpetual, l.IssuedAt, supportEndsOn, ExpiresAt: null)).ToList();
        var majors = string.Join(", ", licenses.Select(l => l.Major).Distinct().Order());
        var support = supportEndsOn is { } end ? end.ToString("d MMMM yyyy", CultureInfo.InvariantCulture) : "not included";

        var text = new StringBuilder()
            .AppendLine($"Thank you for licensing {product.Name}. Keep this email: it holds your registration.")
            .AppendLine()
            .AppendLine($"Licensee: {organization.Name}")
            .AppendLine($"Product: {product.Name} {majors}")
            .AppendLine($"Free technical support until: {support}")
            .AppendLine();
        var html = new StringBuilder()
            .Append($"<p>Thank you for licensing {Encode(product.Name)}. Keep this email: it holds your registration.</p>")
            .Append("<table>")
            .Append($"<tr><th align=\"left\">Licensee</th><td>{Encode(organization.Name)}</td></tr>")
            .Append($"<tr><th align=\"left\">Product</th><td>{Encode(product.Name)} {majors}</td></tr>")
            .Append($"<tr><th align=\"left\">Support until</th><td>{support}</td></tr>")
            .Append("</table>");

        foreach (var (license, key) in licenses.Zip(keys))
        {
            var line = $"{product.Name} {license.Major}, {"user".ToQuantity(license.Seats)} (license {license.Id})";
            text.AppendLine(line).AppendLine($"Key: {key}").AppendLine();
            html.Append($"<h3>{Encode(line)}</h3><pre style=\"white-space: pre-wrap; word-break: break-all\">{Encode(key)}</pre>");
        }
        text.AppendLine("The license files are attached. Install a license in OfficeStatus by importing its .lic file or pasting its key.")
            .AppendLine().AppendLine("Key Metric Software");
        html.Append("<p>The license files are attached. Install a license in OfficeStatus by importing its .lic file or pasting its key.</p>")
            .Append("<p>Key Metric Software</p>");

        return new OutboxEmail(to, $"Your {product.Name} {majors} registration – {organization.Name}", html.ToString(), text.ToString())
        {
            Attachments = claims.Select((c, i) => new OutboxEmailAttachment(
                LicenseFile.FileName(c), LicenseFile.MediaType, Encoding.UTF8.GetBytes(LicenseFile.Format(c, keys[i])))).ToList(),
        };
    }

    /// <summary>
    /// The addresses as history names them: listed while they are few, else counted, so that a large team keeps the
    /// entry within its length.
    /// </summary>
    public static string Addressees(IReadOnlyList<string> to)
    {
        ArgumentNullException.ThrowIfNull(to);
        var listed = string.Join(", ", to);
        return listed.Length <= MaxListedLength ? listed : $"{to.Count} addresses, the Technical members and the billing email";
    }

    private static string Encode(string value) => WebUtility.HtmlEncode(value);
}
