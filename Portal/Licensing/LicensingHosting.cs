using Portal.Domain.Catalog;
using Portal.Domain.Discounts;
using Portal.Domain.Evaluations;
using Portal.Domain.History;
using Portal.Domain.Licensing;
using Portal.Domain.Pricing;

namespace Portal.Licensing;

public static class LicensingHosting
{
    /// <summary>The licensing domain: history, licenses, evaluations, discounts and pricing, with their settings.</summary>
    public static WebApplicationBuilder AddPortalLicensing(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<EvaluationOptions>()
            .Bind(builder.Configuration.GetSection(EvaluationOptions.SectionName))
            .Validate(o => o.EvaluationDays > 0 && o.MaxExtensionDays > 0 && o.MaxEvaluationDays >= o.EvaluationDays && o.Seats > 0,
                "Evaluations: EvaluationDays, MaxExtensionDays and Seats must be positive and MaxEvaluationDays at least EvaluationDays.")
            .ValidateOnStart();
        builder.Services.AddOptions<DiscountOptions>()
            .Bind(builder.Configuration.GetSection(DiscountOptions.SectionName))
            .Validate(o => new[] { o.NonprofitPercent, o.EducationalPercent, o.GovernmentalPercent, o.CrossGradePercent }.All(p => p is >= 1 and <= 100)
                    && o.DefaultValidityDays > 0,
                "Discounts: every default percent must be between 1 and 100 and DefaultValidityDays positive.")
            .ValidateOnStart();

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
