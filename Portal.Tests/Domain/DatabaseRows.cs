using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.Domain.Data;

namespace Portal.Tests.Domain;

/// <summary>
/// Every row of every table of the SQLite database, as text: to show that an operation stored nothing, or where a value
/// ended up, whatever the table.
/// </summary>
internal static class DatabaseRows
{
    /// <summary>Each table's rows, a row being its values joined by " | " (blobs as UTF-8 text), in a stable order.</summary>
    public static async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> ReadAsync(PortalDbContext db)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        try
        {
            var tables = new List<string>();
            await using (var command = connection.CreateCommand())
            {
                command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                    tables.Add(reader.GetString(0));
            }

            var rows = new SortedDictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
            foreach (var table in tables)
            {
                await using var command = connection.CreateCommand();
                command.CommandText = $"SELECT * FROM \"{table}\"";
                await using var reader = await command.ExecuteReaderAsync();
                var values = new List<string>();
                while (await reader.ReadAsync())
                    values.Add(string.Join(" | ", Enumerable.Range(0, reader.FieldCount).Select(i => Text(reader.GetValue(i)))));
                values.Sort(StringComparer.Ordinal);
                rows[table] = values;
            }
            return rows;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>The tables whose rows differ between two reads, by name.</summary>
    public static IReadOnlyList<string> ChangedTables(
        IReadOnlyDictionary<string, IReadOnlyList<string>> before, IReadOnlyDictionary<string, IReadOnlyList<string>> after) =>
        before.Keys.Union(after.Keys)
            .Where(table => !before.TryGetValue(table, out var was) || !after.TryGetValue(table, out var now) || !was.SequenceEqual(now))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>The tables with a row that contains <paramref name="text"/>, by name.</summary>
    public static IReadOnlyList<string> TablesContaining(IReadOnlyDictionary<string, IReadOnlyList<string>> rows, string text) =>
        rows.Where(table => table.Value.Any(row => row.Contains(text, StringComparison.Ordinal))).Select(table => table.Key).ToList();

    private static string Text(object value) => value switch
    {
        DBNull => "NULL",
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}
