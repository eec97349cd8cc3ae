using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Portal.Components.Account;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.Licensing;
using Portal.Domain.Members;
using Portal.Endpoints;
using Portal.Tests.Builders;

namespace Portal.Tests.Integration;

/// <summary>
/// A running app with two organizations, Alder and Birch, each with its owner, a paid order and the license it issued
/// (5 seats for Alder, 10 for Birch). Each test makes its own consultant, a member of both, since switching changes the
/// account.
/// </summary>
public class TwoOrganizationsApp : PortalApp
{
    public const string Password = "Consultant-Pass-2026!";

    public TwoOrganizationsApp()
        : this(new PortalAppFactory())
    {
    }

    protected TwoOrganizationsApp(PortalAppFactory factory, PortalAppOptions? options = null)
        : base(factory, options)
    {
    }

    public TestOrganization Alder { get; private set; } = null!;
    public TestOrganization Birch { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Alder = await OrganizationWithALicenseAsync("Alder Analytics", "owner@alder.example", seats: 5);
        Birch = await OrganizationWithALicenseAsync("Birch Clinics", "owner@birch.example", seats: 10);
    }

    /// <summary>A new account that is a member of Alder and Birch with these roles, working in Alder.</summary>
    public Task<CustomerAccount> ConsultantAsync(string name, MemberRoles inAlder = MemberRoles.Owner, MemberRoles inBirch = MemberRoles.Technical) =>
        MemberAsync(name, (Birch, inBirch), (Alder, inAlder));

    /// <summary>A new customer account, a member of each organization with its roles, working in the last one.</summary>
    public async Task<CustomerAccount> MemberAsync(string name, params (TestOrganization Organization, MemberRoles Roles)[] memberships)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var email = $"{name}@consultants.example";
        var user = new PortalUser { UserName = email, Email = email, EmailConfirmed = true };
        foreach (var (organization, roles) in memberships)
            user.JoinAs(db, organization.Id, roles);
        Assert.True((await users.CreateAsync(user, Password)).Succeeded);
        Assert.True((await users.AddToRoleAsync(user, Roles.Customer)).Succeeded);
        return new CustomerAccount(memberships[^1].Organization.Id, user.Id, email);
    }

    public async Task<HttpClient> SignedInAsync(CustomerAccount account)
    {
        var client = NewClient();
        var signIn = await AccountForms.SignInAsync(client, account.Email, Password);
        Assert.True(AccountForms.IsRedirectTo(signIn, "/dashboard") || AccountForms.IsRedirectTo(signIn, "/"), $"{account.Email} could not sign in: {signIn.Headers.Location}");
        return client;
    }

    /// <summary>The sign-in a response's cookie carries (the cookie, decrypted as the app reads it).</summary>
    public ClaimsPrincipal SignInIssuedBy(HttpResponseMessage response)
    {
        var cookies = response.Headers.TryGetValues("Set-Cookie", out var headers)
            ? headers.Select(header => header.Split(';')[0].Split('=', 2)).ToDictionary(pair => pair[0], pair => pair[1])
            : [];
        var options = Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(IdentityConstants.ApplicationScheme);
        Assert.True(cookies.TryGetValue(options.Cookie.Name!, out var value), "the response sets no sign-in cookie");
        // A large cookie comes in chunks: "chunks-N" and the chunks C1..CN.
        if (value.StartsWith("chunks-", StringComparison.Ordinal))
            value = string.Concat(Enumerable.Range(1, int.Parse(value["chunks-".Length..], CultureInfo.InvariantCulture)).Select(i => cookies[$"{options.Cookie.Name}C{i}"]));
        return options.TicketDataFormat.Unprotect(value)?.Principal ?? throw new InvalidOperationException("The sign-in cookie does not decrypt.");
    }

    public async Task<PortalUser> AccountAsync(string userId)
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Users.AsNoTracking().SingleAsync(u => u.Id == userId);
    }

    private async Task<TestOrganization> OrganizationWithALicenseAsync(string name, string ownerEmail, int seats)
    {
        var owner = await CustomerAccounts.CreateAsync(Services, name, ownerEmail, Password);
        var order = await new OrderBuilder(Services, owner.OrganizationId, owner.Actor).Packs((seats, 1)).PaidAsync();
        await using var scope = Services.CreateAsyncScope();
        var license = await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Licenses.AsNoTracking()
            .SingleAsync(l => l.OrganizationId == owner.OrganizationId && l.Status == LicenseStatus.Active);
        return new TestOrganization(owner.OrganizationId, name, owner, order.Id, license.Id, license.Key);
    }
}

