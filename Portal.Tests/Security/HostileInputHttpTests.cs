using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Payments;
using Portal.Tests.Fakes.Stripe;
using Portal.Tests.Integration;
using Portal.Tests.Payments;
using static Portal.Tests.Integration.AccountForms;
using static Portal.Tests.Security.SecurityApps;

namespace Portal.Tests.Security;

/// <summary>
/// Issue 8 part 5 on the statically rendered forms and the endpoints, over HTTP: oversize, malformed, Unicode and markup
/// input gets a message next to the field (or a 4xx), never a 500; nothing is stored from a refused form; what is stored
/// is stored as typed and shown as text. One Development Portal (demo data) and one Production Portal take the posts.
/// </summary>
public sealed class HostileInputHttpTests(PortalApp development, ProductionApp production) : IClassFixture<PortalApp>, IClassFixture<ProductionApp>
{
    private const string Markup = "<script>alert('xss')</script>";
    private const string GoodPassword = "Hostile-Input-Pass-2026!";

    private static Dictionary<string, string> Registration(string email, string organizationName, string password = GoodPassword) => new()
    {
        ["Input.OrganizationName"] = organizationName,
        ["Input.OrganizationKind"] = "Commercial",
        ["Input.CountryCode"] = "GB",
        ["Input.Email"] = email,
        ["Input.Password"] = password,
        ["Input.ConfirmPassword"] = password,
    };

    private static string UniqueEmail() => $"hostile-{Guid.NewGuid():N}@security.example";

    public static TheoryData<string, string, string, string> RefusedRegistrations() => new()
    {
        { "oversize organization name", new string('A', 5_000), UniqueEmail(), "The organization name can have at most 200 characters." },
        { "blank organization name", "   ", UniqueEmail(), "Enter the name of your organization." },
        { "not an email", "Fabrikam", "not-an-email", "Enter an email address like name@example.com." },
        { "markup as the email", "Fabrikam", Markup, "Enter an email address like name@example.com." },
        { "oversize email", "Fabrikam", new string('a', 300) + "@security.example", "at most 256 characters" },
    };

    [Theory]
    [MemberData(nameof(RefusedRegistrations))]
    public async Task Registration_refuses_what_it_cannot_keep_next_to_the_field_and_stores_nothing(string attack, string organizationName, string email, string message)
    {
        using var client = Client(development.Factory);

        var response = await PostFormAsync(client, "/Account/Register", "register", Registration(email, organizationName));

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{attack}: {response.StatusCode}");
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains(message, WebUtility.HtmlDecode(html));
        Assert.DoesNotContain(Markup, html);
        await using var scope = development.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        Assert.False(await db.Users.AnyAsync(u => u.Email == email), $"{attack}: a user was stored");
        Assert.False(await db.Organizations.AnyAsync(o => o.Name == organizationName.Trim()), $"{attack}: an organization was stored");
    }

    [Fact]
    public async Task Registration_refuses_an_oversize_password_without_hashing_it()
    {
        using var client = Client(development.Factory);
        var email = UniqueEmail();

        var response = await PostFormAsync(client, "/Account/Register", "register", Registration(email, "Fabrikam", new string('p', 100_000)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("at most 100 characters", await response.Content.ReadAsStringAsync());
        await using var scope = development.Services.CreateAsyncScope();
        Assert.Null(await scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>().FindByEmailAsync(email));
    }

    [Theory]
    [InlineData("Zürcher Ünïcødé 株式会社 🚀 Ltd")]
    [InlineData(Markup + " Ltd")]
    [InlineData("Fabrikam & Sons \"Quoted\" <b>Bold</b>")]
    public async Task An_organization_name_is_kept_as_typed_and_shown_as_text(string organizationName)
    {
        using var client = Client(development.Factory);
        var email = UniqueEmail();

        var registered = await PostFormAsync(client, "/Account/Register", "register", Registration(email, organizationName));

        Assert.Equal(HttpStatusCode.Redirect, registered.StatusCode);
        await using (var scope = development.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            var user = await users.Users.SingleAsync(u => u.Email == email);
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            Assert.Equal(organizationName, await db.Organizations.Where(o => o.Id == user.ChosenOrganizationId).Select(o => o.Name).SingleAsync());
            user.EmailConfirmed = true;
            await users.UpdateAsync(user);
        }
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(client, email, GoodPassword)).StatusCode);
        var dashboard = await client.GetStringAsync("/dashboard");
        Assert.Contains(organizationName, WebUtility.HtmlDecode(dashboard));
        Assert.DoesNotContain("<script>alert", dashboard);
        Assert.DoesNotContain("<b>Bold</b>", dashboard);
    }

