using System.Globalization;
using System.Text;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.Organizations;

namespace Portal.Domain.Licensing;

public enum ImportOutcome
{
    Imported,
    Refused,
}

/// <summary>
/// One row of an import file: its line in the file (the header is line 1), the row as read, and what became of it: the
/// license it imported, or why it was refused.
/// </summary>
public sealed record LicenseImportRow(int Line, string AsRead, ImportOutcome Outcome, string Detail, Guid? LicenseId = null);

public sealed record LicenseImportReport(IReadOnlyList<LicenseImportRow> Rows)
{
    public int Imported => Rows.Count(r => r.Outcome == ImportOutcome.Imported);

    public int Refused => Rows.Count(r => r.Outcome == ImportOutcome.Refused);
}

/// <summary>
/// Imports licenses bought before Portal existed from a CSV file (RFC 4180, comma-separated, UTF-8) with a header row.
/// Columns, in any order: <c>organization</c> (its id, its exact name, or its billing email), <c>product</c> (product
/// code, default <c>officestatus</c>; optional), <c>major</c>, <c>seats</c>, <c>purchased on</c> (yyyy-MM-dd) and
/// <c>reference</c> (optional). Each row is imported on its own, in its own transaction, through
/// <see cref="LicensingService.ImportAsync"/>: a refused row stops nothing, an imported row is whole, and running the
/// same file again imports nothing twice. A file that cannot be read as a whole (too large, too many rows, not UTF-8 text,
/// wrong columns, no rows) is refused before anything is imported.
/// </summary>
public sealed class LicenseImport(IDbContextFactory<PortalDbContext> dbFactory, LicensingService licensing)
{
    public const int MaxFileBytes = 1024 * 1024;
    public const int MaxRows = 5_000;
    public const string DefaultProductCode = "officestatus";
    public const string FileExtension = ".csv";

    /// <summary>The longest text of a row the report keeps.</summary>
    private const int MaxShownRowLength = 300;

    public static readonly IReadOnlyList<string> Columns = ["organization", "product", "major", "seats", "purchased on", "reference"];

    public const string SampleCsv =
        "organization,product,major,seats,purchased on,reference\r\n" +
        "Contoso Ltd,officestatus,5,10,2024-03-01,INV-2024-0117\r\n" +
        "billing@fabrikam.example,,5,25,2023-11-15,\r\n" +
        "0193a1b2-7c4d-7e8f-9a0b-1c2d3e4f5a6b,officestatus,4,5,2021-06-30,PO 5512\r\n";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>An uploaded file: checked to be UTF-8 text of at most <see cref="MaxFileBytes"/>, then imported.</summary>
    public Task<LicenseImportReport> ImportFileAsync(byte[] content, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        actor.Require("import existing licenses", Roles.Admin);
        if (content.Length > MaxFileBytes)
            throw new DomainException($"The file is larger than {MaxFileBytes / 1024 / 1024} MB. Split it into smaller files.");
        string text;
        try
        {
            text = StrictUtf8.GetString(content);
        }
        catch (DecoderFallbackException)
        {
            throw new DomainException("The file is not UTF-8 text. Save it from your spreadsheet as \"CSV UTF-8\" and try again.");
        }
        if (text.Contains('\0', StringComparison.Ordinal))
            throw new DomainException("The file is not a text file. Upload a CSV file.");
        return ImportCsvAsync(text, actor, cancellationToken);
    }

    public async Task<LicenseImportReport> ImportCsvAsync(string csv, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(csv);
        actor.Require("import existing licenses", Roles.Admin);
        if (Encoding.UTF8.GetByteCount(csv) > MaxFileBytes)
            throw new DomainException($"The file is larger than {MaxFileBytes / 1024 / 1024} MB. Split it into smaller files.");

        var (rows, refused) = ImportFile.Read(csv.TrimStart('\uFEFF'));
        var report = new List<LicenseImportRow>(refused);
        var known = await LoadKnownNamesAsync(rows, cancellationToken);
        foreach (var row in rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            report.Add(await ImportRowAsync(row, known, actor, cancellationToken));
        }
        return new LicenseImportReport(report.OrderBy(r => r.Line).ToList());
    }

