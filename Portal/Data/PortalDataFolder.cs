namespace Portal.Data;

/// <summary>Where Portal keeps its files (SQLite database, mail pickup folder): <c>Portal:DataFolder</c>, relative to the content root.</summary>
public sealed record PortalDataFolder(string Path)
{
    public static PortalDataFolder From(IConfiguration configuration, IHostEnvironment environment) =>
        new(System.IO.Path.GetFullPath(configuration["Portal:DataFolder"] ?? "App_Data", environment.ContentRootPath));
}
