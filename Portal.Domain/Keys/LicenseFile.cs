using System.Globalization;
using System.Text;

namespace Portal.Domain.Keys;

/// <summary>
/// The license file (<c>.lic</c>): UTF-8 plain text, lines ending in LF (readers accept CRLF). A title line, then a
/// readable header of <c>Name: value</c> lines, a blank line, and the key between marker lines:
/// <code>
/// OfficeStatus license file. Only the signed key between the BEGIN and END lines counts; the lines above are for people.
/// Licensee: Contoso Facilities Ltd
/// Product: OfficeStatus
/// Product code: officestatus
/// Major version: 6
/// Seats: 25
/// License: Perpetual
/// License ID: 0193a1b2-...
/// Issued: 2026-11-29 13:57 UTC
/// Support ends: 2027-11-29
///
/// -----BEGIN OFFICESTATUS LICENSE-----
/// eyJhbGciOiJFUzI1NiIs...
/// -----END OFFICESTATUS LICENSE-----
/// </code>
/// Evaluations add <c>Expires: yyyy-MM-dd HH:mm UTC</c>; <c>Support ends</c> is left out when unknown. The header is a copy
/// for people and is never trusted: only the key is (see <see cref="LicenseKeyVerifier"/>). Readers join the lines between
/// the markers and ignore whitespace, so a key wrapped by an email client still reads.
/// </summary>
public static class LicenseFile
{
    public const string BeginMarker = "-----BEGIN OFFICESTATUS LICENSE-----";
    public const string EndMarker = "-----END OFFICESTATUS LICENSE-----";
    public const string FileExtension = ".lic";
    public const string MediaType = "text/plain";

    public const string TitleLine =
        "OfficeStatus license file. Only the signed key between the BEGIN and END lines counts; the lines above are for people.";

    public static class Fields
    {
        public const string Licensee = "Licensee";
        public const string Product = "Product";
        public const string ProductCode = "Product code";
        public const string Major = "Major version";
        public const string Seats = "Seats";
        public const string Kind = "License";
        public const string LicenseId = "License ID";
        public const string Issued = "Issued";
        public const string SupportEnds = "Support ends";
        public const string Expires = "Expires";
    }

    private const string TimeFormat = "yyyy-MM-dd HH:mm 'UTC'";

    /// <summary>The license file text for a key signed from <paramref name="claims"/>.</summary>
    public static string Format(LicenseKeyClaims claims, string key)
    {
        ArgumentNullException.ThrowIfNull(claims);
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        if (key.Any(char.IsWhiteSpace) || key.Contains("-----", StringComparison.Ordinal))
            throw new ArgumentException("A license key is a compact JWT: no whitespace or marker text.", nameof(key));

        var text = new StringBuilder();
        text.Append(TitleLine).Append('\n');
        Field(text, Fields.Licensee, claims.Licensee);
        Field(text, Fields.Product, claims.ProductName);
        Field(text, Fields.ProductCode, claims.ProductCode);
        Field(text, Fields.Major, claims.Major.ToString(CultureInfo.InvariantCulture));
        Field(text, Fields.Seats, claims.Seats.ToString(CultureInfo.InvariantCulture));
        Field(text, Fields.Kind, claims.Kind == LicenseKind.Evaluation ? "Evaluation" : "Perpetual");
        Field(text, Fields.LicenseId, claims.LicenseId.ToString("D"));
        Field(text, Fields.Issued, claims.IssuedAt.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture));
        if (claims.SupportEndsOn is { } supportEnd)
            Field(text, Fields.SupportEnds, supportEnd.ToString(LicenseKeyFormat.DateFormat, CultureInfo.InvariantCulture));
        if (claims.ExpiresAt is { } expires)
            Field(text, Fields.Expires, expires.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture));
        text.Append('\n');
        text.Append(BeginMarker).Append('\n');
        text.Append(key).Append('\n');
        text.Append(EndMarker).Append('\n');
        return text.ToString();
    }

    /// <summary>A file name for the download or attachment, e.g. <c>officestatus-6-evaluation-0193a1b2….lic</c>.</summary>
    public static string FileName(LicenseKeyClaims claims) => FileName(claims.ProductCode, claims.Major, claims.Kind, claims.LicenseId);

    /// <inheritdoc cref="FileName(LicenseKeyClaims)"/>
    public static string FileName(string productCode, int major, LicenseKind kind, Guid licenseId) =>
        $"{productCode}-{major}-{LicenseKeyFormat.KindName(kind)}-{licenseId:N}{FileExtension}";

    /// <summary>Reads a license file: its (untrusted) header fields and its key. Throws <see cref="FormatException"/>.</summary>
    public static ParsedLicenseFile Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Replace("\r\n", "\n").Split('\n');
        var begin = Array.FindIndex(lines, line => line.Trim() == BeginMarker);
        if (begin < 0)
            throw new FormatException($"This is not a license file: the line {BeginMarker} is missing.");
        var end = Array.FindIndex(lines, begin + 1, line => line.Trim() == EndMarker);
        if (end < 0)
            throw new FormatException($"The license file is cut short: the line {EndMarker} is missing.");

        var key = string.Concat(lines[(begin + 1)..end].Select(line => string.Concat(line.Where(c => !char.IsWhiteSpace(c)))));
        if (key.Length == 0)
            throw new FormatException("The license file holds no key between its BEGIN and END lines.");

        var header = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines[..begin])
        {
            var colon = line.IndexOf(": ", StringComparison.Ordinal);
            if (colon > 0)
                header.TryAdd(line[..colon].Trim(), line[(colon + 2)..].Trim());
        }
        return new ParsedLicenseFile(header, key);
    }

    /// <summary>
    /// The key of a license file, or the text itself (trimmed) when it is a bare key. False for a file with markers
    /// that cannot be read.
    /// </summary>
    public static bool TryExtractKey(string text, out string key)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.Contains(BeginMarker, StringComparison.Ordinal))
        {
            key = text.Trim();
            return key.Length > 0;
        }
        try
        {
            key = Parse(text).Key;
            return true;
        }
        catch (FormatException)
        {
            key = "";
            return false;
        }
    }

    private static void Field(StringBuilder text, string name, string value) =>
        text.Append(name).Append(": ").Append(value.ReplaceLineEndings(" ").Trim()).Append('\n');
}

/// <summary>A read license file. <see cref="Header"/> is what the file says for people and is not trusted; verify <see cref="Key"/>.</summary>
public sealed record ParsedLicenseFile(IReadOnlyDictionary<string, string> Header, string Key);
