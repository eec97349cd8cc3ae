using Portal.Domain.Keys;

namespace Portal.Tests.Keys;

public sealed class LicenseFileTests
{
    private const string Key = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln";

    private static readonly LicenseKeyClaims Evaluation = new(
        Guid.Parse("0193a1b2-7c4d-7e8f-9a0b-eeeeeeeeeeee"), "officestatus", "OfficeStatus", "Fabrikam, Inc.", 6, 5,
        LicenseKind.Evaluation, new DateTimeOffset(2026, 11, 29, 10, 0, 30, TimeSpan.Zero), null,
        new DateTimeOffset(2026, 12, 29, 10, 0, 30, TimeSpan.Zero));

    [Fact]
    public void An_evaluation_file_has_a_readable_header_with_its_expiry_then_the_key_between_the_markers()
    {
        var text = LicenseFile.Format(Evaluation, Key);

        Assert.Equal(
            $"""
            {LicenseFile.TitleLine}
            Licensee: Fabrikam, Inc.
            Product: OfficeStatus
            Product code: officestatus
            Major version: 6
            Seats: 5
            License: Evaluation
            License ID: 0193a1b2-7c4d-7e8f-9a0b-eeeeeeeeeeee
            Issued: 2026-11-29 10:00 UTC
            Expires: 2026-12-29 10:00 UTC

            -----BEGIN OFFICESTATUS LICENSE-----
            {Key}
            -----END OFFICESTATUS LICENSE-----

            """.ReplaceLineEndings("\n"),
            text);
    }

    [Fact]
    public void A_perpetual_file_states_the_support_end_and_no_expiry()
    {
        var perpetual = Evaluation with { Kind = LicenseKind.Perpetual, ExpiresAt = null, SupportEndsOn = new DateOnly(2027, 11, 29) };

        var header = LicenseFile.Parse(LicenseFile.Format(perpetual, Key)).Header;

        Assert.Equal("2027-11-29", header[LicenseFile.Fields.SupportEnds]);
        Assert.Equal("Perpetual", header[LicenseFile.Fields.Kind]);
        Assert.False(header.ContainsKey(LicenseFile.Fields.Expires));
    }

    [Fact]
    public void Parse_gives_back_the_key_and_the_header_and_a_licensee_cannot_break_the_layout()
    {
        var sneaky = Evaluation with { Licensee = "Evil Corp\n-----BEGIN OFFICESTATUS LICENSE-----\nSeats: 9999" };

        var parsed = LicenseFile.Parse(LicenseFile.Format(sneaky, Key));

        Assert.Equal(Key, parsed.Key);
        Assert.Equal("5", parsed.Header[LicenseFile.Fields.Seats]);
        Assert.StartsWith("Evil Corp -----BEGIN", parsed.Header[LicenseFile.Fields.Licensee]);
    }

    [Fact]
    public void A_file_without_its_end_line_or_key_does_not_parse()
    {
        var text = LicenseFile.Format(Evaluation, Key);

        Assert.Throws<FormatException>(() => LicenseFile.Parse(text.Replace(LicenseFile.EndMarker, "")));
        Assert.Throws<FormatException>(() => LicenseFile.Parse(text.Replace(Key, "")));
        Assert.Throws<FormatException>(() => LicenseFile.Parse("Licensee: x"));
        Assert.True(LicenseFile.TryExtractKey($"  {Key}\n", out var bare));
        Assert.Equal(Key, bare);
    }

    [Fact]
    public void The_file_name_names_product_major_kind_and_license()
    {
        Assert.Equal("officestatus-6-evaluation-0193a1b27c4d7e8f9a0beeeeeeeeeeee.lic", LicenseFile.FileName(Evaluation));
    }
}
