using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Portal.Tests.Integration;

/// <summary>
/// The real Portal (Development environment, demo data) on its own temporary data folder, so each factory has a fresh
/// SQLite database and mail pickup folder. <see cref="StartOnLoopback"/> serves it over Kestrel for a browser.
/// </summary>
public sealed class PortalAppFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings = new();
    private readonly List<Action<IServiceCollection>> _serviceChanges = [];

    public PortalAppFactory(string environment = "Development")
    {
        Environment = environment;
        DataFolder = Directory.CreateTempSubdirectory("portal-app-").FullName;
        _settings["Portal:DataFolder"] = DataFolder;
    }

    public string Environment { get; }
    public string DataFolder { get; }
    public string MailPickupFolder => Path.Combine(DataFolder, "mail-pickup");

    public PortalAppFactory With(string key, string? value)
    {
        _settings[key] = value;
        return this;
    }

    /// <summary>Replaces or adds services after the app registered its own, e.g. a <see cref="TimeProvider"/> a test moves.</summary>
    public PortalAppFactory WithServices(Action<IServiceCollection> change)
    {
        _serviceChanges.Add(change);
        return this;
    }

    /// <summary>Starts Kestrel on a free loopback port and returns the base address.</summary>
    public Uri StartOnLoopback()
    {
        UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        StartServer();
        return ClientOptions.BaseAddress;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(Environment);
        foreach (var (key, value) in _settings)
            builder.UseSetting(key, value);
        builder.ConfigureTestServices(services =>
        {
            foreach (var change in _serviceChanges)
                change(services);
        });
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