/// <summary>
/// <see cref="TwoOrganizationsApp"/> on a clock the tests move (the cookie's security-stamp check reads the app's
/// TimeProvider).
/// </summary>
public sealed class OrganizationSwitchApp : TwoOrganizationsApp
{
    public OrganizationSwitchApp() => Factory.WithServices(services => services.AddSingleton<TimeProvider>(Clock));

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);
}

public sealed record TestOrganization(Guid Id, string Name, CustomerAccount Owner, Guid OrderId, Guid LicenseId, string LicenseKey);

/// <summary>
/// Issue 20, people in several organizations: the app bar's switch (<c>POST /Account/SwitchOrganization</c>) re-issues
/// the sign-in in the chosen organization, and every page, download and export follows it; a sign-in whose
/// memberships changed is made anew by <c>/Account/RefreshSignIn</c> (open pages reload through it) or, at the latest,
/// by the cookie's own check every <c>Portal:SecurityRevalidationInterval</c>.
/// </summary>
public sealed partial class OrganizationSwitchTests(OrganizationSwitchApp app) : IClassFixture<OrganizationSwitchApp>
{
    [Fact]
    public async Task Switching_moves_every_page_download_and_export_to_the_chosen_organization()
    {
        var consultant = await app.ConsultantAsync("casey");
        using var client = await app.SignedInAsync(consultant);
        await AssertWorksInAsync(client, app.Alder, notIn: app.Birch);

        var switched = await SwitchAsync(client, app.Birch, returnUrl: "/licenses");

        Assert.True(AccountForms.IsRedirectTo(switched, "/licenses"), $"{switched.StatusCode} {switched.Headers.Location}");
        Assert.Equal(app.Birch.Id, (await app.AccountAsync(consultant.UserId)).ChosenOrganizationId);
        await AssertWorksInAsync(client, app.Birch, notIn: app.Alder);

        await SwitchAsync(client, app.Alder, returnUrl: "/dashboard");
        await AssertWorksInAsync(client, app.Alder, notIn: app.Birch);
    }

    [Fact]
    public async Task The_switch_issues_a_sign_in_with_the_chosen_organization_and_the_roles_held_there()
    {
        var consultant = await app.ConsultantAsync("robin", inAlder: MemberRoles.Owner, inBirch: MemberRoles.Billing | MemberRoles.Technical);
        using var client = await app.SignedInAsync(consultant);

        var toBirch = app.SignInIssuedBy(await SwitchAsync(client, app.Birch, returnUrl: "/dashboard"));
        Assert.Equal(app.Birch.Id, toBirch.OrganizationId());
        Assert.Equal(MemberRoles.Billing | MemberRoles.Technical, toBirch.MemberRoles());
        Assert.Equal(consultant.UserId, toBirch.FindFirstValue(ClaimTypes.NameIdentifier));
        Assert.True(toBirch.IsInRole(Roles.Customer));

        var backToAlder = app.SignInIssuedBy(await SwitchAsync(client, app.Alder, returnUrl: "/dashboard"));
        Assert.Equal(app.Alder.Id, backToAlder.OrganizationId());
        Assert.Equal(MemberRoles.Owner, backToAlder.MemberRoles());
    }

    [Fact]
    public async Task The_app_bar_names_the_current_organization_and_offers_the_others()
    {
        var consultant = await app.ConsultantAsync("devon");
        using var client = await app.SignedInAsync(consultant);

        var html = await client.GetStringAsync("/licenses");

        var current = CurrentOrganization().Match(html);
        Assert.True(current.Success, "the app bar names no organization");
        Assert.Contains(app.Alder.Name, current.Groups[1].Value);
        Assert.Equal([app.Birch.Id.ToString()], SwitchChoices(html));
        Assert.Contains("name=\"returnUrl\" value=\"/licenses\"", html);
        Assert.Matches("action=\"/Account/SwitchOrganization\"[^>]*>\\s*<input type=\"hidden\" name=\"__RequestVerificationToken\"", html);
    }

