using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Portal.Domain.Data;
using Portal.Domain.Keys;

namespace Portal.Keys;

/// <summary>License keys (docs/rules.md#license-keys): the signing key, the signer and the public JWKS.</summary>
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
        // Resolving the store at start reads and checks the configured key, or refuses to start without one; outside
        // Development the check also refuses a key that Development created in the database.
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

    /// <summary>Why Portal refuses to start outside Development with a key that Development created.</summary>
    public static string DevelopmentKeyMessage(string configuredKeyId, string databaseKeyId) =>
        $"The configured license signing key ({LicenseKeyOptions.SectionName}:{nameof(LicenseKeyOptions.KeyId)} '{configuredKeyId}') is the key " +
        $"'{databaseKeyId}' that Portal created in Development and keeps in the database, where the Data Protection keys that decrypt " +
        "it are kept too: anyone with a copy of the database can sign license keys with it. Outside Development Portal does not " +
        "sign with it. Create a new key (see README, License keys), configure it with a new key id, and never let its private key into a database.";

    private sealed class SigningKeyCheck(
        SigningKeyStore keys, IDbContextFactory<PortalDbContext> dbFactory, IHostEnvironment environment, ILogger<SigningKeyCheck> logger) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            if (keys.KeysInDatabase)
            {
                logger.LogWarning("No license signing key is configured: Development signs with a key kept in the database");
                return;
            }
            if (!environment.IsDevelopment())
            {
                // Runs after the migrations (hosted services start after PreparePortalDatabaseAsync).
                await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
                if (await SigningKeyStore.DatabaseKeyIdOfAsync(db, keys.Current, cancellationToken) is { } developmentKey)
                    throw new InvalidOperationException(DevelopmentKeyMessage(keys.Current.KeyId, developmentKey));
            }
            logger.LogInformation("License keys are signed with the configured key {KeyId}", keys.Current.KeyId);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
