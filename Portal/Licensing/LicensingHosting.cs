using Portal.Domain.Catalog;
using Portal.Domain.Discounts;
using Portal.Domain.Evaluations;
using Portal.Domain.History;
using Portal.Domain.Licensing;
using Portal.Domain.Pricing;

namespace Portal.Licensing;

public static class LicensingHosting
{
    /// <summary>
    /// The licensing domain: catalog, history, licenses, evaluations, discounts and pricing. Evaluation terms and
    /// discount defaults are catalog data an admin keeps in the database, not settings.
    /// </summary>
    public static WebApplicationBuilder AddPortalLicensing(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<AuditLog>();
        builder.Services.AddSingleton<CatalogService>();
        builder.Services.AddSingleton<LicensingService>();
        builder.Services.AddSingleton<LicenseImport>();
        builder.Services.AddSingleton<EvaluationService>();
        builder.Services.AddSingleton<DiscountService>();
        builder.Services.AddSingleton<Portal.Domain.Organizations.OrganizationService>();
        builder.Services.AddSingleton<PricingService>();
        builder.Services.AddSingleton<RegistrationEmail>();
        return builder;
    }
}