    public static TheoryData<string, string, string> HostileSignIns() => new()
    {
        { "oversize email and password", new string('a', 10_000) + "@security.example", new string('p', 100_000) },
        { "markup as the email", Markup, "whatever-it-is" },
        { "Unicode", "ünïcødé@security.example", "пароль-密码-🚀" },
        { "a known email with an oversize password", DevelopmentData.CustomerEmail, new string('p', 100_000) },
        { "empty fields", "", "" },
    };

    [Theory]
    [MemberData(nameof(HostileSignIns))]
    public async Task Sign_in_refuses_hostile_input_with_a_message_and_signs_nobody_in(string attack, string email, string password)
    {
        using var client = Client(development.Factory);

        var response = await SignInAsync(client, email, password);

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{attack}: {response.StatusCode}");
        var html = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(SetCookies(response), cookie => cookie.StartsWith("portal.auth=", StringComparison.Ordinal));
        Assert.DoesNotContain("<script>alert", html);
        Assert.Contains("role=\"alert\"", html);
    }

    [Theory]
    [InlineData("https://evil.example/phish")]
    [InlineData("//evil.example/phish")]
    [InlineData("/\\evil.example/phish")]
    [InlineData("javascript:alert(1)")]
    [InlineData("")]
    public async Task The_theme_switch_goes_back_only_to_a_page_of_the_portal(string returnUrl)
    {
        using var client = Client(development.Factory);
        var token = AntiforgeryToken(await client.GetStringAsync("/Account/Login"));

        var response = await client.PostAsync("/preferences/theme", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["mode"] = Markup,
            ["returnUrl"] = returnUrl,
        }));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location!.OriginalString);
        Assert.StartsWith("portal-theme=light;", Cookie(response, "portal-theme="));
    }

    [Fact]
    public async Task Outside_development_a_form_post_with_a_missing_or_stale_token_is_refused_with_400_not_an_error_page()
    {
        var email = await NewCustomerAsync(production.Factory);
        using var client = Client(production.Factory, Https);
        var anonymousToken = AntiforgeryToken(await client.GetStringAsync("/Account/Login"));
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(client, email, SecurityApps.Password)).StatusCode);

        var noToken = await client.PostAsync("/preferences/theme", Form(("mode", "dark"), ("returnUrl", "/")));
        var staleTheme = await client.PostAsync("/preferences/theme", Form(("__RequestVerificationToken", anonymousToken), ("mode", "dark")));
        var staleCheckout = await client.PostAsync(CheckoutPaths.Start(Guid.NewGuid()), Form(("__RequestVerificationToken", anonymousToken)));

        foreach (var response in new[] { noToken, staleTheme, staleCheckout })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.DoesNotContain("Something went wrong", await response.Content.ReadAsStringAsync());
            Assert.True(response.Headers.Contains("Content-Security-Policy"));
        }
        Assert.Equal(Portal.Security.BadRequestExceptionHandler.Message, await staleTheme.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/checkout/not-a-guid")]
    [InlineData("/staff/discounts/' OR 1=1 --")]
    [InlineData("/orders/<script>")]
    public async Task Malformed_ids_in_addresses_find_nothing(string path)
    {
        using var client = Client(production.Factory, Https);

        var response = await client.GetAsync(path);

        Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Redirect, $"{path}: {response.StatusCode}");
        Assert.DoesNotContain("<script>", await response.Content.ReadAsStringAsync());
    }

    private static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));
}

