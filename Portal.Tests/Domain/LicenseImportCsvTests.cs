using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.Domain;
using Portal.Domain.Accounts;
using Portal.Domain.Licensing;
using Portal.Tests.Builders;

namespace Portal.Tests.Domain;

/// <summary>Importing existing licenses from a CSV file: a report of every row, and files refused as a whole.</summary>
public sealed class LicenseImportCsvTests : IAsyncLifetime
{
    private const string Header = "organization,product,major,seats,purchased on,reference";

    private DomainFixture _fx = null!;

    public async Task InitializeAsync() => _fx = await DomainFixture.CreateAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    private static string Csv(params string[] lines) => string.Join("\r\n", lines) + "\r\n";

    private Task<LicenseImportReport> ImportAsync(string csv, Actor? actor = null) =>
        _fx.Get<LicenseImport>().ImportCsvAsync(csv, actor ?? DomainFixture.Admin);

    private async Task<int> LicenseCountAsync()
    {
        await using var db = _fx.Db();
        return await db.Licenses.CountAsync();
    }

    private async Task AssertNothingStoredAsync()
    {
        await using var db = _fx.Db();
        Assert.False(await db.Licenses.AnyAsync());
        Assert.False(await db.AuditEvents.AnyAsync());
    }

    private static LicenseImportRow Row(LicenseImportReport report, int line) => report.Rows.Single(r => r.Line == line);

    [Fact]
    public async Task Valid_rows_are_imported_and_every_row_is_reported_with_its_line_and_text()
    {
        var fabrikam = await _fx.AddOrganizationAsync("Fabrikam");

        var report = await ImportAsync(Csv(
            Header,
            "Contoso Ltd,officestatus,5,10,2024-03-01,INV-2024-0117",
            $"{fabrikam.Id},,4,25,2021-06-30,",
            "BILLING@Contoso.example,OfficeStatus,5.x,1,2023-11-15,PO 5512",
            "Nobody Inc,officestatus,5,10,2024-03-01,"));

        Assert.Equal((3, 1), (report.Imported, report.Refused));
        Assert.Equal([2, 3, 4, 5], report.Rows.Select(r => r.Line));
        var first = Row(report, 2);
        Assert.Equal((ImportOutcome.Imported, "Contoso Ltd,officestatus,5,10,2024-03-01,INV-2024-0117"), (first.Outcome, first.AsRead));
        Assert.Equal("OfficeStatus 5.x, 10 seats, for Contoso Ltd", first.Detail);
        Assert.Equal("OfficeStatus 4.x, 25 seats, for Fabrikam", Row(report, 3).Detail);
        Assert.Equal("OfficeStatus 5.x, 1 seat, for Contoso Ltd", Row(report, 4).Detail);
        await using var db = _fx.Db();
        var licenses = await db.Licenses.AsNoTracking().ToListAsync();
        Assert.Equal(report.Rows.Where(r => r.LicenseId is not null).Select(r => r.LicenseId!.Value).Order(), licenses.Select(l => l.Id).Order());
        Assert.All(licenses, l => Assert.Equal(LicenseSource.Imported, l.Source));
        Assert.Equal(11, await _fx.CapacityAsync(_fx.Contoso, 5));
        Assert.Equal(25, await _fx.CapacityAsync(fabrikam, 4));
        Assert.Equal(3, await db.AuditEvents.CountAsync(e => e.Action == LicensingService.LicenseImported));
    }

