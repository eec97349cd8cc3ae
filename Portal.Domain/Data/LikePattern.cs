namespace Portal.Domain.Data;

/// <summary>
/// Patterns for <c>EF.Functions.Like</c> from text a person typed: its <c>%</c>, <c>_</c>, <c>[</c> (a character class on SQL Server) and escape
/// characters match themselves. LIKE rather than <c>Contains</c>: SQLite's LIKE ignores ASCII case (its <c>instr</c> does not), and SQL
/// Server's default collation ignores case too, so a search reads the same on both providers.
/// </summary>
public static class LikePattern
{
    public const string Escape = "\\";

    public static string Containing(string text) => $"%{Literal(text)}%";

    public static string StartingWith(string text) => $"{Literal(text)}%";

    private static string Literal(string text) =>
        text.Replace(Escape, Escape + Escape, StringComparison.Ordinal)
            .Replace("%", Escape + "%", StringComparison.Ordinal)
            .Replace("_", Escape + "_", StringComparison.Ordinal)
            .Replace("[", Escape + "[", StringComparison.Ordinal);
}
