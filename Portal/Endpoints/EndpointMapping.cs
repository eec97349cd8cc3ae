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
        return app;
    }

    private static string LocalOrRoot(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//") && !returnUrl.StartsWith("/\\")
            ? returnUrl
            : "/";
}
