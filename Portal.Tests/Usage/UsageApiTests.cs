using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Usage;
using Portal.Domain.Data;
using Portal.Domain.Usage;
using Portal.Endpoints;
using Portal.Tests.Builders;
using Portal.Tests.Integration;
using Portal.Tests.Security;

namespace Portal.Tests.Usage;

/// <summary>
/// Portal in Production as deployed (https, the error page, the status code pages), with two customer organizations, and
/// the per-address budget of usage posts lifted: these tests post far more often than installations do
/// (<see cref="UsageApiRateLimitTests"/> prove the limit on apps of their own).
/// </summary>
public sealed class UsageApiApp() : PortalApp(SecurityApps.Production()
    .With("https_port", "443")
    .With(RateLimits.UsagePostsSetting, "100000"))
{
    public CustomerAccount Contoso { get; private set; } = null!;
    public CustomerAccount Fabrikam { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Contoso = await CustomerAccounts.CreateAsync(Services, "Contoso Usage", "it@contoso-usage.example", SecurityApps.Password);
        Fabrikam = await CustomerAccounts.CreateAsync(Services, "Fabrikam Usage", "it@fabrikam-usage.example", SecurityApps.Password);
    }

    public UsageService Usage => Services.GetRequiredService<UsageService>();

    public async Task<string> TokenAsync(CustomerAccount customer, string name = "Main server") =>
        (await Usage.CreateTokenAsync(customer.OrganizationId, name, customer.Actor)).Secret;

    public HttpClient Client() => SecurityApps.Client(Factory, SecurityApps.Https);

    /// <summary>What Portal holds of the installation with this id in its reports: its report count and figures, or null.</summary>
    public async Task<string?> StoredAsync(Guid reportedId)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var installation = await db.Installations.AsNoTracking().SingleOrDefaultAsync(i => i.ReportedId == reportedId);
        if (installation is null)
            return null;
        var reports = await db.UsageReports.CountAsync(r => r.InstallationId == installation.Id);
        var days = await db.UsageDays.CountAsync(d => d.InstallationId == installation.Id);
        return $"{installation.OrganizationId} {installation.ReportCount} {reports} {days} {installation.EnabledUsers} {installation.LastReportedAt:O}";
    }
}

