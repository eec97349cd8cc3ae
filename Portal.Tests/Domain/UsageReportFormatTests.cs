using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Portal.Domain;
using Portal.Domain.Accounts;
using Portal.Domain.Members;
using Portal.Domain.Usage;
using Portal.Tests.Builders;

namespace Portal.Tests.Domain;

/// <summary>
/// Issue 22, usage files: every kind of spoiled or hostile report is refused with a message that names what is wrong,
/// never an unexpected exception, and leaves the database as it was, also for an installation Portal already knows
/// (its figures, days, keys and history unchanged). The format's documentation publishes the schema Portal checks.
/// </summary>
public sealed partial class UsageReportFormatTests : IAsyncLifetime
{
    private static readonly Guid Server = Guid.Parse("3f2c9a1b-5d7e-4c21-9a0b-1c2d3e4f5a6b");

    private DomainFixture _fx = null!;

    public async Task InitializeAsync() => _fx = await DomainFixture.CreateAsync();

    public async Task DisposeAsync() => await _fx.DisposeAsync();

    private UsageService Usage => _fx.Get<UsageService>();

    private Actor Technical => DomainFixture.CustomerIn(_fx.Contoso.Id, MemberRoles.Technical);

    /// <summary>A good report of <see cref="Server"/> written now, as a node to spoil.</summary>
    private JsonObject Good() => UsageReports.For(Server, _fx.Clock.GetUtcNow()).Node();

    private JsonObject Good(Action<JsonObject> spoil)
    {
        var report = Good();
        spoil(report);
        return report;
    }

    private static byte[] Bytes(JsonNode report) => Encoding.UTF8.GetBytes(report.ToJsonString());

    private string ReportDay(int daysBack) =>
        DateOnly.FromDateTime(_fx.Clock.GetUtcNow().UtcDateTime).AddDays(-daysBack).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static JsonObject Day(string date, int enabledUsers) => new() { ["date"] = date, ["enabledUsers"] = enabledUsers };

