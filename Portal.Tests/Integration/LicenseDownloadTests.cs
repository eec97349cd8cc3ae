using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.History;
using Portal.Domain.Keys;
using Portal.Domain.Licensing;

namespace Portal.Tests.Integration;

/// <summary>
/// The license downloads and the history export through the real app, signed in as the demo customer (Contoso) with the
/// real sign-in form: the files verify with the published JWKS, other organizations' licenses are not found, every
/// download is recorded in the history, and the CSV is well-formed and safe to open in a spreadsheet.
/// </summary>
public sealed partial class LicenseDownloadTests(PortalApp app) : IClassFixture<PortalApp>
{
    private PortalAppFactory Factory => app.Factory;

    [Fact]
    public async Task Download_returns_a_license_file_that_verifies_with_the_published_jwks()
    {
        using var client = await SignedInCustomerAsync();
        var license = (await LicensesAsync(DevelopmentData.DemoOrganizationName)).First(l => l.Status == LicenseStatus.Active && l.Major == 6);

        var response = await client.GetAsync($"/licenses/{license.Id}/download");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(LicenseFile.MediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal($"officestatus-6-perpetual-{license.Id:N}.lic", response.Content.Headers.ContentDisposition?.FileNameStar);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString());

        var text = await response.Content.ReadAsStringAsync();
        var verification = (await VerifierAsync(client)).Verify(text);
        Assert.True(verification.IsValid, verification.Message);
        Assert.Equal(license.Id, verification.Claims.LicenseId);
        Assert.Equal(license.Seats, verification.Claims.Seats);
        Assert.Equal(6, verification.Claims.Major);
        Assert.Equal(LicenseKind.Perpetual, verification.Claims.Kind);
        Assert.Equal(DevelopmentData.DemoOrganizationName, verification.Claims.Licensee);
        var header = LicenseFile.Parse(text).Header;
        Assert.Equal(DevelopmentData.DemoOrganizationName, header[LicenseFile.Fields.Licensee]);
        Assert.Equal(license.Id.ToString(), header[LicenseFile.Fields.LicenseId]);
        Assert.Equal(license.Key, LicenseFile.Parse(text).Key);
    }

