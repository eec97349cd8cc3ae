using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;

namespace Portal.Load;

/// <summary>
/// The real Portal in this process, served by Kestrel on a free loopback port, on a fresh temporary data folder (its own
/// SQLite database and mail pickup folder). Development, so demo data gives the customer the pages scenario signs in
/// as, but configured as a deployment is for what the harness drives: a Stripe webhook secret, and rate limits raised
/// because every request comes from one loopback address.
/// </summary>
public sealed class LoadApp : WebApplicationFactory<Program>
{
    /// <summary>Made for each run: the harness signs its own events, so no secret needs to live in the repository.</summary>
    public static string WebhookSecret { get; } = "whsec_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();

    public string DataFolder { get; } = Directory.CreateTempSubdirectory("portal-load-").FullName;

    public Uri BaseAddress { get; private set; } = default!;

    public static LoadApp Start()
    {
        var app = new LoadApp();
        app.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        app.StartServer();
        app.BaseAddress = app.ClientOptions.BaseAddress;
        return app;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Portal:DataFolder", DataFolder);
        builder.UseSetting("Stripe:SecretKey", "sk_test_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant());
        builder.UseSetting("Stripe:WebhookSecret", WebhookSecret);
        // Nothing the harness drives calls Stripe's API; should anything try, it fails at once instead of reaching Stripe.
        builder.UseSetting("Stripe:ApiBase", "http://127.0.0.1:9");
        builder.UseSetting("Portal:WebhookPostsPerMinute", "1000000");
        builder.UseSetting("Portal:AccountPostsPerMinute", "1000000");
        // One log line per webhook event on the console would measure the terminal, not Portal.
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Logging:LogLevel:Microsoft.AspNetCore", "Warning");
        builder.UseSetting("Logging:LogLevel:Microsoft.EntityFrameworkCore", "Warning");
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataFolder, recursive: true);
        }
        catch (IOException)
        {
            // Left to the OS temp cleaner.
        }
    }
}
