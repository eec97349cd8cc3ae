namespace Portal.Domain.Data;

public enum DatabaseProvider
{
    Sqlite,
    SqlServer,
}

/// <summary>The <c>Database</c> configuration section.</summary>
public sealed class DatabaseSettings
{
    public const string SectionName = "Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>
    /// SQL Server: required. SQLite: optional; by default the database is <c>portal.db</c> in the data folder.
    /// </summary>
    public string? ConnectionString { get; set; }
}