    [Fact]
    public async Task Another_organizations_license_is_not_found_on_the_page_and_for_download()
    {
        using var client = await SignedInCustomerAsync();
        var theirs = (await LicensesAsync("Northwind Traders")).First();

        var download = await client.GetAsync($"/licenses/{theirs.Id}/download");
        var page = await client.GetAsync($"/licenses/{theirs.Id}");
        var unknown = await client.GetAsync($"/licenses/{Guid.NewGuid()}/download");

        Assert.Equal(HttpStatusCode.NotFound, download.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.DoesNotContain(theirs.Key, await download.Content.ReadAsStringAsync());
        var html = await page.Content.ReadAsStringAsync();
        Assert.DoesNotContain(theirs.Key, html);
        Assert.DoesNotContain("Northwind", html);
        Assert.Single(H1().Matches(html));
        Assert.Null(download.Content.Headers.ContentDisposition);
    }

    [Fact]
    public async Task Own_license_page_renders_for_the_customer()
    {
        using var client = await SignedInCustomerAsync();
        var license = (await LicensesAsync(DevelopmentData.DemoOrganizationName)).First(l => l.Status == LicenseStatus.Active);

        var page = await client.GetAsync($"/licenses/{license.Id}");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains(license.Key, html);
        Assert.Contains($"href=\"/licenses/{license.Id}/download\"", html);
        Assert.Single(H1().Matches(html));
    }

    [Theory]
    [InlineData("/licenses/{id}/download")]
    [InlineData("/licenses/download-all")]
    [InlineData("/history/export.csv")]
    [InlineData("/licenses")]
    [InlineData("/licenses/{id}")]
    [InlineData("/history")]
    public async Task Anonymous_visitors_are_sent_to_sign_in(string path)
    {
        var license = (await LicensesAsync(DevelopmentData.DemoOrganizationName)).First();
        using var client = NewClient();

        var response = await client.GetAsync(path.Replace("{id}", license.Id.ToString()));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/Account/Login", response.Headers.Location!.OriginalString);
        Assert.DoesNotContain(license.Key, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Staff_without_an_organization_are_refused_the_downloads()
    {
        using var client = NewClient();
        Assert.Equal(HttpStatusCode.Redirect, (await AccountForms.SignInAsync(client, DevelopmentData.SupportEmail, DevelopmentData.DemoPassword)).StatusCode);
        var license = (await LicensesAsync(DevelopmentData.DemoOrganizationName)).First();

        var response = await client.GetAsync($"/licenses/{license.Id}/download");

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(license.Key, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Download_all_holds_a_complete_verifying_file_for_every_active_license_and_nothing_else()
    {
        using var client = await SignedInCustomerAsync();
        var ours = await LicensesAsync(DevelopmentData.DemoOrganizationName);
        var active = ours.Where(l => l.Status == LicenseStatus.Active).Select(l => l.Id).Order().ToList();
        Assert.True(active.Count >= 3, "The demo data gives Contoso 5.x and 6.x licenses.");

        var response = await client.GetAsync("/licenses/download-all");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(LicenseFile.MediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.EndsWith(".txt", response.Content.Headers.ContentDisposition?.FileNameStar);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        var text = await response.Content.ReadAsStringAsync();
        var blocks = text.Split(LicenseFile.EndMarker + "\n", StringSplitOptions.RemoveEmptyEntries)
            .Where(b => b.Contains(LicenseFile.BeginMarker)).Select(b => b + LicenseFile.EndMarker + "\n").ToList();
        var verifier = await VerifierAsync(client);
        var verified = blocks.Select(block =>
        {
            var result = verifier.Verify(block);
            Assert.True(result.IsValid, result.Message);
            // Each block is a whole license file: its own title, header and key.
            Assert.Contains(LicenseFile.TitleLine, block);
            Assert.Equal(result.Claims.LicenseId.ToString(), LicenseFile.Parse(block).Header[LicenseFile.Fields.LicenseId]);
            return result.Claims.LicenseId;
        }).Order().ToList();
        Assert.Equal(active, verified);
        foreach (var other in ours.Where(l => l.Status != LicenseStatus.Active))
            Assert.DoesNotContain(other.Key, text);
    }

    [Fact]
    public async Task Downloads_appear_in_the_license_history()
    {
        using var client = await SignedInCustomerAsync();
        var license = (await LicensesAsync(DevelopmentData.DemoOrganizationName)).First(l => l.Status == LicenseStatus.Active);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/licenses/{license.Id}/download")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/licenses/download-all")).StatusCode);

        var history = await HistoryAsync();
        Assert.Equal(HistoryQueries.LicensesDownloaded, history[0].Action);
        Assert.Matches(@"^All \d+ current license keys downloaded in one file by customer@contoso\.example\.$", history[0].Summary);
        Assert.Equal(HistoryQueries.LicenseDownloaded, history[1].Action);
        Assert.Equal($"License key for OfficeStatus {license.Major} ({license.Seats} users) downloaded by {DevelopmentData.CustomerEmail}.", history[1].Summary);
        Assert.Equal(DevelopmentData.CustomerEmail, history[1].ActorName);

        var page = await client.GetStringAsync("/history");
        Assert.Contains(WebUtility.HtmlEncode(history[1].Summary), page);
        var licensePage = await client.GetStringAsync($"/licenses/{license.Id}");
        Assert.Contains(WebUtility.HtmlEncode(history[1].Summary), licensePage);
    }

    [Fact]
    public async Task Csv_export_has_a_header_one_row_per_event_and_neutralises_formulas()
    {
        using var client = await SignedInCustomerAsync();
        await using (var scope = Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            var contoso = await db.Organizations.SingleAsync(o => o.Name == DevelopmentData.DemoOrganizationName);
            var audit = scope.ServiceProvider.GetRequiredService<AuditLog>();
            audit.Record(db, Actor.Person("u", "=cmd|' /C calc'!A0", Roles.Customer), "test.formula", "Test", 1, contoso.Id,
                "=HYPERLINK(\"http://evil.example\",\"Click, \"\"here\"\"\")");
            audit.Record(db, Actor.System, "test.multiline", "Test", 2, contoso.Id, "Line one\nline two, with a comma");
            await db.SaveChangesAsync();
        }
        var events = await HistoryAsync();

        var response = await client.GetAsync("/history/export.csv");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.EndsWith(".csv", response.Content.Headers.ContentDisposition?.FileNameStar);
        var rows = ParseCsv(Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync()).TrimStart('\uFEFF'));
        Assert.Equal(new[] { "Date (UTC)", "Who", "Action", "What" }, rows[0]);
        Assert.Equal(events.Count + 1, rows.Count);
        Assert.All(rows, row => Assert.Equal(4, row.Count));
        Assert.Equal(events.Select(e => e.Summary.StartsWith('=') ? "'" + e.Summary : e.Summary), rows.Skip(1).Select(r => r[3]));
        Assert.Equal("'=HYPERLINK(\"http://evil.example\",\"Click, \"\"here\"\"\")", rows[2][3]);
        Assert.Equal("'=cmd|' /C calc'!A0", rows[2][1]);
        Assert.Equal("Line one\nline two, with a comma", rows[1][3]);
        Assert.DoesNotContain(rows.Skip(1).SelectMany(r => r), cell => cell.Length > 0 && "=+-@".Contains(cell[0]));
        Assert.DoesNotContain(rows, row => row[3].Contains("Northwind"));
    }

    private HttpClient NewClient() => Factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });

