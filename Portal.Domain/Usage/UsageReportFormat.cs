using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Json.Schema;

namespace Portal.Domain.Usage;

/// <summary>One day of a report: the most users enabled at any moment of it.</summary>
public sealed record DailyMaximum(DateOnly Date, int EnabledUsers);

/// <summary>A usage report as read from its file, checked against the schema but not yet against the portal's data.</summary>
public sealed record UsageReportData(
    int SchemaVersion,
    Guid InstallationId,
    string? InstallationName,
    string ProductCode,
    int Major,
    int Minor,
    DateTimeOffset GeneratedAt,
    int EnabledUsers,
    IReadOnlyList<DailyMaximum> DailyMaximum,
    IReadOnlyList<Guid> LicenseIds)
{
    /// <summary>The most users enabled in the report's 90 days, including now.</summary>
    public int PeakEnabledUsers => DailyMaximum.Select(d => d.EnabledUsers).Append(EnabledUsers).Max();

    public string Version => $"{Major}.{Minor}";
}

/// <summary>
/// Reads a usage report (docs/usage-report.md): at most <see cref="MaxBytes"/>, JSON nested no deeper than the format
/// needs, valid against <c>usage-report.schema.json</c>. Anything else is refused with every problem named, before
/// anything is stored.
/// </summary>
public static class UsageReportFormat
{
    public const int CurrentSchemaVersion = 1;
    public const int MaxBytes = 1024 * 1024;
    public const string MediaType = "application/json";
    public const string FileExtension = ".json";

    /// <summary>The format nests three levels; a little room, and a 10,000-deep file stops at once.</summary>
    private const int MaxDepth = 8;

    private const string SchemaResource = "Portal.Domain.Usage.usage-report.schema.json";

    /// <summary>The JSON Schema as published in docs/usage-report.md.</summary>
    public static string SchemaText { get; } = ReadSchemaText();

    private static readonly JsonSchema Schema = JsonSchema.FromText(SchemaText);

    private static readonly EvaluationOptions Evaluation = new()
    {
        OutputFormat = OutputFormat.List,
        RequireFormatValidation = true,
    };

    public static UsageReportData Read(ReadOnlySpan<byte> json)
    {
        if (json.Length == 0)
            throw new DomainException("The usage report is empty.");
        if (json.Length > MaxBytes)
            throw new DomainException("A usage report is at most 1 MB; this one is larger. Is it the right file?");
        // Windows tools (Notepad, PowerShell) start a UTF-8 file with a byte order mark, which is not JSON.
        if (json.StartsWith(Encoding.UTF8.Preamble))
            json = json[Encoding.UTF8.Preamble.Length..];
        // The parser checks the bytes of strings only when they are read, which would be too late to refuse them.
        if (!Utf8.IsValid(json))
            throw new DomainException("This is not a usage report: it is not UTF-8 text.");

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException invalid) when (invalid.Message.Contains("depth", StringComparison.OrdinalIgnoreCase))
        {
            throw new DomainException("This is not a usage report: its JSON is nested far deeper than the format allows.");
        }
        catch (JsonException invalid)
        {
            var where = invalid.LineNumber is { } line ? $" (line {line + 1})" : "";
            throw new DomainException($"This is not a usage report: it is not valid JSON{where}.");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new DomainException("This is not a usage report: a report is one JSON object.");
            if (root.TryGetProperty("schemaVersion", out var version)
                && !(version.ValueKind == JsonValueKind.Number && version.TryGetInt32(out var number) && number == CurrentSchemaVersion))
            {
                throw new DomainException(
                    $"This report is in format version {version.GetRawText()}; Portal reads version {CurrentSchemaVersion}. " +
                    "Update OfficeStatus, or write the report again with the version Portal names in its usage-report documentation.");
            }

            var results = Schema.Evaluate(root, Evaluation);
            if (!results.IsValid)
                throw new DomainException("The usage report does not match the format: " + string.Join("; ", Problems(results).Take(5)) + ".");
            return ToData(root);
        }
    }

    private static IEnumerable<string> Problems(EvaluationResults results) =>
        (results.Details ?? [results])
            .Where(detail => detail.Errors is { Count: > 0 })
            .SelectMany(detail => detail.Errors!.Select(error => $"{Where(detail)}: {Explain(Where(detail), detail.EvaluationPath.ToString(), error.Key, error.Value)}"))
            .Distinct();

    /// <summary>The schema library's wording where it says what is wrong plainly; the format's own words where it does not.</summary>
    private static string Explain(string where, string schemaPath, string keyword, string message) =>
        keyword switch
        {
            // additionalProperties: false fails the property itself, with no keyword of its own.
            "" when schemaPath.EndsWith("/additionalProperties", StringComparison.Ordinal) =>
                "this property is not part of the format (a report holds counts only, never user names)",
            "pattern" when where == "installationId" || where.StartsWith("licenseIds.", StringComparison.Ordinal) =>
                "should be a UUID, such as 3f2c9a1b-5d7e-4c21-9a0b-1c2d3e4f5a6b",
            "pattern" when where == "product" => "should be a product code in lower case, such as officestatus",
            "pattern" when where == "version" => "should be major.minor, such as 6.1",
            "format" when message.Contains("\"date-time\"", StringComparison.Ordinal) =>
                "should be a date and time that exist, with their offset from UTC, such as 2026-11-29T10:00:00Z",
            "format" => "should be a date that exists, written yyyy-mm-dd, such as 2026-11-29",
            "uniqueItems" => "names the same id more than once",
            _ => message,
        };

    private static string Where(EvaluationResults detail)
    {
        var location = detail.InstanceLocation.ToString();
        return location.Length == 0 ? "the report" : location.TrimStart('/').Replace('/', '.');
    }

    private static UsageReportData ToData(JsonElement root)
    {
        var version = root.GetProperty("version").GetString()!.Split('.');
        return new UsageReportData(
            root.GetProperty("schemaVersion").GetInt32(),
            Guid.Parse(root.GetProperty("installationId").GetString()!),
            root.TryGetProperty("installationName", out var name) ? name.GetString()!.Trim() : null,
            root.GetProperty("product").GetString()!,
            int.Parse(version[0], CultureInfo.InvariantCulture),
            int.Parse(version[1], CultureInfo.InvariantCulture),
            GeneratedAt(root.GetProperty("generatedAt").GetString()!),
            root.GetProperty("enabledUsers").GetInt32(),
            root.GetProperty("dailyMaximum").EnumerateArray()
                .Select(day => new DailyMaximum(
                    DateOnly.ParseExact(day.GetProperty("date").GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture),
                    day.GetProperty("enabledUsers").GetInt32()))
                .ToList(),
            root.GetProperty("licenseIds").EnumerateArray().Select(id => Guid.Parse(id.GetString()!)).Distinct().ToList());
    }

    /// <summary>A valid RFC 3339 date-time may still lie outside what .NET can hold once taken to UTC (year 9999 at -14:00).</summary>
    private static DateTimeOffset GeneratedAt(string text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var generatedAt)
            ? generatedAt
            : throw new DomainException($"The report is dated {text}, which is not a moment Portal can take in. Check the server's clock and write it again.");

    private static string ReadSchemaText()
    {
        using var stream = typeof(UsageReportFormat).Assembly.GetManifestResourceStream(SchemaResource)
            ?? throw new InvalidOperationException($"{SchemaResource} is not embedded in Portal.Domain.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
