using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Portal.Domain;
using Portal.Domain.Accounts;
using Portal.Domain.Catalog;
using Portal.Domain.Data;

namespace Portal.Data;

public static class DataHosting
{
    public static WebApplicationBuilder AddPortalData(this WebApplicationBuilder builder)
    {
        var dataFolder = PortalDataFolder.From(builder.Configuration, builder.Environment);
        var settings = builder.Configuration.GetSection(DatabaseSettings.SectionName).Get<DatabaseSettings>() ?? new DatabaseSettings();

        builder.Services.AddSingleton(dataFolder);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddPortalDatabase(settings, dataFolder.Path);
        builder.Services.AddHealthChecks().AddDbContextCheck<PortalDbContext>("database");

        // Keys in the database: every instance behind a load balancer decrypts the same cookies.
        builder.Services.AddDataProtection()
            .SetApplicationName("KeyMetric.Portal")
            .PersistKeysToDbContext<PortalDbContext>();
        return builder;
    }

    /// <summary>
    /// Brings the schema up to date; in Development adds the demo data; everywhere gives an empty catalog the vendor's
    /// product (after the demo data, which builds its own history of OfficeStatus from 5.4).
    /// </summary>
    public static async Task PreparePortalDatabaseAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<PortalDbContext>();
        await db.Database.UpgradeAsync();

        if (app.Environment.IsDevelopment())
        {
            var seeded = await DevelopmentData.SeedAsync(services);
            if (seeded)
                app.Logger.LogInformation("Development demo data added; the README lists the demo sign-ins");
        }
        await EnsureFirstAdminAsync(app, services);
        if (await CatalogSeed.EnsureAsync(db))
            app.Logger.LogInformation("The catalog was empty: OfficeStatus 6.1 and its seat packs were added; admins keep it on /admin/catalog");
    }

    /// <summary>The setting that names the first admin of a new portal.</summary>
    public const string InitialAdminEmailKey = "Portal:InitialAdminEmail";

    private static async Task EnsureFirstAdminAsync(WebApplication app, IServiceProvider services)
    {
        if (app.Configuration[InitialAdminEmailKey] is not { Length: > 0 } email)
            return;
        var staff = services.GetRequiredService<StaffAccounts>();
        try
        {
            if (await staff.EnsureFirstAdminAsync(email) is { } created)
                app.Logger.LogWarning("The first admin account, {Email}, was created: open /Account/ForgotPassword to choose its password", created.Email);
        }
        catch (Exception refused) when (refused is DomainException or DbUpdateException)
        {
            // Another instance starting on the same new database may have made the account a moment ago.
            if ((await services.GetRequiredService<UserManager<PortalUser>>().GetUsersInRoleAsync(Roles.Admin)).Count > 0)
                app.Logger.LogInformation("Another instance created the first admin account at the same time");
            else
                app.Logger.LogError("{Setting} names {Email}, but no admin account could be made: {Reason}", InitialAdminEmailKey, email, refused.Message);
        }
    }
}