    /// <summary>Each spoiled report by name, with a part of the message it must be refused with.</summary>
    private Dictionary<string, (byte[] Report, string Message)> Spoiled() => new()
    {
        ["format version 2"] = (Bytes(Good(r => r["schemaVersion"] = 2)), "format version 2; Portal reads version 1"),
        ["format version as text"] = (Bytes(Good(r => r["schemaVersion"] = "1")), "format version \"1\""),
        ["no schemaVersion"] = (Bytes(Good(r => r.Remove("schemaVersion"))), "the report: Required properties [\"schemaVersion\"] are not present"),
        ["no installationId"] = (Bytes(Good(r => r.Remove("installationId"))), "the report: Required properties [\"installationId\"] are not present"),
        ["no product"] = (Bytes(Good(r => r.Remove("product"))), "the report: Required properties [\"product\"] are not present"),
        ["no version"] = (Bytes(Good(r => r.Remove("version"))), "the report: Required properties [\"version\"] are not present"),
        ["no generatedAt"] = (Bytes(Good(r => r.Remove("generatedAt"))), "the report: Required properties [\"generatedAt\"] are not present"),
        ["no enabledUsers"] = (Bytes(Good(r => r.Remove("enabledUsers"))), "the report: Required properties [\"enabledUsers\"] are not present"),
        ["no dailyMaximum"] = (Bytes(Good(r => r.Remove("dailyMaximum"))), "the report: Required properties [\"dailyMaximum\"] are not present"),
        ["no licenseIds"] = (Bytes(Good(r => r.Remove("licenseIds"))), "the report: Required properties [\"licenseIds\"] are not present"),
        ["a day without its count"] = (Bytes(Good(r => r["dailyMaximum"] = new JsonArray(new JsonObject { ["date"] = ReportDay(1) }))), "dailyMaximum.0: Required properties [\"enabledUsers\"] are not present"),
        ["negative enabled users"] = (Bytes(Good(r => r["enabledUsers"] = -1)), "enabledUsers: -1 should be at least 0"),
        ["absurd enabled users"] = (Bytes(Good(r => r["enabledUsers"] = 2_000_000_000)), "enabledUsers: 2000000000 should be at most 1000000"),
        ["fractional enabled users"] = (Bytes(Good(r => r["enabledUsers"] = 41.5)), "enabledUsers: Value is \"number\" but should be \"integer\""),
        ["enabled users as text"] = (Bytes(Good(r => r["enabledUsers"] = "41")), "enabledUsers: Value is \"string\" but should be \"integer\""),
        ["enabled users beyond any integer"] = (Encoding.UTF8.GetBytes(Good().ToJsonString().Replace("\"enabledUsers\":30,", "\"enabledUsers\":1e400,", StringComparison.Ordinal)), "enabledUsers: 1e400 should be at most 1000000"),
        ["a negative daily maximum"] = (Bytes(Good(r => r["dailyMaximum"] = new JsonArray(Day(ReportDay(1), -5)))), "dailyMaximum.0.enabledUsers: -5 should be at least 0"),
        ["more days than 90"] = (Bytes(UsageReports.For(Server, _fx.Clock.GetUtcNow()).WithDays(92, 30).Node()), "dailyMaximum: Value should have at most 91 items"),
        ["generatedAt not a date"] = (Bytes(Good(r => r["generatedAt"] = "yesterday")), "generatedAt: should be a date and time that exist, with their offset from UTC"),
        ["generatedAt without an offset"] = (Bytes(Good(r => r["generatedAt"] = "2026-11-29T09:00:00")), "generatedAt: should be a date and time"),
        ["generatedAt on 30 February"] = (Bytes(Good(r => r["generatedAt"] = "2026-02-30T09:00:00Z")), "generatedAt: should be a date and time"),
        ["generatedAt at hour 25"] = (Bytes(Good(r => r["generatedAt"] = "2026-11-29T25:00:00Z")), "generatedAt: should be a date and time"),
        ["generatedAt in year 10000"] = (Bytes(Good(r => r["generatedAt"] = "9999-12-31T23:59:59-14:00")), "The report is dated 9999-12-31T23:59:59-14:00, which is not a moment Portal can take in"),
        ["generatedAt tomorrow"] = (Bytes(UsageReports.For(Server, _fx.Clock.GetUtcNow().AddDays(1)).Node()), "in the future"),
        ["generatedAt more than a year ago"] = (Bytes(UsageReports.For(Server, _fx.Clock.GetUtcNow().AddDays(-366)).Node()), "more than a year ago"),
        ["a day that does not exist"] = (Bytes(Good(r => r["dailyMaximum"] = new JsonArray(Day("2026-02-30", 5)))), "dailyMaximum.0.date: should be a date that exists, written yyyy-mm-dd"),
        ["a day in another format"] = (Bytes(Good(r => r["dailyMaximum"] = new JsonArray(Day("29/11/2026", 5)))), "dailyMaximum.0.date: should be a date that exists, written yyyy-mm-dd"),
        ["a day after the report"] = (Bytes(Good(r => r["dailyMaximum"] = new JsonArray(Day(ReportDay(-1), 5)))), "outside the 90 days before the report"),
        ["a day 91 days before the report"] = (Bytes(Good(r => r["dailyMaximum"] = new JsonArray(Day(ReportDay(91), 5)))), "outside the 90 days before the report"),
        ["a day twice"] = (Bytes(Good(r => r["dailyMaximum"] = new JsonArray(Day(ReportDay(3), 5), Day(ReportDay(3), 7)))), $"The daily maximum for {ReportDay(3)} is given twice"),
        ["an unknown product"] = (Bytes(Good(r => r["product"] = "officestatus-cloud")), "Portal does not know the product “officestatus-cloud”"),
        ["a product code in capitals"] = (Bytes(Good(r => r["product"] = "OfficeStatus")), "product: should be a product code in lower case"),
        ["an unreleased major"] = (Bytes(Good(r => r["version"] = "7.0")), "OfficeStatus 7.0 has not been released; the current version is 6.1"),
        ["an unreleased minor"] = (Bytes(Good(r => r["version"] = "6.2")), "OfficeStatus 6.2 has not been released"),
        ["major 0"] = (Bytes(Good(r => r["version"] = "0.9")), "OfficeStatus 0.9 has not been released"),
        ["a version without its minor"] = (Bytes(Good(r => r["version"] = "6")), "version: should be major.minor, such as 6.1"),
        ["an installation id that is not a UUID"] = (Bytes(Good(r => r["installationId"] = "server-01")), "installationId: should be a UUID"),
        ["an installation name too long"] = (Bytes(Good(r => r["installationName"] = new string('n', 101))), "installationName: Value should be at most 100 characters"),
        ["a license id that is not a UUID"] = (Bytes(Good(r => r["licenseIds"] = new JsonArray("LIC-2026-0001"))), "licenseIds.0: should be a UUID"),
        ["a license id twice"] = (Bytes(Good(r => r["licenseIds"] = new JsonArray("9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d", "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d"))), "licenseIds: names the same id more than once"),
        ["a list of user names"] = (Bytes(Good(r => r["users"] = new JsonArray("ana@contoso.example", "ben@contoso.example"))), "users: this property is not part of the format"),
        ["a user name in a day"] = (Bytes(Good(r => r["dailyMaximum"] = new JsonArray(new JsonObject { ["date"] = ReportDay(1), ["enabledUsers"] = 1, ["users"] = new JsonArray("ana") }))), "dailyMaximum.0.users: this property is not part of the format"),
        ["10,000-deep JSON in a report"] = (Encoding.UTF8.GetBytes(Good().ToJsonString().TrimEnd('}') + ",\"extra\":" + new string('[', 10_000) + new string(']', 10_000) + "}"), "nested far deeper than the format allows"),
        ["10,000-deep JSON alone"] = (Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"a\":", 10_000)) + "1" + new string('}', 10_000)), "nested far deeper than the format allows"),
        ["a 5 MB file"] = (Encoding.UTF8.GetBytes(Good().ToJsonString().TrimEnd('}') + ",\"padding\":\"" + new string('x', 5 * 1024 * 1024) + "\"}"), "at most 1 MB"),
        ["an empty file"] = ([], "The usage report is empty"),
        ["plain text"] = ("Enabled users: 41"u8.ToArray(), "it is not valid JSON"),
        ["HTML"] = ("<html><body><script>alert(1)</script></body></html>"u8.ToArray(), "it is not valid JSON"),
        ["a CSV export"] = ("user,enabled\nana,true\n"u8.ToArray(), "it is not valid JSON"),
        ["JSON cut off"] = (Bytes(Good())[..200], "it is not valid JSON"),
        ["bytes that are not UTF-8"] = ([0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x3A, 0x31, 0x7D], "it is not UTF-8 text"),
        ["a JSON array"] = (Encoding.UTF8.GetBytes(new JsonArray(Good()).ToJsonString()), "a report is one JSON object"),
        ["a JSON string"] = ("\"report\""u8.ToArray(), "a report is one JSON object"),
        ["JSON null"] = ("null"u8.ToArray(), "a report is one JSON object"),
        ["a JSON number"] = ("41"u8.ToArray(), "a report is one JSON object"),
    };

    private static readonly string[] SpoiledNames =
    [
        "format version 2", "format version as text", "no schemaVersion", "no installationId", "no product", "no version",
        "no generatedAt", "no enabledUsers", "no dailyMaximum", "no licenseIds", "a day without its count",
        "negative enabled users", "absurd enabled users", "fractional enabled users", "enabled users as text",
        "enabled users beyond any integer", "a negative daily maximum", "more days than 90", "generatedAt not a date",
        "generatedAt without an offset", "generatedAt on 30 February", "generatedAt at hour 25", "generatedAt in year 10000",
        "generatedAt tomorrow", "generatedAt more than a year ago", "a day that does not exist", "a day in another format",
        "a day after the report", "a day 91 days before the report", "a day twice", "an unknown product",
        "a product code in capitals", "an unreleased major", "an unreleased minor", "major 0", "a version without its minor",
        "an installation id that is not a UUID", "an installation name too long", "a license id that is not a UUID",
        "a license id twice", "a list of user names", "a user name in a day", "10,000-deep JSON in a report",
        "10,000-deep JSON alone", "a 5 MB file", "an empty file", "plain text", "HTML", "a CSV export", "JSON cut off",
        "bytes that are not UTF-8", "a JSON array", "a JSON string", "JSON null", "a JSON number",
    ];

    public static TheoryData<string> SpoiledReports() => new(SpoiledNames);

    [Fact]
    public void Every_spoiled_report_is_in_the_theory()
    {
        Assert.Equal(Spoiled().Keys.Order(), SpoiledNames.Order());
    }

    [Theory]
    [MemberData(nameof(SpoiledReports))]
    public async Task A_spoiled_report_is_refused_with_a_clear_message_and_nothing_is_stored(string spoiled)
    {
        var (report, message) = Spoiled()[spoiled];
        var before = await StoredAsync();

        var refused = await Assert.ThrowsAsync<DomainException>(() => Usage.UploadAsync(_fx.Contoso.Id, report, Technical));

        Assert.Contains(message, refused.Message);
        Assert.True(refused.Message.Length < 1_000, $"the message is {refused.Message.Length} characters long");
        Assert.Equal(before, await StoredAsync());
    }

    /// <summary>The refusals of the catalog and the clock, made once Portal has read the installation, and a few of the format.</summary>
    public static TheoryData<string> SpoiledReportsOfAKnownInstallation() => new(
        "format version 2", "a list of user names", "10,000-deep JSON in a report", "a 5 MB file", "generatedAt in year 10000",
        "generatedAt tomorrow", "generatedAt more than a year ago", "a day after the report", "a day 91 days before the report",
        "a day twice", "an unknown product", "an unreleased major", "an unreleased minor", "major 0");

    [Theory]
    [MemberData(nameof(SpoiledReportsOfAKnownInstallation))]
    public async Task A_spoiled_report_of_a_known_installation_changes_none_of_it(string spoiled)
    {
        var licenses = await _fx.PurchaseAsync(_fx.Contoso, 25);
        var yesterday = UsageReports.For(Server, _fx.Clock.GetUtcNow().AddDays(-1)) with { EnabledUsers = 20, LicenseIds = [licenses[0].Id] };
        await Usage.UploadAsync(_fx.Contoso.Id, yesterday.Bytes(), Technical);
        var before = await StoredAsync();

        await Assert.ThrowsAsync<DomainException>(() => Usage.UploadAsync(_fx.Contoso.Id, Spoiled()[spoiled].Report, Technical));

        Assert.Equal(before, await StoredAsync());
    }

    /// <summary>The one message that names properties outside the format says why they are refused.</summary>
    [Fact]
    public async Task A_report_with_user_names_is_told_that_reports_hold_counts_only()
    {
        var report = Good(r => r["users"] = new JsonArray("ana@contoso.example"));

        var refused = await Assert.ThrowsAsync<DomainException>(() => Usage.UploadAsync(_fx.Contoso.Id, Bytes(report), Technical));

        Assert.Contains("users: this property is not part of the format", refused.Message);
        Assert.DoesNotContain("ana@contoso.example", refused.Message);
    }

    [Fact]
    public async Task A_report_that_is_wrong_in_many_places_names_the_first_five_problems()
    {
        var report = Good(r =>
        {
            r["enabledUsers"] = -1;
            r["version"] = "six";
            r["product"] = "Office Status";
            r["installationId"] = "server";
            r["licenseIds"] = new JsonArray("a", "b", "c");
        });

        var refused = await Assert.ThrowsAsync<DomainException>(() => Usage.UploadAsync(_fx.Contoso.Id, Bytes(report), Technical));

        const string prefix = "The usage report does not match the format: ";
        Assert.StartsWith(prefix, refused.Message);
        Assert.Equal(5, refused.Message[prefix.Length..].Split("; ").Length);
    }

    /// <summary>Windows tools (Notepad, PowerShell's Out-File) start a UTF-8 file with a byte order mark.</summary>
    [Fact]
    public async Task A_report_saved_with_a_byte_order_mark_is_read()
    {
        var withMark = Encoding.UTF8.GetPreamble().Concat(UsageReports.For(Server, _fx.Clock.GetUtcNow()).Bytes()).ToArray();

        var receipt = await Usage.UploadAsync(_fx.Contoso.Id, withMark, Technical);

        Assert.Equal(Server, receipt.Installation.ReportedId);
    }

    [Fact]
    public async Task A_report_at_the_size_limit_is_read_and_one_byte_more_is_refused()
    {
        var report = UsageReports.For(Server, _fx.Clock.GetUtcNow()).Json();
        var padded = report + new string(' ', UsageReportFormat.MaxBytes - Encoding.UTF8.GetByteCount(report));

        var receipt = await Usage.UploadAsync(_fx.Contoso.Id, Encoding.UTF8.GetBytes(padded), Technical);
        var refused = await Assert.ThrowsAsync<DomainException>(() => Usage.UploadAsync(_fx.Contoso.Id, Encoding.UTF8.GetBytes(padded + " "), Technical));

        Assert.True(receipt.IsNewInstallation);
        Assert.Contains("at most 1 MB", refused.Message);
    }

    /// <summary>Reports are dated in any offset; the limits hold for the moment they name.</summary>
    [Fact]
    public async Task A_report_dated_in_another_time_zone_is_read_at_the_moment_it_names()
    {
        var report = Good(r => r["generatedAt"] = _fx.Clock.GetUtcNow().ToOffset(TimeSpan.FromHours(14)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture));

        var receipt = await Usage.UploadAsync(_fx.Contoso.Id, Bytes(report), Technical);

        await using var db = _fx.Db();
        Assert.Equal(_fx.Clock.GetUtcNow(), (await db.Installations.SingleAsync(i => i.Id == receipt.Installation.Id)).LastReportedAt);
    }

    [Fact]
    public void The_schema_in_the_documentation_is_the_schema_Portal_checks()
    {
        var documentation = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "usage-report.md"));
        var blocks = JsonBlock().Matches(documentation).Select(m => JsonNode.Parse(m.Groups["json"].Value)).ToList();

        var published = Assert.Single(blocks, block => block?["$schema"] is not null);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(UsageReportFormat.SchemaText), published),
            "The JSON Schema in docs/usage-report.md differs from Portal.Domain/Usage/usage-report.schema.json: copy the file's text into the document.");
    }

    /// <summary>The example in the documentation is a report Portal takes in, once its date is today's.</summary>
    [Fact]
    public async Task The_example_in_the_documentation_is_a_valid_report()
    {
        var documentation = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "usage-report.md"));
        var example = JsonBlock().Matches(documentation).Select(m => JsonNode.Parse(m.Groups["json"].Value)!.AsObject())
            .Single(block => block["schemaVersion"] is not null);
        var generatedAt = DateTimeOffset.Parse(example["generatedAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        _fx.Clock.SetUtcNow(generatedAt.AddMinutes(5));

        var receipt = await Usage.UploadAsync(_fx.Contoso.Id, Bytes(example), Technical);

        Assert.Equal(example["enabledUsers"]!.GetValue<int>(), receipt.Installation.Headroom.EnabledUsers);
    }

    private sealed record Stored(int Installations, int Keys, int Days, int Reports, int History, string? LatestReport);

    private async Task<Stored> StoredAsync()
    {
        await using var db = _fx.Db();
        var installation = await db.Installations.AsNoTracking().SingleOrDefaultAsync();
        return new Stored(
            await db.Installations.CountAsync(),
            await db.Set<InstalledKey>().CountAsync(),
            await db.UsageDays.CountAsync(),
            await db.UsageReports.CountAsync(),
            await db.AuditEvents.CountAsync(e => e.Action.StartsWith("usage")),
            installation is null ? null : $"{installation.LastReportedAt:O} {installation.EnabledUsers} {installation.PeakEnabledUsers} {installation.VersionText} {installation.ReportCount}");
    }

    private static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Portal.sln")))
            folder = folder.Parent;
        return folder?.FullName ?? throw new InvalidOperationException("Portal.sln not found above the test folder.");
    }

    [GeneratedRegex("```json\\n(?<json>.*?)\\n```", RegexOptions.Singleline)]
    private static partial Regex JsonBlock();
}
