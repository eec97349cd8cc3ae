using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Portal.Domain.Data;

/// <summary>
/// Identity builds its part of the model from <see cref="IdentityOptions"/> in the application's service provider
/// (schema version 3 adds passkeys). The app configures it in <see cref="Configure"/>; contexts built outside the app
/// (dotnet ef, tests) take the same options from <see cref="UseIdentitySchema{TContext}"/>, so every model is the same.
/// </summary>
public static class IdentitySchema
{
    public static readonly Version Version = IdentitySchemaVersions.Version3;

    private static readonly IServiceProvider StandaloneServices = new ServiceCollection()
        .AddLogging()
        .Configure<IdentityOptions>(Configure)
        .BuildServiceProvider();

    public static void Configure(IdentityOptions options) => options.Stores.SchemaVersion = Version;

    public static DbContextOptionsBuilder<TContext> UseIdentitySchema<TContext>(this DbContextOptionsBuilder<TContext> builder)
        where TContext : DbContext =>
        builder.UseApplicationServiceProvider(StandaloneServices);
}
