using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portal.Tests.Builders;

/// <summary>
/// Usage reports as OfficeStatus writes them (docs/usage-report.md), for tests to upload, post or spoil:
/// <c>UsageReports.For(installationId, generatedAt) with { EnabledUsers = 41 }</c>, then <see cref="Json"/> or <see cref="Bytes"/>.
/// </summary>
public sealed record UsageReports(Guid InstallationId, DateTimeOffset GeneratedAt)
{
    public int SchemaVersion { get; init; } = 1;
    public string? InstallationName { get; init; } = "Main office server";
    public string Product { get; init; } = "officestatus";
    public string Version { get; init; } = "6.1";
    public int EnabledUsers { get; init; } = 30;

    /// <summary>The daily maxima; by default the last 90 days, each at <see cref="EnabledUsers"/>.</summary>
    public IReadOnlyList<(DateOnly Date, int EnabledUsers)>? DailyMaximum { get; init; }

    public IReadOnlyList<Guid> LicenseIds { get; init; } = [];

    public static UsageReports For(Guid installationId, DateTimeOffset generatedAt) => new(installationId, generatedAt);

    /// <summary>The last <paramref name="days"/> days up to the report's own, each with <paramref name="enabledUsers"/>.</summary>
    public UsageReports WithDays(int days, int enabledUsers) => this with
    {
        DailyMaximum = Enumerable.Range(0, days)
            .Select(back => (DateOnly.FromDateTime(GeneratedAt.UtcDateTime).AddDays(-back), enabledUsers))
            .Reverse().ToList(),
    };

    public JsonObject Node()
    {
        var days = DailyMaximum ?? WithDays(90, EnabledUsers).DailyMaximum!;
        var node = new JsonObject
        {
            ["schemaVersion"] = SchemaVersion,
            ["installationId"] = InstallationId.ToString("D"),
            ["product"] = Product,
            ["version"] = Version,
            ["generatedAt"] = GeneratedAt.ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture),
            ["enabledUsers"] = EnabledUsers,
            ["dailyMaximum"] = new JsonArray(days.Select(d => (JsonNode)new JsonObject
            {
                ["date"] = d.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["enabledUsers"] = d.EnabledUsers,
            }).ToArray()),
            ["licenseIds"] = new JsonArray(LicenseIds.Select(id => (JsonNode)JsonValue.Create(id.ToString("D"))!).ToArray()),
        };
        if (InstallationName is not null)
            node["installationName"] = InstallationName;
        return node;
    }

    public string Json() => Node().ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    public byte[] Bytes() => Encoding.UTF8.GetBytes(Json());
}
