using Microsoft.EntityFrameworkCore;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.History;
using Portal.Domain.Members;

namespace Portal.Domain.Organizations;

/// <summary>An organization's members keep its profile (name, kind, country, billing email) up to date; every change is audited.</summary>
public sealed class OrganizationService(IDbContextFactory<PortalDbContext> dbFactory, AuditLog audit)
{
    /// <summary>
    /// Changes the profile with the rules of <see cref="Organization.Register"/>. Only an Owner or Billing member of the
    /// organization (or an admin) may. Returns false, and records nothing, when nothing changed.
    /// </summary>
    public async Task<bool> UpdateProfileAsync(
        Guid organizationId, string name, OrganizationKind kind, string countryCode, string billingEmail, Actor actor,
        CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var organization = await db.Organizations.SingleOrDefaultAsync(o => o.Id == organizationId, cancellationToken)
            ?? throw new DomainException("That organization does not exist.");
        if (!actor.IsAdmin)
            actor.Require(organizationId, "change the organization's profile", MemberRoles.Billing);

        var before = (organization.Name, organization.Kind, organization.CountryCode, organization.BillingEmail);
        organization.UpdateProfile(name, kind, countryCode, billingEmail);
        var changes = new List<string>();
        if (organization.Name != before.Name)
            changes.Add($"name from \"{before.Name}\" to \"{organization.Name}\"");
        if (organization.Kind != before.Kind)
            changes.Add($"kind from {before.Kind} to {organization.Kind}");
        if (organization.CountryCode != before.CountryCode)
            changes.Add($"country from {CountryName(before.CountryCode)} to {CountryName(organization.CountryCode)}");
        if (organization.BillingEmail != before.BillingEmail)
            changes.Add($"billing email from {before.BillingEmail} to {organization.BillingEmail}");
        if (changes.Count == 0)
            return false;

        audit.Record(db, actor, "organization.profile-updated", nameof(Organization), organization.Id, organization.Id,
            $"Organization profile changed: {string.Join("; ", changes)}.");
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// The billing address and tax ID printed on quotes and invoices, and whether accepting a quote needs a purchase-order
    /// number. Only an Owner or Billing member (or an admin) may. Returns false, and records nothing, when nothing changed.
    /// </summary>
    public async Task<bool> ChangeBillingDetailsAsync(
        Guid organizationId, PostalAddress address, TaxId? taxId, bool purchaseOrderRequired, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(address);
        if (!actor.IsAdmin)
            actor.Require(organizationId, "change the organization's billing details", MemberRoles.Billing);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var organization = await db.Organizations.SingleOrDefaultAsync(o => o.Id == organizationId, cancellationToken)
            ?? throw new DomainException("That organization does not exist.");
        var changes = new List<string>();
        if (address != organization.BillingAddress)
            changes.Add(address.IsEmpty ? "billing address removed" : $"billing address {address}");
        if (taxId != organization.TaxId)
            changes.Add(taxId is null ? "tax ID removed" : $"tax ID {taxId}");
        organization.ChangeBillingDetails(address, taxId);
        if (organization.RequirePurchaseOrders(purchaseOrderRequired))
            changes.Add(purchaseOrderRequired ? "purchase-order numbers required on quotes" : "purchase-order numbers optional on quotes");
        if (changes.Count == 0)
            return false;
        audit.Record(db, actor, "organization.billing-details-updated", nameof(Organization), organization.Id, organization.Id,
            $"Billing details changed: {string.Join("; ", changes)}.");
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    public const int MaxTrustReasonLength = 250;

    /// <summary>
    /// Sales: trust the organization with keys on invoice (its invoice orders are fulfilled when invoiced, not when paid),
    /// or stop. Audited with the reason, which only staff see. Returns false when it already was as asked.
    /// </summary>
    public async Task<bool> TrustWithKeysOnInvoiceAsync(
        Guid organizationId, bool trusted, string reason, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Require("decide which organizations get keys on invoice", Roles.Sales);
        var trimmed = reason?.Trim() ?? "";
        if (trimmed.Length == 0)
            throw new DomainException("Give the reason; it goes into the organization's history.");
        if (trimmed.Length > MaxTrustReasonLength)
            throw new DomainException($"Keep the reason to {MaxTrustReasonLength} characters: it goes into the organization's history.");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var organization = await db.Organizations.SingleOrDefaultAsync(o => o.Id == organizationId, cancellationToken)
            ?? throw new DomainException("That organization does not exist.");
        if (!organization.TrustWithKeysOnInvoice(trusted))
            return false;
        audit.Record(db, actor, trusted ? "organization.keys-on-invoice" : "organization.keys-on-payment", nameof(Organization),
            organization.Id, organization.Id,
            trusted ? "Licenses are now issued when an invoice is issued, before payment." : "Licenses are again issued when an invoice is paid.",
            details: trimmed, visibleToCustomer: false);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    private static string CountryName(string code) => Countries.Find(code)?.Name ?? code;
}
