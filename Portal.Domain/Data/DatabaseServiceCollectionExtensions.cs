using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Portal.Domain.Data;

public static class DatabaseServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IDbContextFactory{PortalDbContext}"/> (one context per operation) and a scoped
    /// <see cref="PortalDbContext"/> for Identity's stores, backed by the configured provider. The factory's contexts are
    /// pooled: a Stripe webhook or a page uses several, and a new one builds EF's services and sets again each time
    /// (docs/performance.md); a context therefore keeps no state of its own beyond what EF resets. Identity's scoped
    /// context is not: every signed-in request constructs it (the cookie's security-stamp check builds the user
    /// manager), mostly without using it, and a Blazor circuit's connection keeps its request's scope, and so a leased
    /// pooled context, for as long as the page is open; a new context costs nothing until it is used.
    /// </summary>
    public static IServiceCollection AddPortalDatabase(this IServiceCollection services, DatabaseSettings settings, string dataFolder)
    {
        switch (settings.Provider)
        {
            case DatabaseProvider.Sqlite:
                var sqlite = SqliteConnectionString(settings, dataFolder);
                services.AddPortalContexts<SqlitePortalDbContext>(options => options.UsePortalSqlite(sqlite), options => new(options));
                break;
            case DatabaseProvider.SqlServer:
                if (string.IsNullOrWhiteSpace(settings.ConnectionString))
                    throw new InvalidOperationException("Database:Provider is SqlServer but Database:ConnectionString is empty.");
                services.AddPortalContexts<SqlServerPortalDbContext>(
                    options => options.UseSqlServer(settings.ConnectionString, sql => sql.EnableRetryOnFailure()),
                    options => new(options));
                break;
            default:
                throw new InvalidOperationException($"Database:Provider '{settings.Provider}' is not supported; use Sqlite or SqlServer.");
        }

        // EF caches one model per context type for the whole process, and Identity builds its part from these options:
        // every service provider with the database must ask for the same schema (see IdentitySchema).
        services.Configure<IdentityOptions>(IdentitySchema.Configure);
        return services;
    }

    /// <remarks>
    /// EF interceptors registered as services (<see cref="IInterceptor"/>) join every context, after the provider's own:
    /// a host adds what it watches in the database without knowing how contexts are built.
    /// </remarks>
    private static void AddPortalContexts<TContext>(
        this IServiceCollection services, Action<DbContextOptionsBuilder> configure, Func<DbContextOptions<TContext>, TContext> create)
        where TContext : PortalDbContext
    {
        services.AddPooledDbContextFactory<TContext>((provider, options) =>
        {
            configure(options);
            options.AddInterceptors(provider.GetServices<IInterceptor>());
        });
        services.AddSingleton<IDbContextFactory<PortalDbContext>, PortalDbContextFactory<TContext>>();
        services.AddScoped<PortalDbContext>(provider => create(provider.GetRequiredService<DbContextOptions<TContext>>()));
    }

    /// <summary>SQLite as Portal uses it: the file's writers queue in this process (<see cref="SqliteWriteGate"/>).</summary>
    public static DbContextOptionsBuilder UsePortalSqlite(this DbContextOptionsBuilder builder, string connectionString) =>
        builder.UseSqlite(connectionString).AddInterceptors(SqliteWriteGate.For(connectionString));

    /// <inheritdoc cref="UsePortalSqlite(DbContextOptionsBuilder, string)"/>
    public static DbContextOptionsBuilder<TContext> UsePortalSqlite<TContext>(this DbContextOptionsBuilder<TContext> builder, string connectionString)
        where TContext : DbContext =>
        (DbContextOptionsBuilder<TContext>)((DbContextOptionsBuilder)builder).UsePortalSqlite(connectionString);

    private static string SqliteConnectionString(DatabaseSettings settings, string dataFolder)
    {
        if (!string.IsNullOrWhiteSpace(settings.ConnectionString))
            return settings.ConnectionString;
        Directory.CreateDirectory(dataFolder);
        return new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(dataFolder, "portal.db"),
            Pooling = true,
        }.ToString();
    }

    private sealed class PortalDbContextFactory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<PortalDbContext>
        where TContext : PortalDbContext
    {
        public PortalDbContext CreateDbContext() => inner.CreateDbContext();
    }
}
