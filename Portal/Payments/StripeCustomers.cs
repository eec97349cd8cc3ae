using Microsoft.EntityFrameworkCore;
using Portal.Domain.Data;
using Stripe;

namespace Portal.Payments;

/// <summary>The Stripe customer of an organization, for its checkouts and invoices alike.</summary>
public static class StripeCustomers
{
    /// <summary>
    /// The organization's Stripe customer, created once: concurrent first payments send the same idempotency key, so
    /// Stripe answers them with the same customer.
    /// </summary>
    public static async Task<string> EnsureAsync(
        StripeApi stripe, IDbContextFactory<PortalDbContext> dbFactory, Guid organizationId, ILogger logger, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var organization = await db.Organizations.SingleAsync(o => o.Id == organizationId, cancellationToken);
        if (organization.StripeCustomerId is { } existing)
            return existing;

        var customer = await stripe.CreateCustomerAsync(new CustomerCreateOptions
        {
            Name = organization.Name,
            Email = organization.BillingEmail,
            Metadata = new Dictionary<string, string> { ["organization_id"] = organization.Id.ToString() },
        }, $"portal-customer-{organization.Id:N}", cancellationToken);
        organization.UseStripeCustomer(customer.Id);
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Stripe customer {CustomerId} created for organization {OrganizationId}", customer.Id, organization.Id);
        return customer.Id;
    }
}
