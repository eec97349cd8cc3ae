using Microsoft.AspNetCore.CookiePolicy;
using Portal.Components.Layout;
using Portal.Payments;

namespace Portal.Security;

/// <summary>
/// What every response tells the browser (docs/security.md, "Headers and transport"): a Content-Security-Policy that
/// Blazor Server and MudBlazor work under, no sniffing, no framing, a referrer policy, and cookie rules (Secure outside
/// Development, HttpOnly, SameSite). HSTS and HTTPS redirection are in <c>UsePortalPipeline</c>, outside Development.
/// </summary>
public static class WebSecurity
{
    /// <summary>Browsers remember "HTTPS only" for this long once they have seen the header.</summary>
    public static readonly TimeSpan HstsMaxAge = TimeSpan.FromDays(365);

    /// <summary>
    /// The policy of downloads of files that customers uploaded: the same headers, but a CSP that sandboxes the response and
    /// allows it nothing, so that a crafted file opened in the browser cannot run in the portal's origin.
    /// </summary>
    public const string SandboxedDownloadPolicy = "sandboxed-download";

    public static WebApplicationBuilder AddPortalWebSecurity(this WebApplicationBuilder builder)
    {
        var stripe = builder.Configuration.GetSection(StripeSettings.SectionName).Get<StripeSettings>() ?? new StripeSettings();
        builder.Services.AddSecurityHeaderPolicies()
            .SetDefaultPolicy(policy => Headers(policy, PageContentSecurityPolicy(stripe.CheckoutOrigin())))
            .AddPolicy(SandboxedDownloadPolicy, policy => Headers(policy, csp =>
            {
                csp.AddSandbox();
                csp.AddDefaultSrc().None();
            }));
        builder.Services.AddHsts(options => options.MaxAge = HstsMaxAge);
        builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();

        var development = builder.Environment.IsDevelopment();
        builder.Services.Configure<CookiePolicyOptions>(options =>
        {
            options.MinimumSameSitePolicy = SameSiteMode.Lax;
            // Development runs on plain http://localhost, where a browser drops Secure cookies set over http.
            options.Secure = development ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
            // The theme cookie is the one cookie that script writes (brand/js/shell.js remembers the dark-mode switch of the
            // app bar); it holds "dark" or "light" and nothing else. Every other cookie is out of script's reach.
            options.HttpOnly = HttpOnlyPolicy.None;
            options.OnAppendCookie = cookie => cookie.CookieOptions.HttpOnly = cookie.CookieName != ThemePreference.CookieName;
        });
        return builder;
    }

    /// <summary>Adds the headers and cookie rules; call after the exception handler, so that error pages get them too.</summary>
    public static WebApplication UsePortalWebSecurity(this WebApplication app)
    {
        app.UseSecurityHeaders();
        app.UseCookiePolicy();
        return app;
    }

    private static void Headers(HeaderPolicyCollection policy, Action<CspBuilder> contentSecurityPolicy) =>
        policy
            .AddContentSecurityPolicy(contentSecurityPolicy)
            .AddFrameOptionsDeny()
            .AddContentTypeOptionsNoSniff()
            .AddReferrerPolicyStrictOriginWhenCrossOrigin();

    private static Action<CspBuilder> PageContentSecurityPolicy(string checkoutOrigin) =>
        csp =>
        {
            csp.AddDefaultSrc().Self();
            // App.razor's one inline script is the import map; it carries this request's nonce. Blazor Server needs no eval.
            csp.AddScriptSrc().Self().WithNonce();
            // MudBlazor sets style attributes on its components and writes its theme as a <style> element at run time, so
            // inline styles cannot be listed by hash; styles cannot run script.
            csp.AddStyleSrc().Self().UnsafeInline();
            csp.AddImgSrc().Self().Data();
            // The Blazor circuit's WebSocket is same-origin: 'self' covers ws: and wss: to this host.
            csp.AddConnectSrc().Self();
            csp.AddObjectSrc().None();
            csp.AddBaseUri().Self();
            csp.AddFrameAncestors().None();
            // POST /checkout/{id} answers 303 to Stripe's hosted checkout; Chromium applies form-action to that redirect.
            csp.AddFormAction().Self().From(checkoutOrigin);
        };
}