    private async Task<HttpClient> SignedInCustomerAsync()
    {
        var client = NewClient();
        var response = await AccountForms.SignInAsync(client, DevelopmentData.CustomerEmail, DevelopmentData.DemoPassword);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    private static async Task<LicenseKeyVerifier> VerifierAsync(HttpClient client) =>
        new(await client.GetStringAsync("/.well-known/jwks.json")) { ProductCode = "officestatus" };

    private async Task<List<License>> LicensesAsync(string organizationName)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var organizationId = await db.Organizations.Where(o => o.Name == organizationName).Select(o => o.Id).SingleAsync();
        return await db.Licenses.AsNoTracking().Where(l => l.OrganizationId == organizationId).OrderBy(l => l.IssuedAt).ToListAsync();
    }

    /// <summary>Contoso's whole customer-visible history, newest first.</summary>
    private async Task<List<HistoryEntry>> HistoryAsync()
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var contoso = await db.Organizations.Where(o => o.Name == DevelopmentData.DemoOrganizationName).Select(o => o.Id).SingleAsync();
        return (await AuditLog.LicenseHistoryAsync(db, contoso, 1, AuditLog.MaxPageSize)).Entries.ToList();
    }

    /// <summary>A strict RFC 4180 reader for the test: quoted fields, doubled quotes, CRLF between records.</summary>
    private static List<List<string>> ParseCsv(string csv)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < csv.Length; i++)
        {
            var c = csv[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < csv.Length && csv[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"' && field.Length == 0)
            {
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\r' && i + 1 < csv.Length && csv[i + 1] == '\n')
            {
                row.Add(field.ToString());
                field.Clear();
                rows.Add(row);
                row = [];
                i++;
            }
            else
            {
                Assert.Fail($"Unquoted or stray character '{c}' at {i}: every field is quoted and records end in CRLF.");
            }
        }
        Assert.True(field.Length == 0 && row.Count == 0 && !quoted, "The CSV does not end with a complete record.");
        return rows;
    }


    [GeneratedRegex(@"<h1[\s>]")]
    private static partial Regex H1();
}
