namespace Portal.Domain.Organizations;

/// <summary>
/// Where invoices are addressed. The country is the organization's own <see cref="Organization.CountryCode"/>; an
/// organization without an address has <see cref="None"/> (every part empty).
/// </summary>
public sealed record PostalAddress
{
    public const int LineMaxLength = 200;
    public const int PartMaxLength = 100;

    public static PostalAddress None { get; } = new("", "", "", "", "");

    private PostalAddress(string line1, string line2, string postalCode, string city, string region)
    {
        Line1 = line1;
        Line2 = line2;
        PostalCode = postalCode;
        City = city;
        Region = region;
    }

    public string Line1 { get; private init; }
    public string Line2 { get; private init; }
    public string PostalCode { get; private init; }
    public string City { get; private init; }

    /// <summary>State, province or county, where the country uses one.</summary>
    public string Region { get; private init; }

    public bool IsEmpty => Line1.Length == 0 && City.Length == 0;

    /// <summary>An address with at least a street line and a city, or <see cref="None"/> when every part is blank.</summary>
    public static PostalAddress Create(string? line1, string? line2, string? postalCode, string? city, string? region)
    {
        var parts = new[] { line1, line2, postalCode, city, region }.Select(p => p?.Trim() ?? "").ToArray();
        if (parts.All(p => p.Length == 0))
            return None;
        if (parts[0].Length == 0)
            throw new DomainException("A billing address needs a street address.");
        if (parts[3].Length == 0)
            throw new DomainException("A billing address needs a city.");
        if (parts[0].Length > LineMaxLength || parts[1].Length > LineMaxLength)
            throw new DomainException($"An address line can have at most {LineMaxLength} characters.");
        if (parts[2..].Any(p => p.Length > PartMaxLength))
            throw new DomainException($"A postal code, city or region can have at most {PartMaxLength} characters.");
        return new PostalAddress(parts[0], parts[1], parts[2], parts[3], parts[4]);
    }

    /// <summary>The address as printed on a quote or invoice, one line per part, the country last.</summary>
    public IReadOnlyList<string> Lines(string countryCode)
    {
        if (IsEmpty)
            return [];
        var cityLine = string.Join(" ", new[] { PostalCode, City, Region }.Where(p => p.Length > 0));
        return new[] { Line1, Line2, cityLine, Countries.Find(countryCode)?.Name ?? countryCode }.Where(p => p.Length > 0).ToList();
    }

    public override string ToString() => string.Join(", ", new[] { Line1, Line2, PostalCode, City, Region }.Where(p => p.Length > 0));
}

/// <summary>A kind of tax identification number, by the code payment providers use for it (Stripe's <c>tax_id.type</c>).</summary>
public sealed record TaxIdType(string Code, string Name, string Example);

/// <summary>
/// An organization's tax identification number (a VAT number, an EIN, …) as it appears on quotes and invoices. Portal
/// checks its shape only loosely: the tax authority, not Portal, decides whether a number is valid.
/// </summary>
public sealed record TaxId
{
    public const int ValueMaxLength = 50;

    /// <summary>The kinds Portal offers, a subset of Stripe's list; <c>eu_vat</c> covers every EU member state.</summary>
    public static IReadOnlyList<TaxIdType> Types { get; } =
    [
        new("eu_vat", "EU VAT number", "DE123456789"),
        new("gb_vat", "UK VAT number", "GB123456789"),
        new("ch_vat", "Swiss VAT number", "CHE-123.456.789 MWST"),
        new("no_vat", "Norwegian VAT number", "123456789MVA"),
        new("us_ein", "US Employer Identification Number", "12-3456789"),
        new("ca_bn", "Canadian Business Number", "123456789"),
        new("au_abn", "Australian Business Number", "12345678912"),
        new("nz_gst", "New Zealand GST number", "123456789"),
        new("in_gst", "Indian GSTIN", "12ABCDE3456FGZH"),
        new("jp_cn", "Japanese Corporate Number", "1234567891234"),
    ];

    private TaxId(string type, string value)
    {
        Type = type;
        Value = value;
    }

    /// <summary>One of <see cref="Types"/>' codes.</summary>
    public string Type { get; private init; }

    public string Value { get; private init; }

    public string TypeName => Types.FirstOrDefault(t => t.Code == Type)?.Name ?? Type;

    /// <summary>A tax ID of a known type, or null when the value is blank.</summary>
    public static TaxId? Create(string? type, string? value)
    {
        var trimmed = value?.Trim() ?? "";
        if (trimmed.Length == 0)
            return null;
        if (Types.All(t => t.Code != type))
            throw new DomainException("Choose what kind of tax ID this is.");
        if (trimmed.Length > ValueMaxLength)
            throw new DomainException($"A tax ID can have at most {ValueMaxLength} characters.");
        if (!trimmed.Any(char.IsDigit) || trimmed.Any(c => !(char.IsLetterOrDigit(c) || c is ' ' or '-' or '.' or '/')))
            throw new DomainException("A tax ID is made of letters and digits (spaces, dashes, dots and slashes allowed).");
        return new TaxId(type!, trimmed);
    }

    public override string ToString() => $"{TypeName} {Value}";
}