    [Fact]
    public async Task A_member_of_one_organization_sees_its_name_and_no_switch()
    {
        using var client = await app.SignedInAsync(app.Alder.Owner);

        var html = await client.GetStringAsync("/dashboard");

        Assert.Contains(app.Alder.Name, CurrentOrganization().Match(html).Groups[1].Value);
        Assert.Empty(SwitchChoices(html));
    }

    [Fact]
    public async Task Switching_to_an_organization_one_is_not_a_member_of_is_refused_and_changes_nothing()
    {
        var consultant = await app.ConsultantAsync("sam");
        using var client = await app.SignedInAsync(consultant);
        var contoso = await ContosoIdAsync();

        var refused = await PostSwitchAsync(client, contoso, "/licenses");
        var unknown = await PostSwitchAsync(client, Guid.NewGuid(), "/licenses");

        Assert.True(AccountForms.IsRedirectTo(refused, "/Account/AccessDenied"), $"{refused.StatusCode} {refused.Headers.Location}");
        Assert.True(AccountForms.IsRedirectTo(unknown, "/Account/AccessDenied"), $"{unknown.StatusCode} {unknown.Headers.Location}");
        Assert.Equal(app.Alder.Id, (await app.AccountAsync(consultant.UserId)).ChosenOrganizationId);
        await AssertWorksInAsync(client, app.Alder, notIn: app.Birch);
    }

