namespace Portal.Domain.Keys;

/// <summary>
/// The wire format of a license key (docs/rules.md#license-keys): a compact JWS signed with ES256, header <c>kid</c> and
/// <c>typ: license+jwt</c>. These names are what shipped products read; changing one breaks every installed product.
/// </summary>
public static class LicenseKeyFormat
{
    /// <summary>The only signature algorithm a license key may use (ECDSA P-256 with SHA-256).</summary>
    public const string Algorithm = "ES256";

    /// <summary>The <c>typ</c> header of every license key.</summary>
    public const string TokenType = "license+jwt";

    /// <summary>Licensee (organization) name.</summary>
    public const string LicenseeClaim = "org";

    /// <summary>Product display name; the product code is the audience (<c>aud</c>).</summary>
    public const string ProductNameClaim = "prd";

    /// <summary>Major version the key unlocks (R5: every minor release of it).</summary>
    public const string MajorClaim = "maj";

    /// <summary>Number of enabled users the key covers (R1, R2).</summary>
    public const string SeatsClaim = "seats";

    /// <summary><c>perpetual</c> or <c>evaluation</c>.</summary>
    public const string KindClaim = "lic";

    /// <summary>Last day of free support (R8) as <c>yyyy-MM-dd</c>; absent when unknown.</summary>
    public const string SupportEndClaim = "sup";

    public const string Perpetual = "perpetual";
    public const string Evaluation = "evaluation";

    /// <summary>Format of the <c>sup</c> claim.</summary>
    public const string DateFormat = "yyyy-MM-dd";

    public static string KindName(LicenseKind kind) => kind switch
    {
        LicenseKind.Perpetual => Perpetual,
        LicenseKind.Evaluation => Evaluation,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown license kind."),
    };

    public static LicenseKind? ParseKind(string? value) => value switch
    {
        Perpetual => LicenseKind.Perpetual,
        Evaluation => LicenseKind.Evaluation,
        _ => null,
    };
}