    [Theory]
    [InlineData("Nobody Inc,officestatus,5,10,2024-03-01,", "Unknown organization \"Nobody Inc\": give its id, exact name or billing email.")]
    [InlineData("contoso ltd,officestatus,5,10,2024-03-01,", "Unknown organization \"contoso ltd\"")]
    [InlineData("00000000-0000-0000-0000-000000000001,officestatus,5,10,2024-03-01,", "Unknown organization")]
    [InlineData(",officestatus,5,10,2024-03-01,", "No organization: give its id, exact name or billing email.")]
    [InlineData("Contoso Ltd,officepulse,5,10,2024-03-01,", "Unknown product code \"officepulse\".")]
    [InlineData("Contoso Ltd,officestatus,7,10,2024-03-01,", "OfficeStatus has no major version 7; the current one is 6.")]
    [InlineData("Contoso Ltd,officestatus,five,10,2024-03-01,", "The major version \"five\" is not a whole number such as 5.")]
    [InlineData("Contoso Ltd,officestatus,,10,2024-03-01,", "No major version.")]
    [InlineData("Contoso Ltd,officestatus,5,0,2024-03-01,", "The seats \"0\" are not a positive whole number.")]
    [InlineData("Contoso Ltd,officestatus,5,-4,2024-03-01,", "The seats \"-4\" are not a positive whole number.")]
    [InlineData("Contoso Ltd,officestatus,5,ten,2024-03-01,", "The seats \"ten\" are not a positive whole number.")]
    [InlineData("Contoso Ltd,officestatus,5,2.5,2024-03-01,", "The seats \"2.5\" are not a positive whole number.")]
    [InlineData("Contoso Ltd,officestatus,5,99999999999,2024-03-01,", "The seats \"99999999999\" are not a positive whole number.")]
    [InlineData("Contoso Ltd,officestatus,5,10,01/03/2024,", "The purchase date \"01/03/2024\" is not a date in the form yyyy-MM-dd.")]
    [InlineData("Contoso Ltd,officestatus,5,10,2024-02-30,", "The purchase date \"2024-02-30\" is not a date in the form yyyy-MM-dd.")]
    [InlineData("Contoso Ltd,officestatus,5,10,,", "No purchase date.")]
    [InlineData("Contoso Ltd,officestatus,5,10,2027-01-01,", "The purchase date 2027-01-01 is in the future.")]
    [InlineData("Contoso Ltd,officestatus,5,10,1994-01-01,", "before 2000-01-01")]
    [InlineData("Contoso Ltd,officestatus,5,10,2024-03-01,\"two\nlines\"", "Malformed row: a quoted value is never closed.")]
    [InlineData("Contoso Ltd,officestatus,5,10,2024-03-01,INV \"7\" x", "Malformed row: a quote inside a value that is not quoted.")]
    [InlineData("Contoso Ltd,officestatus,5,10,2024-03-01,\"INV\"7", "Malformed row: text after the closing quote of a value.")]
    [InlineData("Contoso Ltd,officestatus,5,10,2024-03-01,INV-1,extra", "Malformed row: it has 7 values but the header has 6 columns.")]
    public async Task A_refused_row_says_why_and_stores_nothing(string row, string reason)
    {
        var report = await ImportAsync(Csv(Header, row));

        var refused = Assert.Single(report.Rows, r => r.Line == 2);
        Assert.Equal(ImportOutcome.Refused, refused.Outcome);
        Assert.Contains(reason, refused.Detail);
        Assert.Null(refused.LicenseId);
        Assert.Equal(0, report.Imported);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task An_organization_name_or_billing_email_shared_by_two_organizations_is_refused_as_ambiguous()
    {
        await _fx.AddOrganizationAsync("Contoso Ltd");

        var report = await ImportAsync(Csv(Header, "Contoso Ltd,,5,10,2024-03-01,", $"{_fx.Contoso.Id},,5,10,2024-03-01,"));

        Assert.Equal("2 organizations match \"Contoso Ltd\": give the organization's id instead.", Row(report, 2).Detail);
        Assert.Equal(ImportOutcome.Imported, Row(report, 3).Outcome);
    }

    [Fact]
    public async Task A_row_repeated_in_the_file_is_imported_once_and_running_the_file_again_imports_nothing()
    {
        var csv = Csv(Header, "Contoso Ltd,,5,10,2024-03-01,INV-7", "Contoso Ltd,,5,10,2024-03-01,INV-7", "Contoso Ltd,,5,10,2024-03-01,INV-8");

        var first = await ImportAsync(csv);
        var again = await ImportAsync(csv);

        Assert.Equal([ImportOutcome.Imported, ImportOutcome.Refused, ImportOutcome.Imported], first.Rows.Select(r => r.Outcome));
        Assert.StartsWith("This license was already imported on 2026-11-29", Row(first, 3).Detail);
        Assert.Equal((0, 3), (again.Imported, again.Refused));
        Assert.All(again.Rows, r => Assert.Contains("already imported", r.Detail));
        Assert.Equal(2, await LicenseCountAsync());
    }

    [Fact]
    public async Task Columns_may_come_in_any_order_and_product_and_reference_may_be_left_out()
    {
        var report = await ImportAsync(Csv(
            "Purchased_On,Seats,Major,Organization",
            "2024-03-01,10,5,Contoso Ltd",
            "2022-01-31,3,4,billing@contoso.example"));

        Assert.Equal((2, 0), (report.Imported, report.Refused));
        Assert.Equal(10, await _fx.CapacityAsync(_fx.Contoso, 5));
        Assert.Equal(3, await _fx.CapacityAsync(_fx.Contoso, 4));
    }

    [Fact]
    public async Task Short_rows_read_their_missing_values_as_empty_and_blank_lines_are_skipped()
    {
        var report = await ImportAsync(Csv(Header, "Contoso Ltd,,5,10,2024-03-01", "", ",,,,,", "Contoso Ltd,,5,3"));

        Assert.Equal([2, 5], report.Rows.Select(r => r.Line));
        Assert.Equal(ImportOutcome.Imported, Row(report, 2).Outcome);
        Assert.Equal("No purchase date.", Row(report, 5).Detail);
    }

    [Fact]
    public async Task A_quoted_value_may_hold_a_comma_and_a_byte_order_mark_is_ignored()
    {
        var organization = await _fx.AddOrganizationAsync("Fabrikam, Inc.");

        var report = await ImportAsync("\uFEFF" + Csv(Header, "\"Fabrikam, Inc.\",officestatus,5,10,2024-03-01,\"INV \"\"7\"\"\""));

        Assert.Equal(ImportOutcome.Imported, Assert.Single(report.Rows).Outcome);
        await using var db = _fx.Db();
        var history = await db.AuditEvents.SingleAsync(e => e.OrganizationId == organization.Id);
        Assert.Contains("reference INV \"7\"", history.Summary);
    }

    [Fact]
    public async Task Formula_text_is_refused_as_an_organization_and_stored_as_plain_text_as_a_reference()
    {
        var report = await ImportAsync(Csv(Header,
            "=cmd|' /C calc'!A0,officestatus,5,10,2024-03-01,",
            "Contoso Ltd,officestatus,5,10,2024-03-01,\"=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\""));

        Assert.Equal("Unknown organization \"=cmd|' /C calc'!A0\": give its id, exact name or billing email.", Row(report, 2).Detail);
        Assert.Equal(ImportOutcome.Imported, Row(report, 3).Outcome);
        await using var db = _fx.Db();
        var summary = await db.AuditEvents.Select(e => e.Summary).SingleAsync();
        Assert.Contains("reference =HYPERLINK(\"http://evil.example\",\"x\")).", summary);
    }

    [Theory]
    [InlineData("", "The file is empty.")]
    [InlineData("\r\n\r\n", "The file is empty.")]
    [InlineData(Header + "\r\n", "The file has a header but no rows to import.")]
    [InlineData(Header + "\r\n,,,,,\r\n", "The file has a header but no rows to import.")]
    [InlineData("customer,version,users,date\r\nContoso Ltd,5,10,2024-03-01\r\n", "The header has an unknown column \"customer\".")]
    [InlineData("organization,major,seats\r\nContoso Ltd,5,10\r\n", "The header has no column \"purchased on\".")]
    [InlineData("organization,major,seats,purchased on,major\r\n", "The header names the column \"major\" twice.")]
    [InlineData("Contoso Ltd,officestatus,5,10,2024-03-01,INV-1\r\n", "The header has an unknown column \"Contoso Ltd\".")]
    public async Task A_file_without_rows_or_with_the_wrong_columns_is_refused_as_a_whole(string csv, string message)
    {
        var error = await Assert.ThrowsAsync<DomainException>(() => ImportAsync(csv));

        Assert.StartsWith(message, error.Message);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task The_refusal_of_the_columns_names_the_expected_ones()
    {
        var error = await Assert.ThrowsAsync<DomainException>(() => ImportAsync("name\r\nContoso Ltd\r\n"));

        Assert.Contains("The columns are: organization, product, major, seats, purchased on, reference", error.Message);
    }

    [Fact]
    public async Task A_file_with_more_than_5000_rows_is_refused_before_anything_is_imported()
    {
        var rows = Enumerable.Range(1, LicenseImport.MaxRows + 1).Select(i => $"Contoso Ltd,,5,{i},2024-03-01,");

        var error = await Assert.ThrowsAsync<DomainException>(() => ImportAsync(Csv([Header, .. rows])));

        Assert.Equal("The file has more than 5,000 rows. Split it into smaller files.", error.Message);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task A_file_larger_than_1_MB_is_refused_before_anything_is_imported()
    {
        var padding = new string('x', LicenseImport.MaxFileBytes);

        var asText = await Assert.ThrowsAsync<DomainException>(() => ImportAsync(Csv(Header, $"Contoso Ltd,,5,10,2024-03-01,{padding}")));
        var asFile = await Assert.ThrowsAsync<DomainException>(() =>
            _fx.Get<LicenseImport>().ImportFileAsync(Encoding.UTF8.GetBytes(Csv(Header, $"Contoso Ltd,,5,10,2024-03-01,{padding}")), DomainFixture.Admin));

        Assert.Equal("The file is larger than 1 MB. Split it into smaller files.", asText.Message);
        Assert.Equal(asText.Message, asFile.Message);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task An_uploaded_file_must_be_UTF8_text()
    {
        var latin1 = Encoding.Latin1.GetBytes(Csv(Header, "Café Zoë,,5,10,2024-03-01,"));
        var binary = new byte[] { 0x50, 0x4B, 0x03, 0x04, 0x00, 0x00, 0x08, 0x00 };
        var import = _fx.Get<LicenseImport>();

        var notUtf8 = await Assert.ThrowsAsync<DomainException>(() => import.ImportFileAsync(latin1, DomainFixture.Admin));
        var notText = await Assert.ThrowsAsync<DomainException>(() => import.ImportFileAsync(binary, DomainFixture.Admin));

        Assert.Contains("not UTF-8 text", notUtf8.Message);
        Assert.Contains("Save it from your spreadsheet as \"CSV UTF-8\"", notUtf8.Message);
        Assert.Equal("The file is not a text file. Upload a CSV file.", notText.Message);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task An_uploaded_UTF8_file_with_a_byte_order_mark_is_imported()
    {
        var organization = await _fx.AddOrganizationAsync("Café Zoë");
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(Csv(Header, "Café Zoë,,5,10,2024-03-01,"))).ToArray();

        var report = await _fx.Get<LicenseImport>().ImportFileAsync(bytes, DomainFixture.Admin);

        Assert.Equal(1, report.Imported);
        Assert.Equal(10, await _fx.CapacityAsync(organization, 5));
    }

    [Fact]
    public async Task The_text_of_a_very_long_row_is_shortened_in_the_report()
    {
        var report = await ImportAsync(Csv(Header, $"{new string('N', 400)},,5,10,2024-03-01,"));

        var row = Assert.Single(report.Rows);
        Assert.Equal(301, row.AsRead.Length);
        Assert.EndsWith("…", row.AsRead);
    }

    [Theory]
    [InlineData(Roles.Sales)]
    [InlineData(Roles.Support)]
    [InlineData(Roles.Customer)]
    public async Task Only_an_admin_imports_a_file(string role)
    {
        var actor = Actor.Person($"{role}-1", $"{role}@example.com", role);
        var csv = Csv(Header, "Contoso Ltd,,5,10,2024-03-01,");

        var asText = await Assert.ThrowsAsync<DomainException>(() => ImportAsync(csv, actor));
        var asFile = await Assert.ThrowsAsync<DomainException>(() => _fx.Get<LicenseImport>().ImportFileAsync(Encoding.UTF8.GetBytes(csv), actor));

        Assert.Equal("Only Admin staff can import existing licenses.", asText.Message);
        Assert.Equal(asText.Message, asFile.Message);
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task The_sample_file_reads_with_the_documented_columns()
    {
        await _fx.AddOrganizationAsync("Fabrikam");

        var report = await ImportAsync(LicenseImport.SampleCsv);

        Assert.Equal([2, 3, 4], report.Rows.Select(r => r.Line));
        Assert.Equal([ImportOutcome.Imported, ImportOutcome.Imported, ImportOutcome.Refused], report.Rows.Select(r => r.Outcome));
        Assert.StartsWith("Unknown organization \"0193a1b2-", Row(report, 4).Detail);
    }
}
