using MudBlazor.Services;
using Portal.Security;

namespace Portal.Components;

public static class UiHosting
{
    public static WebApplicationBuilder AddPortalUi(this WebApplicationBuilder builder)
    {
        // Circuit exceptions are sent to the browser in Development only, whatever the DetailedErrors setting says.
        builder.Services.AddRazorComponents().AddInteractiveServerComponents(options => options.DetailedErrors = builder.Environment.IsDevelopment());
        builder.Services.AddMudServices();
        builder.Services.AddSingleton<Layout.ThemeStylesheets>();
        builder.AddPortalWebSecurity();
        return builder;
    }

    public static WebApplication UsePortalPipeline(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
            app.UseHsts();
            app.UseHttpsRedirection();
        }

        app.UsePortalWebSecurity();
        // Explicitly here, not where WebApplication would add them (before everything above): a sign-in redirect and an
        // access-denied answer get the security headers too, and an error in them gets the error page.
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseAntiforgery();
        return app;
    }

    public static WebApplication MapPortalUi(this WebApplication app)
    {
        app.MapStaticAssets();
        // Blazor sends its own frame-ancestors policy with interactive pages: the same as the portal's (WebSecurity).
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode(options => options.ContentSecurityFrameAncestorsPolicy = "'none'");
        app.MapAdditionalIdentityEndpoints();
        return app;
    }
}
