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

    private static string CountryName(string code) => Countries.Find(code)?.Name ?? code;
}
