using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Accounts;
using Portal.Domain.Data;

namespace Portal.Tests.Builders;

/// <summary>A real, migrated SQLite database in a temporary file, deleted on dispose.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("portal-db-").FullName;

    private TestDatabase() =>
        ConnectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(_folder, "portal.db") }.ToString();

    public string ConnectionString { get; }

    /// <param name="upToMigration">
    /// Stops after this migration (its name, e.g. "LicensesRevision"), so that a test can put data of that shape in and
    /// then apply the migrations after it.
    /// </param>
    public static async Task<TestDatabase> CreateAsync(string? upToMigration = null)
    {
        var database = new TestDatabase();
        await using var db = database.CreateContext();
        if (upToMigration is null)
            await db.Database.UpgradeAsync();
        else
            await db.GetService<IMigrator>().MigrateAsync(upToMigration);
        return database;
    }

    /// <param name="interceptors">EF interceptors for this context only, e.g. one that counts the SQL commands.</param>
    public PortalDbContext CreateContext(params IInterceptor[] interceptors) =>
        new SqlitePortalDbContext(new DbContextOptionsBuilder<SqlitePortalDbContext>()
            .UsePortalSqlite(ConnectionString)
            .UseIdentitySchema()
            .AddInterceptors(interceptors)
            .Options);

    /// <summary>Identity's services over this database, the way the app registers them, for service tests.</summary>
    public ServiceProvider CreateServices(TimeProvider? clock = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(clock ?? TimeProvider.System);
        services.AddSingleton<IDataProtectionProvider>(new EphemeralDataProtectionProvider());
        services.AddPortalDatabase(new DatabaseSettings { ConnectionString = ConnectionString }, _folder);
        services.AddIdentityCore<PortalUser>(options =>
            {
                IdentitySchema.Configure(options);
                options.User.RequireUniqueEmail = true;
                options.Password.RequiredLength = 12;
                options.Password.RequireDigit = false;
                options.Password.RequireLowercase = false;
                options.Password.RequireUppercase = false;
                options.Password.RequireNonAlphanumeric = false;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<PortalDbContext>()
            .AddDefaultTokenProviders()
            .AddPasswordValidator<CommonPasswordValidator>();
        services.AddScoped<CustomerRegistration>();
        return services.BuildServiceProvider();
    }

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a finalizing connection; the OS temp cleaner takes it.
        }
        return ValueTask.CompletedTask;
    }
}