    [Fact]
    public async Task A_switch_needs_the_antiforgery_token()
    {
        var consultant = await app.ConsultantAsync("kit");
        using var client = await app.SignedInAsync(consultant);

        var forged = await client.PostAsync(OrganizationSwitchEndpoints.SwitchPath, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["organizationId"] = app.Birch.Id.ToString(),
            ["returnUrl"] = "/licenses",
        }));

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(app.Alder.Id, (await app.AccountAsync(consultant.UserId)).ChosenOrganizationId);
    }

    [Theory]
    [InlineData("/orders/{order}", "/dashboard")]
    [InlineData("/licenses/{license}", "/dashboard")]
    [InlineData("/checkout/return?order_id={order}", "/dashboard")]
    [InlineData("/history", "/history")]
    [InlineData("https://evil.example/licenses", "/")]
    [InlineData("//evil.example", "/")]
    [InlineData("/\\evil.example", "/")]
    public async Task After_a_switch_the_page_of_an_object_of_the_old_organization_gives_way_to_the_dashboard(string returnUrl, string expected)
    {
        var consultant = await app.ConsultantAsync($"lee-{Guid.NewGuid():N}");
        using var client = await app.SignedInAsync(consultant);

        var switched = await SwitchAsync(client, app.Birch,
            returnUrl.Replace("{order}", app.Alder.OrderId.ToString(), StringComparison.Ordinal).Replace("{license}", app.Alder.LicenseId.ToString(), StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.Redirect, switched.StatusCode);
        Assert.Equal(expected, switched.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Refreshing_the_sign_in_takes_up_a_switch_made_elsewhere_and_goes_back_to_the_page()
    {
        var consultant = await app.ConsultantAsync("alex");
        using var client = await app.SignedInAsync(consultant);
        using var otherBrowser = await app.SignedInAsync(consultant);
        await SwitchAsync(otherBrowser, app.Birch, "/dashboard");
        // This cookie still says Alder until it is made anew (or the interval passes).
        await AssertWorksInAsync(client, app.Alder, notIn: app.Birch);

        var refreshed = await client.GetAsync(OrganizationSwitchEndpoints.RefreshSignIn("/licenses?status=Active"));

        Assert.Equal(HttpStatusCode.Redirect, refreshed.StatusCode);
        Assert.Equal("/licenses?status=Active", refreshed.Headers.Location!.OriginalString);
        await AssertWorksInAsync(client, app.Birch, notIn: app.Alder);
    }

    [Fact]
    public async Task Refreshing_after_a_switch_elsewhere_leaves_the_page_of_an_object_of_the_old_organization()
    {
        var consultant = await app.ConsultantAsync("jo");
        using var client = await app.SignedInAsync(consultant);
        using var otherBrowser = await app.SignedInAsync(consultant);
        await SwitchAsync(otherBrowser, app.Birch, "/dashboard");

        var refreshed = await client.GetAsync(OrganizationSwitchEndpoints.RefreshSignIn($"/orders/{app.Alder.OrderId}"));

        Assert.Equal("/dashboard", refreshed.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Refreshing_after_a_change_of_roles_keeps_the_page_and_carries_the_new_roles()
    {
        var consultant = await app.ConsultantAsync("pat", inAlder: MemberRoles.Technical);
        using var client = await app.SignedInAsync(consultant);
        await app.Services.GetRequiredService<MembershipService>().ChangeRolesAsync(app.Alder.Id, consultant.UserId, MemberRoles.Billing, app.Alder.Owner.Actor);

        var refreshed = await client.GetAsync(OrganizationSwitchEndpoints.RefreshSignIn($"/orders/{app.Alder.OrderId}"));

        Assert.Equal($"/orders/{app.Alder.OrderId}", refreshed.Headers.Location!.OriginalString);
        var signIn = app.SignInIssuedBy(refreshed);
        Assert.Equal(app.Alder.Id, signIn.OrganizationId());
        Assert.Equal(MemberRoles.Billing, signIn.MemberRoles());
    }

    [Fact]
    public async Task A_member_removed_from_every_organization_is_told_so_after_the_refresh()
    {
        var consultant = await app.ConsultantAsync("max");
        using var client = await app.SignedInAsync(consultant);
        var members = app.Services.GetRequiredService<MembershipService>();
        await members.RemoveAsync(app.Alder.Id, consultant.UserId, app.Alder.Owner.Actor);
        await members.RemoveAsync(app.Birch.Id, consultant.UserId, app.Birch.Owner.Actor);

        var refreshed = await client.GetAsync(OrganizationSwitchEndpoints.RefreshSignIn("/licenses"));

        Assert.Equal("/licenses", refreshed.Headers.Location!.OriginalString);
        // The customer pages send the request to the access-denied page (a page open in a circuit shows the same notice).
        var licenses = await client.GetAsync("/licenses");
        Assert.True(AccountForms.IsRedirectTo(licenses, "/Account/AccessDenied"), $"{licenses.StatusCode} {licenses.Headers.Location}");
        var page = await client.GetStringAsync(licenses.Headers.Location);
        Assert.Equal("You are not a member of any organization", Heading().Match(page).Groups[1].Value);
        Assert.DoesNotContain(app.Alder.Name, page);
        Assert.NotEqual(HttpStatusCode.OK, (await client.GetAsync(LicenseDownloads.DownloadPath(app.Alder.LicenseId))).StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, (await client.GetAsync(LicenseDownloads.HistoryExportPath)).StatusCode);
    }

    [Fact]
    public async Task Refreshing_a_sign_in_that_no_longer_stands_signs_out_and_asks_to_sign_in_again()
    {
        var consultant = await app.ConsultantAsync("ari");
        using var client = await app.SignedInAsync(consultant);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            await users.UpdateSecurityStampAsync((await users.FindByIdAsync(consultant.UserId))!);
        }

        var refreshed = await client.GetAsync(OrganizationSwitchEndpoints.RefreshSignIn("/licenses"));

        Assert.Equal("/Account/Login?ReturnUrl=%2Flicenses", refreshed.Headers.Location!.OriginalString);
        Assert.True(AccountForms.IsRedirectTo(await client.GetAsync("/dashboard"), "/Account/Login"), "the cookie still works after the sign-out");
    }

    [Theory]
    [InlineData("/licenses", "/Account/Login?ReturnUrl=%2Flicenses")]
    [InlineData("https://evil.example/", "/Account/Login?ReturnUrl=%2F")]
    public async Task Refreshing_without_a_sign_in_asks_to_sign_in(string returnUrl, string expected)
    {
        using var client = app.NewClient();

        var refreshed = await client.GetAsync(OrganizationSwitchEndpoints.RefreshSignIn(returnUrl));

        Assert.Equal(expected, refreshed.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Refreshing_goes_back_only_to_a_page_of_the_portal()
    {
        var consultant = await app.ConsultantAsync("mo");
        using var client = await app.SignedInAsync(consultant);

        var refreshed = await client.GetAsync(OrganizationSwitchEndpoints.RefreshSignIn("//evil.example/licenses"));

        Assert.Equal("/", refreshed.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task The_cookie_takes_up_a_removal_by_itself_within_the_revalidation_interval()
    {
        var consultant = await app.ConsultantAsync("val");
        using var client = await app.SignedInAsync(consultant);
        await app.Services.GetRequiredService<MembershipService>().RemoveAsync(app.Alder.Id, consultant.UserId, app.Alder.Owner.Actor);
        // Identity's security-stamp check every interval rebuilds the cookie's claims through PortalClaimsPrincipalFactory.
        app.Clock.Advance(TimeSpan.FromSeconds(61));

        var renewed = app.SignInIssuedBy(await client.GetAsync("/dashboard"));
        Assert.Equal(app.Birch.Id, renewed.OrganizationId());
        Assert.Equal(MemberRoles.Technical, renewed.MemberRoles());
        await AssertWorksInAsync(client, app.Birch, notIn: app.Alder);
    }

    /// <summary>Every page, download and export the client gets is of <paramref name="organization"/> and nothing of <paramref name="notIn"/>.</summary>
    private static async Task AssertWorksInAsync(HttpClient client, TestOrganization organization, TestOrganization notIn)
    {
        Assert.Equal(organization.Name, Heading().Match(await client.GetStringAsync("/dashboard")).Groups[1].Value);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/licenses/{organization.LicenseId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/licenses/{notIn.LicenseId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/orders/{organization.OrderId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/orders/{notIn.OrderId}")).StatusCode);

        Assert.Contains(organization.LicenseKey, await client.GetStringAsync(LicenseDownloads.DownloadPath(organization.LicenseId)));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(LicenseDownloads.DownloadPath(notIn.LicenseId))).StatusCode);
        var allKeys = await client.GetStringAsync(LicenseDownloads.DownloadAllPath);
        Assert.Contains(organization.LicenseKey, allKeys);
        Assert.DoesNotContain(notIn.LicenseKey, allKeys);

        var history = await client.GetStringAsync(LicenseDownloads.HistoryExportPath);
        Assert.Contains(organization.Owner.Email, history);
        Assert.DoesNotContain(notIn.Owner.Email, history);
        Assert.DoesNotContain(notIn.Name, history);
    }

    /// <summary>Posts the app bar's form for <paramref name="organization"/>, as a person choosing it does.</summary>
    private static async Task<HttpResponseMessage> SwitchAsync(HttpClient client, TestOrganization organization, string returnUrl)
    {
        Assert.Contains(organization.Id.ToString(), SwitchChoices(await client.GetStringAsync("/dashboard")));
        return await PostSwitchAsync(client, organization.Id, returnUrl);
    }

    private static async Task<HttpResponseMessage> PostSwitchAsync(HttpClient client, Guid organizationId, string returnUrl)
    {
        var token = AccountForms.AntiforgeryToken(await client.GetStringAsync("/dashboard"));
        return await client.PostAsync(OrganizationSwitchEndpoints.SwitchPath, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["organizationId"] = organizationId.ToString(),
            ["returnUrl"] = returnUrl,
        }));
    }

    private async Task<Guid> ContosoIdAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Organizations
            .Where(o => o.Name == DevelopmentData.DemoOrganizationName).Select(o => o.Id).SingleAsync();
    }

    /// <summary>The organizations the app bar's switch offers (one form each).</summary>
    private static List<string> SwitchChoices(string html) =>
        SwitchChoice().Matches(html).Select(m => m.Groups[1].Value).ToList();

    [GeneratedRegex("<h1[^>]*>([^<]*)</h1>")]
    private static partial Regex Heading();

    [GeneratedRegex("data-testid=\"current-organization\".*?<span class=\"visually-hidden\"[^>]*>Organization: </span>([^<]*)</span>", RegexOptions.Singleline)]
    private static partial Regex CurrentOrganization();

    [GeneratedRegex("action=\"/Account/SwitchOrganization\".*?name=\"organizationId\" value=\"([0-9a-f-]{36})\"", RegexOptions.Singleline)]
    private static partial Regex SwitchChoice();
}
