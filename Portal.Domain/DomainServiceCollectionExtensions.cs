using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Accounts;
using Portal.Domain.Catalog;
using Portal.Domain.Discounts;
using Portal.Domain.Evaluations;
using Portal.Domain.History;
using Portal.Domain.Keys;
using Portal.Domain.Licensing;
using Portal.Domain.Members;
using Portal.Domain.Ordering;
using Portal.Domain.Organizations;
using Portal.Domain.Outbox;
using Portal.Domain.Pricing;
using Portal.Domain.Quotes;
using Portal.Domain.Usage;

namespace Portal.Domain;

public static class DomainServiceCollectionExtensions
{
    /// <summary>
    /// Registers the domain services, once for the portal, the tests, the benchmarks and the load harness. The host
    /// provides what differs between them: the database (<see cref="Data.DatabaseServiceCollectionExtensions.AddPortalDatabase"/>),
    /// a <see cref="TimeProvider"/>, the <see cref="ILicenseKeySigner"/> and <see cref="SigningKeyStore"/>, the
    /// <see cref="OutboxSettings"/>, and Identity for <see cref="StaffAccounts"/>.
    /// </summary>
    public static IServiceCollection AddPortalDomain(this IServiceCollection services)
    {
        services.AddSingleton<AuditLog>();
        services.AddSingleton<CatalogService>();
        services.AddSingleton<OrganizationService>();
        services.AddSingleton<MembershipService>();
        services.AddSingleton<LicensingService>();
        services.AddSingleton<KeyDownloads>();
        services.AddSingleton<LicenseImport>();
        services.AddSingleton<LicenseKeyJwks>();
        services.AddSingleton<EvaluationService>();
        services.AddSingleton<DiscountService>();
        services.AddSingleton<PricingService>();
        services.AddSingleton<OrderService>();
        services.AddSingleton<FulfilmentService>();
        services.AddSingleton<PaymentEventService>();
        services.AddSingleton<RegistrationEmail>();
        services.AddSingleton<ReceiptEmail>();
        services.AddSingleton<InvoiceEmail>();
        services.AddSingleton<QuotePdf>();
        services.AddSingleton<QuoteEmail>();
        services.AddSingleton<QuoteService>();
        services.AddSingleton<UsageService>();
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<EmailOutbox>();
        services.AddSingleton<OutboxQueue>();
        services.AddSingleton<StaffAccounts>();
        return services;
    }
}
