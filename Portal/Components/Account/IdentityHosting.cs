using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Portal.Domain.Accounts;
using Portal.Domain.Data;

namespace Portal.Components.Account;

public static class IdentityHosting
{
    /// <summary>
    /// How often a sign-in is checked against the account (security stamp, disabled, roles), in cookies and in open
    /// Blazor circuits: a disabled or changed account loses its access within this time.
    /// </summary>
    public const string SecurityRevalidationIntervalSetting = "Portal:SecurityRevalidationInterval";

    public static WebApplicationBuilder AddPortalIdentity(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddCascadingAuthenticationState();
        services.AddScoped<IdentityRedirectManager>();
        services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();
        services.AddScoped<SignInChanges>();

        // No external sign-in providers: only Identity's own cookies (application, two-factor).
        services.AddAuthentication(options => options.DefaultScheme = IdentityConstants.ApplicationScheme)
            .AddIdentityCookies();
        services.ConfigureApplicationCookie(cookie =>
        {
            cookie.LoginPath = "/Account/Login";
            cookie.AccessDeniedPath = "/Account/AccessDenied";
            cookie.Cookie.Name = "portal.auth";
        });
        var revalidationInterval = RevalidationInterval(builder.Configuration);
        services.Configure<SecurityStampValidatorOptions>(options => options.ValidationInterval = revalidationInterval);
        services.AddAuthorization(Policies.Configure);
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, StaffTwoFactorSetupRedirect>();

        services.AddIdentityCore<PortalUser>(options =>
            {
                IdentitySchema.Configure(options);
                options.SignIn.RequireConfirmedAccount = true;
                options.User.RequireUniqueEmail = true;
                // Length, and CommonPasswordValidator; no rules about the kinds of characters.
                options.Password.RequiredLength = PasswordRules.MinimumLength;
                options.Password.RequireDigit = false;
                options.Password.RequireLowercase = false;
                options.Password.RequireUppercase = false;
                options.Password.RequireNonAlphanumeric = false;
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<PortalDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders()
            .AddPasswordValidator<CommonPasswordValidator>()
            .AddClaimsPrincipalFactory<PortalClaimsPrincipalFactory>();

        services.AddScoped<CustomerRegistration>();
        return builder;
    }

    private static TimeSpan RevalidationInterval(IConfiguration configuration)
    {
        var interval = configuration.GetValue(SecurityRevalidationIntervalSetting, TimeSpan.FromMinutes(1));
        return interval > TimeSpan.Zero
            ? interval
            : throw new InvalidOperationException($"{SecurityRevalidationIntervalSetting} must be longer than zero (hh:mm:ss); it is {interval}.");
    }
}