/// <summary>
/// Issue 22, installation tokens and usage files over HTTP: <c>POST /api/usage</c> answers 401 without a token it
/// accepts, 201/200 with a receipt, 400 for a bad report, 409 for one not newer than the latest, 413, 415 and 405, each a
/// problem document; no input gets a 500 and nothing is stored from a refused post.
/// </summary>
public sealed class UsageApiTests(UsageApiApp app) : IClassFixture<UsageApiApp>
{
    private static UsageReports ReportOf(Guid installationId) => UsageReports.For(installationId, DateTimeOffset.UtcNow.AddMinutes(-1));

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string? authorization, byte[] body, string? contentType = "application/json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, UsagePaths.Api) { Content = new ByteArrayContent(body) };
        if (contentType is not null)
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (authorization is not null)
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return await client.SendAsync(request);
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        return problem;
    }

    [Fact]
    public async Task A_valid_report_registers_its_installation_with_201_and_a_receipt_and_a_newer_one_answers_200()
    {
        using var client = app.Client();
        var secret = await app.TokenAsync(app.Contoso);
        var installationId = Guid.NewGuid();
        var unknownKey = Guid.NewGuid();
        var first = ReportOf(installationId) with { EnabledUsers = 41, LicenseIds = [unknownKey] };

        var created = await PostAsync(client, $"Bearer {secret}", first.Bytes());
        var newer = await PostAsync(client, $"bearer {secret}", (UsageReports.For(installationId, DateTimeOffset.UtcNow) with { EnabledUsers = 12 }).Bytes());

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var receipt = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var installation = await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Installations.SingleAsync(i => i.ReportedId == installationId);
            var page = new Uri(SecurityApps.Https, UsagePaths.Installation(installation.Id));
            Assert.Equal(page, created.Headers.Location);
            Assert.Equal(page.ToString(), receipt.GetProperty("page").GetString());
            Assert.Equal(app.Contoso.OrganizationId, installation.OrganizationId);
        }
        Assert.Equal(installationId, receipt.GetProperty("installationId").GetGuid());
        Assert.Equal("Main office server", receipt.GetProperty("name").GetString());
        Assert.Equal(("OfficeStatus", "6.1"), (receipt.GetProperty("product").GetString(), receipt.GetProperty("version").GetString()));
        Assert.True(receipt.GetProperty("newInstallation").GetBoolean());
        Assert.Equal("over", receipt.GetProperty("state").GetString());
        Assert.Equal((41, 41, 0, 0, 41), (receipt.GetProperty("enabledUsers").GetInt32(), receipt.GetProperty("peakEnabledUsers").GetInt32(),
            receipt.GetProperty("seatsInstalled").GetInt32(), receipt.GetProperty("seatsNotInstalled").GetInt32(), receipt.GetProperty("missingSeats").GetInt32()));
        var flagged = Assert.Single(receipt.GetProperty("flaggedKeys").EnumerateArray());
        Assert.Equal(unknownKey, flagged.GetProperty("licenseId").GetGuid());
        Assert.Equal("unknown", flagged.GetProperty("standing").GetString());
        Assert.Equal(KeyStanding.Unknown.Explain(), flagged.GetProperty("explanation").GetString());

        Assert.Equal(HttpStatusCode.OK, newer.StatusCode);
        var updated = JsonDocument.Parse(await newer.Content.ReadAsStringAsync()).RootElement;
        Assert.False(updated.GetProperty("newInstallation").GetBoolean());
        Assert.Equal(12, updated.GetProperty("enabledUsers").GetInt32());
        Assert.Empty(updated.GetProperty("flaggedKeys").EnumerateArray());
        Assert.StartsWith($"{app.Contoso.OrganizationId} 2 2 ", await app.StoredAsync(installationId));
    }

    public static TheoryData<string, string?> RefusedAuthorizations() => new()
    {
        { "no Authorization header", null },
        { "an empty header", "" },
        { "Bearer without a token", "Bearer " },
        { "another scheme", "Basic dXNlcjpwYXNzd29yZA==" },
        { "not a Portal token", "Bearer eyJhbGciOiJIUzI1NiJ9.e30.x" },
        { "a token Portal never issued", "Bearer kmu_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" },
        { "an oversize token", "Bearer kmu_" + new string('A', 10_000) },
        { "markup", "Bearer kmu_<script>alert(1)</script>" },
    };

    [Theory]
    [MemberData(nameof(RefusedAuthorizations))]
    public async Task Without_a_token_Portal_issued_the_answer_is_401_and_nothing_is_stored(string attempt, string? authorization)
    {
        using var client = app.Client();
        var installationId = Guid.NewGuid();

        var response = await PostAsync(client, authorization, ReportOf(installationId).Bytes());

        var problem = await ProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString());
        Assert.DoesNotContain("<script>", problem.GetProperty("detail").GetString());
        Assert.True(await app.StoredAsync(installationId) is null, $"{attempt}: an installation was stored");
    }

    [Fact]
    public async Task A_revoked_token_is_refused_with_401_and_changes_nothing()
    {
        using var client = app.Client();
        var created = await app.Usage.CreateTokenAsync(app.Contoso.OrganizationId, "Old server", app.Contoso.Actor);
        var installationId = Guid.NewGuid();
        Assert.Equal(HttpStatusCode.Created, (await PostAsync(client, $"Bearer {created.Secret}", ReportOf(installationId).Bytes())).StatusCode);
        await app.Usage.RevokeTokenAsync(app.Contoso.OrganizationId, created.Token.Id, app.Contoso.Actor);
        var before = await app.StoredAsync(installationId);

        var response = await PostAsync(client, $"Bearer {created.Secret}", (UsageReports.For(installationId, DateTimeOffset.UtcNow) with { EnabledUsers = 99 }).Bytes());

        var problem = await ProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("This installation token was revoked.", problem.GetProperty("detail").GetString());
        Assert.Equal("Bearer error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString());
        Assert.Equal(before, await app.StoredAsync(installationId));
    }

    [Fact]
    public async Task Another_organizations_token_cannot_report_for_an_installation_registered_to_the_first()
    {
        using var client = app.Client();
        var installationId = Guid.NewGuid();
        Assert.Equal(HttpStatusCode.Created, (await PostAsync(client, $"Bearer {await app.TokenAsync(app.Contoso)}", ReportOf(installationId).Bytes())).StatusCode);
        var before = await app.StoredAsync(installationId);

        var response = await PostAsync(client, $"Bearer {await app.TokenAsync(app.Fabrikam, "Their server")}",
            (UsageReports.For(installationId, DateTimeOffset.UtcNow) with { EnabledUsers = 500 }).Bytes());

        await ProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal(before, await app.StoredAsync(installationId));
        Assert.StartsWith(app.Contoso.OrganizationId.ToString(), before);
    }

    [Fact]
    public async Task A_token_bound_to_one_installation_cannot_report_for_another()
    {
        using var client = app.Client();
        var secret = await app.TokenAsync(app.Contoso);
        Assert.Equal(HttpStatusCode.Created, (await PostAsync(client, $"Bearer {secret}", ReportOf(Guid.NewGuid()).Bytes())).StatusCode);
        var other = Guid.NewGuid();

        var response = await PostAsync(client, $"Bearer {secret}", ReportOf(other).Bytes());

        var problem = await ProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("This token belongs to another installation. Create a token for each installation.", problem.GetProperty("detail").GetString());
        Assert.Null(await app.StoredAsync(other));
    }

    /// <summary>A browser's sign-in does not authenticate the API, and the API never sends anyone to the sign-in page.</summary>
    [Fact]
    public async Task A_signed_in_customer_without_a_token_gets_401_not_a_sign_in_page()
    {
        using var client = app.Client();
        Assert.Equal(HttpStatusCode.Redirect, (await AccountForms.SignInAsync(client, app.Contoso.Email, SecurityApps.Password)).StatusCode);
        var installationId = Guid.NewGuid();

        var response = await PostAsync(client, authorization: null, ReportOf(installationId).Bytes());

        await ProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Null(await app.StoredAsync(installationId));
    }

    public static TheoryData<string, string, string> BadReports() => new()
    {
        { "plain text", "Enabled users: 41", "it is not valid JSON" },
        { "an empty body", "", "The usage report is empty." },
        { "JSON null", "null", "a report is one JSON object" },
        { "an empty object", "{}", "Required properties" },
        { "10,000-deep JSON", string.Concat(Enumerable.Repeat("{\"a\":", 10_000)) + "1" + new string('}', 10_000), "nested far deeper than the format allows" },
        { "10,000-deep arrays", new string('[', 10_000) + new string(']', 10_000), "nested far deeper than the format allows" },
    };

    [Theory]
    [MemberData(nameof(BadReports))]
    public async Task A_body_that_is_not_a_report_is_refused_with_400_and_the_reason(string kind, string body, string reason)
    {
        using var client = app.Client();

        var response = await PostAsync(client, $"Bearer {await app.TokenAsync(app.Contoso, kind)}", Encoding.UTF8.GetBytes(body));

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(reason, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_report_against_the_format_or_the_catalog_is_refused_with_400_naming_what_is_wrong_and_stores_nothing()
    {
        using var client = app.Client();
        var secret = await app.TokenAsync(app.Contoso);
        var withUsers = ReportOf(Guid.NewGuid()).Node();
        withUsers["users"] = new System.Text.Json.Nodes.JsonArray("ana@contoso.example");
        var future = UsageReports.For(Guid.NewGuid(), DateTimeOffset.UtcNow.AddDays(2));
        var unreleased = ReportOf(Guid.NewGuid()) with { Version = "9.0" };
        var version2 = ReportOf(Guid.NewGuid()) with { SchemaVersion = 2 };

        var refusals = new[]
        {
            (Guid.Parse(withUsers["installationId"]!.GetValue<string>()), await PostAsync(client, $"Bearer {secret}", Encoding.UTF8.GetBytes(withUsers.ToJsonString())), "users: this property is not part of the format"),
            (future.InstallationId, await PostAsync(client, $"Bearer {secret}", future.Bytes()), "in the future"),
            (unreleased.InstallationId, await PostAsync(client, $"Bearer {secret}", unreleased.Bytes()), "OfficeStatus 9.0 has not been released"),
            (version2.InstallationId, await PostAsync(client, $"Bearer {secret}", version2.Bytes()), "format version 2"),
        };

        foreach (var (installationId, response, reason) in refusals)
        {
            var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
            Assert.Contains(reason, problem.GetProperty("detail").GetString());
            Assert.Null(await app.StoredAsync(installationId));
        }
        // The token was not spent on the refused reports: it still registers its first installation.
        Assert.Equal(HttpStatusCode.Created, (await PostAsync(client, $"Bearer {secret}", ReportOf(Guid.NewGuid()).Bytes())).StatusCode);
    }

    [Fact]
    public async Task Sending_a_report_again_or_an_older_one_answers_409_and_changes_nothing()
    {
        using var client = app.Client();
        var secret = await app.TokenAsync(app.Contoso);
        var installationId = Guid.NewGuid();
        var report = ReportOf(installationId).Bytes();
        Assert.Equal(HttpStatusCode.Created, (await PostAsync(client, $"Bearer {secret}", report)).StatusCode);
        var before = await app.StoredAsync(installationId);

        var again = await PostAsync(client, $"Bearer {secret}", report);
        var older = await PostAsync(client, $"Bearer {secret}", UsageReports.For(installationId, DateTimeOffset.UtcNow.AddHours(-1)).Bytes());

        Assert.Contains("was received before; nothing changed", (await ProblemAsync(again, HttpStatusCode.Conflict)).GetProperty("detail").GetString());
        Assert.Contains("was written before the latest one", (await ProblemAsync(older, HttpStatusCode.Conflict)).GetProperty("detail").GetString());
        Assert.Equal(before, await app.StoredAsync(installationId));
    }

    [Fact]
    public async Task A_body_larger_than_1_MB_is_refused_with_413_from_its_length()
    {
        using var client = app.Client();
        var installationId = Guid.NewGuid();
        var report = ReportOf(installationId).Json();
        var body = Encoding.UTF8.GetBytes(report + new string(' ', 5 * UsageReportFormat.MaxBytes));

        var response = await PostAsync(client, $"Bearer {await app.TokenAsync(app.Contoso)}", body);

        var problem = await ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("at most 1 MB", problem.GetProperty("detail").GetString());
        Assert.Null(await app.StoredAsync(installationId));
    }

    /// <summary>The token is checked first: an unknown client learns nothing more, and Portal reads nothing it sent.</summary>
    [Fact]
    public async Task Without_a_valid_token_an_oversize_body_is_answered_401_not_413()
    {
        using var client = app.Client();

        var response = await PostAsync(client, "Bearer kmu_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", new byte[5 * UsageReportFormat.MaxBytes], "text/plain");

        await ProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=x")]
    [InlineData(null)]
    public async Task A_body_that_is_not_sent_as_json_is_refused_with_415(string? contentType)
    {
        using var client = app.Client();
        var installationId = Guid.NewGuid();

        var response = await PostAsync(client, $"Bearer {await app.TokenAsync(app.Contoso)}", ReportOf(installationId).Bytes(), contentType);

        var problem = await ProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("Content-Type: application/json", problem.GetProperty("detail").GetString());
        Assert.Null(await app.StoredAsync(installationId));
    }

    [Fact]
    public async Task A_json_content_type_with_a_charset_is_read()
    {
        using var client = app.Client();

        var response = await PostAsync(client, $"Bearer {await app.TokenAsync(app.Contoso)}", ReportOf(Guid.NewGuid()).Bytes(), "application/json; charset=utf-8");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task Other_methods_answer_405(string method)
    {
        using var client = app.Client();
        using var request = new HttpRequestMessage(new HttpMethod(method), UsagePaths.Api);
        request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {await app.TokenAsync(app.Contoso)}");

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Contains("POST", response.Content.Headers.Allow);
    }
}

/// <summary>The usage API's own budget per client address, on apps of their own.</summary>
public sealed class UsageApiRateLimitTests
{
    [Fact]
    public async Task Usage_posts_beyond_the_limit_answer_429_with_retry_after_and_the_account_forms_keep_their_budget()
    {
        await using var app = new PortalAppFactory().With(RateLimits.UsagePostsSetting, "3").With(RateLimits.AccountPostsSetting, "3");
        using var client = app.CreateClient();
        using var report = new StringContent("{}", Encoding.UTF8, "application/json");

        for (var post = 1; post <= 3; post++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync(UsagePaths.Api, report)).StatusCode);
        var refused = await client.PostAsync(UsagePaths.Api, report);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("60", refused.Headers.GetValues("Retry-After").Single());
        Assert.Equal("Too many usage reports from this address; post again in a minute.", await refused.Content.ReadAsStringAsync());
        Assert.NotEqual(HttpStatusCode.TooManyRequests, (await client.PostAsync("/Account/Login", new FormUrlEncodedContent([]))).StatusCode);
    }

    [Fact]
    public async Task A_usage_limit_below_one_stops_the_app_with_a_clear_message()
    {
        await using var app = new PortalAppFactory().With(RateLimits.UsagePostsSetting, "0");

        var refused = Assert.Throws<InvalidOperationException>(() => app.Services);

        Assert.Contains($"{RateLimits.UsagePostsSetting} must be at least 1", refused.Message);
    }
}

/// <summary>Portal served by Kestrel, which enforces the endpoint's body limit while the body streams in.</summary>
public sealed class UsageApiLoopbackApp() : PortalApp(new PortalAppFactory(), new PortalAppOptions { OnLoopback = true });

/// <summary>
/// Bodies that never end, sent in chunks without a length: Portal reads no more than the limit, and without a valid
/// token reads none of it.
/// </summary>
public sealed class UsageApiStreamingTests(UsageApiLoopbackApp app) : IClassFixture<UsageApiLoopbackApp>
{
    [Fact]
    public async Task A_streamed_body_without_a_length_is_cut_off_at_1_MB_with_413()
    {
        var organization = await CustomerAccounts.CreateAsync(app.Services, "Streaming Ltd", "it@streaming.example", SecurityApps.Password);
        var secret = (await app.Services.GetRequiredService<UsageService>().CreateTokenAsync(organization.OrganizationId, "Main server", organization.Actor)).Secret;
        var body = new EndlessStream();

        var status = await PostAsync(secret, body);

        Assert.True(status is null or HttpStatusCode.RequestEntityTooLarge, $"answered {status}");
        Assert.True(body.Sent < EndlessStream.Size, "the server read the whole endless body");
        Assert.True(body.Sent > UsageReportFormat.MaxBytes, $"only {body.Sent} bytes were sent");
    }

    /// <summary>
    /// Over a plain socket: the headers and the first 16 KB of a chunked body, then nothing more. An endpoint that read
    /// the body before checking the token would still be waiting for the rest.
    /// </summary>
    [Fact]
    public async Task Without_a_valid_token_a_streamed_body_is_refused_with_401_before_it_is_read()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var socket = new TcpClient();
        await socket.ConnectAsync(app.BaseAddress.Host, app.BaseAddress.Port, timeout.Token);
        var stream = socket.GetStream();
        var firstChunk = new string(' ', 16 * 1024);
        var request =
            $"POST {UsagePaths.Api} HTTP/1.1\r\nHost: {app.BaseAddress.Authority}\r\n" +
            "Authorization: Bearer kmu_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\r\nContent-Type: application/json\r\n" +
            $"Transfer-Encoding: chunked\r\n\r\n{firstChunk.Length:x}\r\n{firstChunk}\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), timeout.Token);

        var answer = new StringBuilder();
        var buffer = new byte[4096];
        while (!answer.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            Assert.True(read > 0, $"the connection closed after: {answer}");
            answer.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        Assert.StartsWith("HTTP/1.1 401 ", answer.ToString());
        Assert.Contains("WWW-Authenticate: Bearer", answer.ToString());
    }

    /// <summary>The status, or null when Kestrel answered and closed the connection while the client was still sending.</summary>
    private async Task<HttpStatusCode?> PostAsync(string secret, Stream body)
    {
        using var client = app.NewClient();
        client.Timeout = TimeSpan.FromSeconds(30);
        using var request = new HttpRequestMessage(HttpMethod.Post, UsagePaths.Api) { Content = new StreamContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TransferEncodingChunked = true;
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        try
        {
            using var response = await client.SendAsync(request);
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>64 MB of spaces, sent in chunks, counting what the server took.</summary>
    private sealed class EndlessStream : Stream
    {
        public const long Size = 64L * 1024 * 1024;
        private long _sent;

        public long Sent => Interlocked.Read(ref _sent);

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => Sent; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (Sent >= Size)
                return 0;
            Array.Fill(buffer, (byte)' ', offset, count);
            Interlocked.Add(ref _sent, count);
            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
