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
/// the support end date — sent to the purchaser and the organization's billing contact through the outbox.
/// </summary>
public sealed class RegistrationEmail(EmailOutbox outbox, AuditLog audit)
{
    /// <summary>Queues the email for a fulfilled order inside the caller's unit of work, once per order.</summary>
    public OutboxMessage QueueForOrder(
        PortalDbContext db, Organization organization, Product product, IReadOnlyList<License> licenses, DateOnly? supportEndsOn,
        string purchaserEmail, Guid orderId, Actor actor)
    {
        var email = Compose(organization, product, licenses, supportEndsOn, [purchaserEmail, organization.BillingEmail])
            with { DeduplicationKey = $"registration:{orderId:N}" };
        var message = outbox.Enqueue(db, email);
        audit.Record(db, actor, "registration.queued", nameof(Organization), organization.Id, organization.Id,
            $"Registration email for {"license".ToQuantity(licenses.Count)} sent to {string.Join(", ", email.To)}.");
        return message;
    }

    /// <summary>
    /// Sends the registration information for the organization's active licenses again (R11) to the billing contact and
    /// <paramref name="requestedByEmail"/>, when given. A member may ask for their own organization; Support and admins
    /// for any organization.
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
        string[] recipients = requestedByEmail is null ? [organization.BillingEmail] : [requestedByEmail, organization.BillingEmail];
        IReadOnlyList<string> to = [];
        foreach (var group in licenses.GroupBy(l => l.ProductId))
        {
            var product = await db.Products.AsNoTracking().SingleAsync(p => p.Id == group.Key, cancellationToken);
            var email = Compose(organization, product, group.ToList(), supportEndsOn, recipients);
            outbox.Enqueue(db, email);
            to = email.To;
            sent++;
        }
        audit.Record(db, actor, "registration.resent", nameof(Organization), organization.Id, organization.Id,
            $"Registration email for {licenses.Count} active {"license".ToQuantity(licenses.Count, ShowQuantityAs.None)} sent again to {string.Join(", ", to)}.");
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

    private static string Encode(string value) => WebUtility.HtmlEncode(value);
}
