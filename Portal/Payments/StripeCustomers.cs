using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.Domain.Data;
using Portal.Domain.Organizations;
using Stripe;
using TaxId = Portal.Domain.Organizations.TaxId;

namespace Portal.Payments;

/// <summary>
/// The Stripe customer of an organization, for its checkouts and invoices alike, kept in step with the organization:
/// its name, billing email, billing address and tax ID are what Stripe prints on invoices and receipts (an invoice takes
/// the customer's tax IDs when it is finalized), and what Checkout shows the customer to confirm.
/// </summary>
public static class StripeCustomers
{
    /// <summary>
    /// The organization's Stripe customer, created once (concurrent first payments send the same idempotency key, so
    /// Stripe answers them with the same customer), and brought in step with the organization when it is not.
    /// </summary>
    public static async Task<string> EnsureAsync(
        StripeApi stripe, IDbContextFactory<PortalDbContext> dbFactory, Guid organizationId, ILogger logger, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var organization = await db.Organizations.SingleAsync(o => o.Id == organizationId, cancellationToken);
        if (organization.StripeCustomerId is { } existing)
        {
            await KeepInStepAsync(stripe, await stripe.GetCustomerAsync(existing, cancellationToken), organization, logger, cancellationToken);
            return existing;
        }

        // Created with the details that never make a retry's parameters differ from the first attempt's (Stripe refuses a
        // reused idempotency key with other parameters); the address and tax ID follow.
        var customer = await stripe.CreateCustomerAsync(new CustomerCreateOptions
        {
            Name = organization.Name,
            Email = organization.BillingEmail,
            Metadata = new Dictionary<string, string> { ["organization_id"] = organization.Id.ToString() },
        }, $"portal-customer-{organization.Id:N}", cancellationToken);
        organization.UseStripeCustomer(customer.Id);
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Stripe customer {CustomerId} created for organization {OrganizationId}", customer.Id, organization.Id);
        await KeepInStepAsync(stripe, customer, organization, logger, cancellationToken);
        return customer.Id;
    }

    private static async Task KeepInStepAsync(StripeApi stripe, Customer customer, Organization organization, ILogger logger, CancellationToken cancellationToken)
    {
        var update = new CustomerUpdateOptions();
        var changed = false;
        if (customer.Name != organization.Name)
        {
            update.Name = organization.Name;
            changed = true;
        }
        if (customer.Email != organization.BillingEmail)
        {
            update.Email = organization.BillingEmail;
            changed = true;
        }
        // An organization without an address leaves the customer's alone: Checkout asks for one anyway.
        if (!organization.BillingAddress.IsEmpty && !SameAddress(customer.Address, organization.BillingAddress, organization.CountryCode))
        {
            update.Address = ToStripe(organization.BillingAddress, organization.CountryCode);
            changed = true;
        }
        if (changed)
        {
            await stripe.UpdateCustomerAsync(customer.Id, update, cancellationToken);
            logger.LogInformation("Stripe customer {CustomerId} brought in step with organization {OrganizationId} (name, email, address)",
                customer.Id, organization.Id);
        }
        await KeepTaxIdInStepAsync(stripe, customer, organization, logger, cancellationToken);
    }

    /// <summary>
    /// The customer carries the organization's tax ID and no other of the kinds Portal knows; a kind Portal cannot show
    /// or edit (one Checkout collected, say) is left alone.
    /// </summary>
    private static async Task KeepTaxIdInStepAsync(StripeApi stripe, Customer customer, Organization organization, ILogger logger, CancellationToken cancellationToken)
    {
        var wanted = organization.TaxId;
        var current = customer.TaxIds?.Data ?? [];
        foreach (var stale in current.Where(t => TaxId.Types.Any(k => k.Code == t.Type) && !Matches(t, wanted)))
        {
            try
            {
                await stripe.DeleteCustomerTaxIdAsync(customer.Id, stale.Id, cancellationToken);
            }
            catch (StripeException gone) when (gone.HttpStatusCode == HttpStatusCode.NotFound)
            {
                // A concurrent payment of the organization removed it first.
            }
        }
        if (wanted is null || current.Any(t => Matches(t, wanted)))
            return;
        try
        {
            await stripe.CreateCustomerTaxIdAsync(customer.Id, new CustomerTaxIdCreateOptions { Type = wanted.Type, Value = wanted.Value },
                TaxIdKey(organization.Id, wanted, current), cancellationToken);
        }
        catch (StripeException refused) when (refused.HttpStatusCode == HttpStatusCode.BadRequest)
        {
            // Portal checks a tax ID's shape only loosely; Stripe checks it against the kind's format. The payment goes
            // ahead without it rather than not at all, and staff see why.
            logger.LogWarning(refused, "Stripe refused the tax ID {TaxId} of organization {OrganizationId}; its invoices and receipts go without it: {Reason}",
                wanted, organization.Id, refused.Message);
        }
    }

    private static bool Matches(Stripe.TaxId stripeTaxId, TaxId? taxId) =>
        taxId is not null && stripeTaxId.Type == taxId.Type && Normalized(stripeTaxId.Value) == Normalized(taxId.Value);

    /// <summary>Stripe may store a tax ID without the spaces and dots people type.</summary>
    private static string Normalized(string? value) =>
        string.Concat((value ?? "").Where(char.IsLetterOrDigit)).ToUpperInvariant();

    /// <summary>
    /// One tax ID is added once, even by concurrent payments; after the customer's tax IDs change, adding it again is
    /// a new request (an idempotency key lives a day).
    /// </summary>
    private static string TaxIdKey(Guid organizationId, TaxId taxId, IEnumerable<Stripe.TaxId> current)
    {
        var state = $"{taxId.Type}|{Normalized(taxId.Value)}|{string.Join(",", current.Select(t => t.Id).Order(StringComparer.Ordinal))}";
        return $"portal-customer-{organizationId:N}-tax-id-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(state)))[..16]}";
    }

    private static bool SameAddress(Address? stripe, PostalAddress address, string countryCode) =>
        stripe is not null
        && (stripe.Line1 ?? "") == address.Line1
        && (stripe.Line2 ?? "") == address.Line2
        && (stripe.PostalCode ?? "") == address.PostalCode
        && (stripe.City ?? "") == address.City
        && (stripe.State ?? "") == address.Region
        && string.Equals(stripe.Country, countryCode, StringComparison.OrdinalIgnoreCase);

    private static AddressOptions ToStripe(PostalAddress address, string countryCode) => new()
    {
        Line1 = address.Line1,
        Line2 = address.Line2,
        PostalCode = address.PostalCode,
        City = address.City,
        State = address.Region,
        Country = countryCode,
    };
}