/// <summary>
/// The Stripe webhook with bodies that are not events: not JSON, not an object, empty, or far larger than any event,
/// signed or not. Each is refused (400, or 413 before the body is read whole) and changes nothing.
/// </summary>
[Collection(PaymentsCollection.Name)]
public sealed class HostileWebhookTests(PaymentsApp app)
{
    private static readonly Uri WebhookPath = new(CheckoutPaths.Webhook, UriKind.Relative);

    public static TheoryData<string, string> NotEvents() => new()
    {
        { "HTML", "<html><body><script>alert(1)</script></body></html>" },
        { "plain text", "hello stripe" },
        { "empty", "" },
        { "JSON null", "null" },
        { "JSON array", "[{\"id\":\"evt_1\"}]" },
        { "JSON string", "\"checkout.session.completed\"" },
        { "deeply nested JSON", new string('[', 10_000) + new string(']', 10_000) },
        { "an object without id or type", "{\"object\":\"event\",\"api_version\":\"2026-10-28.endive\",\"data\":{}}" },
    };

    [Theory]
    [MemberData(nameof(NotEvents))]
    public async Task A_signed_body_that_is_not_an_event_is_refused_with_400(string kind, string body)
    {
        using var client = app.NewClient();
        var handledBefore = await HandledEventsAsync();

        var signed = await PostAsync(client, body, FakeStripe.Sign(body));
        var unsigned = await PostAsync(client, body, signature: null);

        Assert.True(signed == HttpStatusCode.BadRequest, $"{kind}, signed: {signed}");
        Assert.True(unsigned == HttpStatusCode.BadRequest, $"{kind}, unsigned: {unsigned}");
        Assert.Equal(handledBefore, await HandledEventsAsync());
    }

    [Fact]
    public async Task A_body_larger_than_any_event_is_refused_with_413_from_its_length_alone()
    {
        using var client = app.NewClient();
        var body = new string('x', 5 * StripeWebhook.MaxBodyBytes);

        var status = await PostAsync(client, body, FakeStripe.Sign(body));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
    }

    [Fact]
    public async Task A_streamed_body_without_a_length_is_cut_off_at_the_limit()
    {
        using var client = app.NewClient();
        var body = new EndlessStream();
        using var request = new HttpRequestMessage(HttpMethod.Post, WebhookPath)
        {
            // No Content-Length: the body arrives in chunks, so only reading it can tell its size.
            Content = new StreamContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TransferEncodingChunked = true;
        request.Headers.TryAddWithoutValidation("Stripe-Signature", FakeStripe.Sign("{}"));
        var logsBefore = app.Logs.Entries.Count;

        try
        {
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        }
        catch (HttpRequestException)
        {
            // Kestrel answered 413 and closed the connection while the client was still sending: expected too.
        }

        Assert.True(body.Sent < EndlessStream.Size, "the server read the whole endless body");
        var refusal = Assert.Single(app.Logs.Entries.Skip(logsBefore), e => e.Message.StartsWith("Stripe webhook refused", StringComparison.Ordinal));
        Assert.Contains("(body): the body could not be read", refusal.Message);
    }

    private static async Task<HttpStatusCode> PostAsync(HttpClient client, string body, string? signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, WebhookPath) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (signature is not null)
            request.Headers.TryAddWithoutValidation("Stripe-Signature", signature);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private async Task<int> HandledEventsAsync()
    {
        await using var db = await app.NewContextAsync();
        return await db.ProcessedPaymentEvents.CountAsync();
    }

    /// <summary>A body that does not end for the server's purposes (64 MB of spaces), sent in chunks.</summary>
    private sealed class EndlessStream : Stream
    {
        public const long Size = 64L * 1024 * 1024;
        private long _sent;

        public long Sent => Interlocked.Read(ref _sent);

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _sent; set => throw new NotSupportedException(); }

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
