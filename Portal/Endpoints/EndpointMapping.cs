using Microsoft.AspNetCore.Mvc;
using Portal.Components.Layout;

namespace Portal.Endpoints;

public static class EndpointMapping
{
    public static WebApplication MapPortalEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/healthz").AllowAnonymous();

        // The theme switch in the app bar is a form that posts here when script does not switch the theme in place.
        app.MapPost("/preferences/theme", (HttpContext context, [FromForm] string mode, [FromForm] string? returnUrl) =>
        {
            ThemePreference.Write(context.Response, mode == ThemePreference.Dark);
            return TypedResults.LocalRedirect(LocalOrRoot(returnUrl));
        });

        // MudBlazor's theme for each mode (ThemeStylesheets); the version in the query changes with the theme.
        app.MapGet("/theme/{mode}.css", async (string mode, HttpContext context, ThemeStylesheets stylesheets) =>
        {
            if (mode is not (ThemePreference.Light or ThemePreference.Dark))
                return Results.NotFound();
            var sheets = await stylesheets.GetAsync();
            context.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
            return Results.Text(mode == ThemePreference.Dark ? sheets.Dark : sheets.Light, "text/css; charset=utf-8");
        }).AllowAnonymous();

        app.MapQuoteDownloads();
        app.MapUsageApi();
        return app;
    }

    private static string LocalOrRoot(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//") && !returnUrl.StartsWith("/\\")
            ? returnUrl
            : "/";
}
