using System.Globalization;

namespace Portal.Domain.History;

/// <summary>
/// License history as CSV (RFC 4180): a header row, then one row per event; every field quoted, quotes doubled, rows
/// ending in CRLF. Cells that a spreadsheet would run as a formula (starting with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>,
/// tab or carriage return) are prefixed with an apostrophe, as OWASP advises against CSV injection: history holds text
/// customers typed (discount evidence, extension reasons) and organization names.
/// </summary>
public static class HistoryCsv
{
    public const string MediaType = "text/csv";

    public static readonly IReadOnlyList<string> Header = ["Date (UTC)", "Who", "Action", "What"];

    private static readonly char[] FormulaStarts = ['=', '+', '-', '@', '\t', '\r'];

    public static async Task WriteAsync(IAsyncEnumerable<HistoryEntry> entries, TextWriter writer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(writer);
        await writer.WriteAsync(Row(Header));
        await foreach (var entry in entries.WithCancellation(cancellationToken))
        {
            await writer.WriteAsync(Row(
            [
                entry.OccurredAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                entry.ActorName,
                entry.Action,
                entry.Summary,
            ]));
        }
        await writer.FlushAsync(cancellationToken);
    }

    /// <summary>One CSV record, with its CRLF.</summary>
    public static string Row(IEnumerable<string?> fields) => string.Join(',', fields.Select(Field)) + "\r\n";

    /// <summary>One field: neutralised against formulas, quoted, inner quotes doubled.</summary>
    public static string Field(string? value)
    {
        value ??= "";
        if (value.Length > 0 && FormulaStarts.Contains(value[0]))
            value = "'" + value;
        return "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }
}
