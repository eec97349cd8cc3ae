using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Portal.Domain.Data;
using Portal.Domain.Keys;

namespace Portal.Keys;

/// <summary>License keys (DESIGN section 4): the signing key, the signer and the public JWKS.</summary>
public static class KeysHosting
{
    public const string JwksPath = "/.well-known/jwks.json";

    /// <summary>Browsers, proxies and products may cache the JWKS this long; a rotation shows within it.</summary>
    public static readonly TimeSpan JwksCacheDuration = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Binds <c>LicenseKeys</c> and registers the key store, signer and JWKS. A configured key is used in every environment;
    /// without one, Development keeps a generated key in the database and any other environment refuses to start.
    /// Call after <c>AddPortalData</c> (database, Data Protection and the clock).
    /// </summary>
    public static WebApplicationBuilder AddPortalKeys(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<LicenseKeyOptions>(builder.Configuration.GetSection(LicenseKeyOptions.SectionName));
        builder.Services.AddSingleton(provider => provider.GetRequiredService<IOptions<LicenseKeyOptions>>().Value);
        builder.Services.AddSingleton(provider => CreateStore(provider, builder.Environment));
        builder.Services.AddSingleton<ILicenseKeySigner, LicenseKeySigner>();
        builder.Services.AddSingleton<LicenseKeyJwks>();
        // Resolving the store at start reads and checks the configured key, or refuses to start without one.
        builder.Services.AddHostedService<SigningKeyCheck>();
        builder.Services.AddHostedService<SigningKeyRefresh>();
        return builder;
    }

    /// <summary>Maps the anonymous <c>GET /.well-known/jwks.json</c>.</summary>
    public static WebApplication MapLicenseKeyEndpoints(this WebApplication app)
    {
        app.MapGet(JwksPath, async (LicenseKeyJwks jwks, HttpContext context, CancellationToken cancellationToken) =>
            {
                var json = await jwks.GetJsonAsync(cancellationToken);
                context.Response.Headers.CacheControl = new CacheControlHeaderValue
                {
                    Public = true,
                    MaxAge = JwksCacheDuration,
                }.ToString();
                return TypedResults.Text(json, "application/json");
            })
            .AllowAnonymous()
            .WithName("Jwks");
        return app;
    }

    private static SigningKeyStore CreateStore(IServiceProvider provider, IHostEnvironment environment)
    {
        var configured = ConfiguredSigningKeys.Load(provider.GetRequiredService<LicenseKeyOptions>(), environment.ContentRootPath);
        if (configured.Active is not null)
            return SigningKeyStore.FromConfiguration(configured);
        if (!environment.IsDevelopment())
            throw new InvalidOperationException(ConfiguredSigningKeys.MissingKeyMessage);
        return SigningKeyStore.InDatabase(
            provider.GetRequiredService<IDbContextFactory<PortalDbContext>>(),
            provider.GetRequiredService<IDataProtectionProvider>(),
            provider.GetRequiredService<TimeProvider>(),
            configured);
    }

    private sealed class SigningKeyCheck(SigningKeyStore keys, ILogger<SigningKeyCheck> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (keys.KeysInDatabase)
                logger.LogWarning("No license signing key is configured: Development signs with a key kept in the database");
            else
                logger.LogInformation("License keys are signed with the configured key {KeyId}", keys.Current.KeyId);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
