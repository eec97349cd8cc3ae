using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Portal.Domain.Accounts;
using Portal.Domain.Data;

namespace Portal.Components.Account;

public static class IdentityHosting
{
    public static WebApplicationBuilder AddPortalIdentity(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddCascadingAuthenticationState();
        services.AddScoped<IdentityRedirectManager>();
        services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();

        // No external sign-in providers: only Identity's own cookies (application, two-factor).
        services.AddAuthentication(options => options.DefaultScheme = IdentityConstants.ApplicationScheme)
            .AddIdentityCookies();
        services.ConfigureApplicationCookie(cookie =>
        {
            cookie.LoginPath = "/Account/Login";
            cookie.AccessDeniedPath = "/Account/AccessDenied";
            cookie.Cookie.Name = "portal.auth";
        });
        services.AddAuthorization(Policies.Configure);

        services.AddIdentityCore<PortalUser>(options =>
            {
                IdentitySchema.Configure(options);
                options.SignIn.RequireConfirmedAccount = true;
                options.User.RequireUniqueEmail = true;
                options.Password.RequiredLength = 10;
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<PortalDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders()
            .AddClaimsPrincipalFactory<PortalClaimsPrincipalFactory>();

        services.AddScoped<CustomerRegistration>();
        services.AddSingleton<StaffAccounts>();
        services.AddAccountRateLimiting(builder.Configuration);
        return builder;
    }
}