    private async Task<LicenseImportRow> ImportRowAsync(ImportFile.Row row, KnownNames known, Actor actor, CancellationToken cancellationToken)
    {
        var refuse = (string reason) => new LicenseImportRow(row.Line, row.AsRead, ImportOutcome.Refused, reason);
        if (row.Organization.Length == 0)
            return refuse("No organization: give its id, exact name or billing email.");
        var organizations = known.OrganizationsFor(row.Organization);
        if (organizations.Count == 0)
            return refuse($"Unknown organization \"{row.Organization}\": give its id, exact name or billing email.");
        if (organizations.Count > 1)
            return refuse($"{organizations.Count} organizations match \"{row.Organization}\": give the organization's id instead.");
        var organization = organizations[0];

        var productCode = row.Product.Length == 0 ? DefaultProductCode : row.Product;
        if (!known.Products.TryGetValue(productCode, out var product))
            return refuse($"Unknown product code \"{productCode}\".");
        if (ParseMajor(row.Major) is not { } major)
            return refuse(row.Major.Length == 0
                ? "No major version."
                : $"The major version \"{row.Major}\" is not a whole number such as 5.");
        if (!int.TryParse(row.Seats, NumberStyles.None, CultureInfo.InvariantCulture, out var seats) || seats < 1)
            return refuse(row.Seats.Length == 0
                ? "No number of seats."
                : $"The seats \"{row.Seats}\" are not a positive whole number.");
        if (!DateOnly.TryParseExact(row.PurchasedOn, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var purchasedOn))
            return refuse(row.PurchasedOn.Length == 0
                ? "No purchase date."
                : $"The purchase date \"{row.PurchasedOn}\" is not a date in the form yyyy-MM-dd.");

        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var license = await licensing.ImportAsync(db,
                new ExistingLicense(organization.Id, product.Id, major, seats, purchasedOn, row.Reference), actor, cancellationToken);
            return new LicenseImportRow(row.Line, row.AsRead, ImportOutcome.Imported,
                $"{product.Name} {major}.x, {"seat".ToQuantity(seats)}, for {organization.Name}", license.Id);
        }
        catch (DomainException refused)
        {
            return refuse(refused.Message);
        }
    }

    /// <summary>A major version as a whole number, written <c>5</c> or <c>5.x</c>.</summary>
    private static int? ParseMajor(string text)
    {
        var digits = text.EndsWith(".x", StringComparison.OrdinalIgnoreCase) ? text[..^2] : text;
        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var major) ? major : null;
    }

    /// <summary>The organizations the rows name and every product, read once for the whole file.</summary>
    private async Task<KnownNames> LoadKnownNamesAsync(IReadOnlyList<ImportFile.Row> rows, CancellationToken cancellationToken)
    {
        var keys = rows.Select(r => r.Organization).Where(k => k.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        var ids = keys.Select(k => Guid.TryParse(k, out var id) ? id : (Guid?)null).OfType<Guid>().ToList();
        var emails = keys.Where(k => k.Contains('@', StringComparison.Ordinal)).Select(k => k.ToLowerInvariant()).ToList();

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var organizations = keys.Count == 0
            ? []
            : await db.Organizations.AsNoTracking()
                .Where(o => ids.Contains(o.Id) || keys.Contains(o.Name) || emails.Contains(o.BillingEmail.ToLower()))
                .Select(o => new OrganizationChoice(o.Id, o.Name, o.BillingEmail))
                .ToListAsync(cancellationToken);
        var products = await db.Products.AsNoTracking()
            .Select(p => new ProductChoice(p.Id, p.Code, p.Name))
            .ToDictionaryAsync(p => p.Code, StringComparer.OrdinalIgnoreCase, cancellationToken);
        return new KnownNames(organizations, products);
    }

    private sealed record ProductChoice(Guid Id, string Code, string Name);

    private sealed record KnownNames(IReadOnlyList<OrganizationChoice> Organizations, IReadOnlyDictionary<string, ProductChoice> Products)
    {
        /// <summary>By id; else by exact name; else by billing email, letter case aside.</summary>
        public IReadOnlyList<OrganizationChoice> OrganizationsFor(string key)
        {
            if (Guid.TryParse(key, out var id))
                return Organizations.Where(o => o.Id == id).ToList();
            var byName = Organizations.Where(o => string.Equals(o.Name, key, StringComparison.Ordinal)).ToList();
            return byName.Count > 0
                ? byName
                : Organizations.Where(o => string.Equals(o.BillingEmail, key, StringComparison.OrdinalIgnoreCase)).ToList();
        }
    }

    /// <summary>Reads the file with CsvHelper into rows to import and rows refused as malformed.</summary>
    private static class ImportFile
    {
        public sealed record Row(int Line, string AsRead, string Organization, string Product, string Major, string Seats,
            string PurchasedOn, string? Reference);

        private static readonly IReadOnlyDictionary<string, string> ColumnNames = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["organization"] = "organization",
            ["product"] = "product",
            ["productcode"] = "product",
            ["major"] = "major",
            ["seats"] = "seats",
            ["purchasedon"] = "purchased on",
            ["reference"] = "reference",
        };

        private static readonly string[] RequiredColumns = ["organization", "major", "seats", "purchased on"];

        public static (IReadOnlyList<Row> Rows, IReadOnlyList<LicenseImportRow> Malformed) Read(string csv)
        {
            var malformed = new List<CsvMalformedRecord>();
            var tooLong = new List<LicenseImportRow>();
            var options = new CsvReaderOptions
            {
                Separator = ',',
                HasHeader = true,
                // A stray quote then spoils one line, not the rest of the file.
                AllowLineBreaksInQuotes = false,
                SkipEmptyLines = true,
                TrimWhitespace = true,
                TrackLineNumbers = true,
                MalformedData = CsvMalformedDataHandling.Skip,
                FieldCountMismatch = CsvFieldCountHandling.Allow,
                OnMalformedRecord = malformed.Add,
            };
            var rows = new List<Row>();
            var count = () => rows.Count + malformed.Count + tooLong.Count;
            try
            {
                using var reader = CsvReader.FromText(csv, options);
                reader.ReadHeader();
                var columns = ColumnsOf(reader.Headers);
                while (reader.Read())
                {
                    var fields = Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetString(i).Trim()).ToArray();
                    if (fields.All(f => f.Length == 0))
                        continue;
                    RequireAtMostMaxRows(count() + 1);
                    var line = (int)reader.LineNumber;
                    var asRead = Shown(Encoding.UTF8.GetString(reader.RawRecord));
                    if (fields.Length > columns.Count)
                    {
                        tooLong.Add(new LicenseImportRow(line, asRead, ImportOutcome.Refused,
                            $"Malformed row: it has {fields.Length} values but the header has {columns.Count} columns."));
                        continue;
                    }
                    string Field(string column) => columns.TryGetValue(column, out var i) && i < fields.Length ? fields[i] : "";
                    rows.Add(new Row(line, asRead, Field("organization"), Field("product"), Field("major"), Field("seats"),
                        Field("purchased on"), Field("reference") is { Length: > 0 } reference ? reference : null));
                }
            }
            catch (CsvFormatException unreadable)
            {
                throw new DomainException($"The file cannot be read as CSV: {unreadable.Message}");
            }
            RequireAtMostMaxRows(count());
            if (count() == 0)
                throw new DomainException("The file has a header but no rows to import.");
            return (rows, malformed.Select(Refused).Concat(tooLong).ToList());
        }

        private static void RequireAtMostMaxRows(int rows)
        {
            if (rows > MaxRows)
                throw new DomainException($"The file has more than {MaxRows.ToString("N0", CultureInfo.InvariantCulture)} rows. Split it into smaller files.");
        }

        /// <summary>Column positions by name; the file is refused when a required column is missing or one is unknown.</summary>
        private static Dictionary<string, int> ColumnsOf(IReadOnlyList<string> headers)
        {
            var expected = $"The columns are: {string.Join(", ", Columns)} (product and reference may be left out).";
            if (headers.Count == 0 || headers.All(string.IsNullOrWhiteSpace))
                throw new DomainException("The file is empty. " + expected);
            var columns = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < headers.Count; i++)
            {
                var key = new string(headers[i].Where(char.IsLetter).ToArray()).ToLowerInvariant();
                if (!ColumnNames.TryGetValue(key, out var column))
                    throw new DomainException($"The header has an unknown column \"{Shown(headers[i])}\". " + expected);
                if (!columns.TryAdd(column, i))
                    throw new DomainException($"The header names the column \"{column}\" twice. " + expected);
            }
            var missing = RequiredColumns.Where(c => !columns.ContainsKey(c)).ToList();
            if (missing.Count > 0)
                throw new DomainException($"The header has no column {string.Join(", ", missing.Select(c => $"\"{c}\""))}. " + expected);
            return columns;
        }

        private static LicenseImportRow Refused(CsvMalformedRecord record) => new(
            (int)record.LineNumber, Shown(record.RawRecord), ImportOutcome.Refused, record.Reason switch
            {
                CsvMalformedReason.StrayQuote => "Malformed row: a quote inside a value that is not quoted.",
                CsvMalformedReason.TextAfterClosingQuote => "Malformed row: text after the closing quote of a value.",
                CsvMalformedReason.UnterminatedQuote or CsvMalformedReason.LineBreakInQuotes => "Malformed row: a quoted value is never closed.",
                _ => "Malformed row.",
            });

        private static string Shown(string text) =>
            text.Length <= MaxShownRowLength ? text : string.Concat(text.AsSpan(0, MaxShownRowLength), "…");
    }
}
