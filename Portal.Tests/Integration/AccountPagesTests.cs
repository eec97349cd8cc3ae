using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.Organizations;

using static Portal.Tests.Integration.AccountForms;

namespace Portal.Tests.Integration;

/// <summary>
/// The statically rendered Identity pages through real form posts (antiforgery token, <c>_handler</c>, field names as
/// rendered): registration with an organization, the confirmation email, sign-in, lockout, and the MudBlazor restyle.
/// One running Portal for the class; each test uses its own accounts and organizations.
/// </summary>
public sealed partial class AccountPagesTests(PortalApp app) : IClassFixture<PortalApp>
{
    private const string NewPassword = "Fabrikam-Pass-2026!";

    private PortalAppFactory Factory => app.Factory;

    [Fact]
    public async Task Registering_creates_the_organization_a_customer_member_and_a_confirmation_link_that_confirms_the_email()
    {
        using var client = NewClient();
        var email = UniqueEmail("buyer");

        var response = await PostFormAsync(client, "/Account/Register", "register", RegistrationFields(
            email, organizationName: "Fabrikam Research Institute", kind: "Educational", countryCode: "NL"));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var confirmationPage = response.Headers.Location!;
        Assert.StartsWith("/Account/RegisterConfirmation", confirmationPage.IsAbsoluteUri ? confirmationPage.AbsolutePath : confirmationPage.OriginalString);

        await using (var scope = Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            var user = await db.Users.SingleAsync(u => u.Email == email);
            var organization = await db.Organizations.SingleAsync(o => db.Memberships.Any(m => m.OrganizationId == o.Id && m.UserId == user.Id));
            Assert.Equal("Fabrikam Research Institute", organization.Name);
            Assert.Equal(OrganizationKind.Educational, organization.Kind);
            Assert.Equal("NL", organization.CountryCode);
            Assert.Equal(email, organization.BillingEmail);
            Assert.False(user.EmailConfirmed);

            var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            Assert.True(await users.IsInRoleAsync(user, Roles.Customer));
        }

        var shown = await client.GetStringAsync(confirmationPage);
        Assert.Contains("We have sent a confirmation link to", shown);
        Assert.Contains(email, shown);

        var message = await SingleEmailToAsync(email);
        var link = ConfirmEmailLink().Match(message.TextBody ?? "");
        Assert.True(link.Success, $"No confirmation link in the email:\n{message.TextBody}");

        var confirmation = await client.GetAsync(new Uri(link.Value).PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, confirmation.StatusCode);
        Assert.Contains("your email address is confirmed", await confirmation.Content.ReadAsStringAsync());

        await using (var scope = Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            Assert.True(await db.Users.Where(u => u.Email == email).Select(u => u.EmailConfirmed).SingleAsync());
        }
    }

    [Fact]
    public async Task Registering_an_email_that_already_has_an_account_explains_it_keeps_the_form_and_creates_nothing()
    {
        using var client = NewClient();
        var organizationsBefore = await CountOrganizationsAsync();

        var response = await PostFormAsync(client, "/Account/Register", "register", RegistrationFields(
            DevelopmentData.CustomerEmail, organizationName: "Second Contoso Branch", kind: "Commercial", countryCode: "GB"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("An account with this email address already exists", html);
        Assert.Contains("value=\"Second Contoso Branch\"", html);
        Assert.DoesNotContain(NewPassword, html);
        Assert.Equal(organizationsBefore, await CountOrganizationsAsync());
        Assert.False(await OrganizationExistsAsync("Second Contoso Branch"));
    }

    [Theory]
    [InlineData("", "Choose the country your organization is in.")]
    [InlineData("XX", "is not a country we know")]
    public async Task Registering_without_a_known_country_explains_it_and_creates_nothing(string countryCode, string expectedMessage)
    {
        using var client = NewClient();
        var email = UniqueEmail("nocountry");
        var organizationName = $"Nowhere Trading {Guid.NewGuid():N}";
        var organizationsBefore = await CountOrganizationsAsync();

        var response = await PostFormAsync(client, "/Account/Register", "register", RegistrationFields(
            email, organizationName, kind: "Commercial", countryCode));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains(expectedMessage, html);
        Assert.Contains($"value=\"{organizationName}\"", html);
        Assert.Equal(organizationsBefore, await CountOrganizationsAsync());
        Assert.False(await OrganizationExistsAsync(organizationName));
        await using var scope = Factory.Services.CreateAsyncScope();
        Assert.Null(await scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>().FindByEmailAsync(email));
        Assert.Empty(EmailsTo(email));
    }

    [Fact]
    public async Task Signing_in_as_the_demo_customer_sets_the_auth_cookie_and_goes_back_to_the_return_url()
    {
        using var client = NewClient();

        var response = await SignInAsync(client, DevelopmentData.CustomerEmail, DevelopmentData.DemoPassword, returnUrl: "/dashboard");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.EndsWith("/dashboard", response.Headers.Location!.OriginalString);
        Assert.Contains(SetCookies(response), cookie => cookie.StartsWith("portal.auth=", StringComparison.Ordinal));

        var manage = await client.GetAsync("/Account/Manage");
        Assert.Equal(HttpStatusCode.OK, manage.StatusCode);
        Assert.Contains(DevelopmentData.CustomerEmail, await manage.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_so_the_right_password_is_refused()
    {
        const string password = "Lockout-Pass-2026!";
        var email = UniqueEmail("lockout");
        await using (var scope = Factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            var created = await users.CreateAsync(new PortalUser { UserName = email, Email = email, EmailConfirmed = true }, password);
            Assert.True(created.Succeeded, string.Join("; ", created.Errors.Select(e => e.Description)));
        }

        using var client = NewClient();
        for (var attempt = 1; attempt <= 4; attempt++)
        {
            var wrong = await SignInAsync(client, email, $"Wrong-Password-{attempt}");
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
            Assert.Contains("Invalid email or password.", await wrong.Content.ReadAsStringAsync());
            Assert.DoesNotContain(SetCookies(wrong), cookie => cookie.StartsWith("portal.auth=", StringComparison.Ordinal));
        }

        var fifth = await SignInAsync(client, email, "Wrong-Password-5");
        Assert.Equal(HttpStatusCode.Redirect, fifth.StatusCode);
        Assert.EndsWith("/Account/Lockout", fifth.Headers.Location!.OriginalString);

        var sixth = await SignInAsync(client, email, password);
        Assert.Equal(HttpStatusCode.Redirect, sixth.StatusCode);
        Assert.EndsWith("/Account/Lockout", sixth.Headers.Location!.OriginalString);
        Assert.DoesNotContain(SetCookies(sixth), cookie => cookie.StartsWith("portal.auth=", StringComparison.Ordinal));

        var lockoutPage = await client.GetStringAsync("/Account/Lockout");
        Assert.Contains("Account temporarily locked", lockoutPage);
        Assert.Contains("15 minutes", lockoutPage);

        var manage = await client.GetAsync("/Account/Manage");
        Assert.Equal(HttpStatusCode.Redirect, manage.StatusCode);
        Assert.Contains("/Account/Login", manage.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Account_pages_use_no_bootstrap_classes_and_have_one_h1_and_labelled_fields()
    {
        string[] anonymousPages =
        [
            "/Account/Login", "/Account/Register", "/Account/ForgotPassword", "/Account/ForgotPasswordConfirmation",
            "/Account/ResendEmailConfirmation", "/Account/ResetPassword?code=Y29kZQ", "/Account/ResetPasswordConfirmation",
            "/Account/InvalidPasswordReset", "/Account/Lockout", "/Account/AccessDenied",
            $"/Account/RegisterConfirmation?email={Uri.EscapeDataString(DevelopmentData.CustomerEmail)}",
        ];
        string[] signedInPages =
        [
            "/Account/Manage", "/Account/Manage/Email", "/Account/Manage/ChangePassword",
            "/Account/Manage/TwoFactorAuthentication", "/Account/Manage/EnableAuthenticator", "/Account/Manage/Passkeys",
            "/Account/Manage/PersonalData", "/Account/Manage/DeletePersonalData", "/Account/Manage/ResetAuthenticator",
        ];

        using var anonymous = NewClient();
        foreach (var page in anonymousPages)
            await AssertRestyledAsync(anonymous, page);

        using var customer = NewClient();
        var signIn = await SignInAsync(customer, DevelopmentData.CustomerEmail, DevelopmentData.DemoPassword);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        foreach (var page in signedInPages)
            await AssertRestyledAsync(customer, page);
    }

    [Fact]
    public async Task Two_factor_sign_in_with_a_recovery_code_works_and_its_pages_are_restyled()
    {
        const string password = "TwoFactor-Pass-2026!";
        var email = UniqueEmail("twofactor");
        string recoveryCode;
        await using (var scope = Factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            var user = new PortalUser { UserName = email, Email = email, EmailConfirmed = true };
            Assert.True((await users.CreateAsync(user, password)).Succeeded);
            await users.ResetAuthenticatorKeyAsync(user);
            await users.SetTwoFactorEnabledAsync(user, true);
            recoveryCode = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 10))!.First();
        }

        using var client = NewClient();
        var signIn = await SubmitPasswordAsync(client, email, password);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Contains("/Account/LoginWith2fa", signIn.Headers.Location!.OriginalString);
        await AssertRestyledAsync(client, "/Account/LoginWith2fa");

        var recovered = await PostFormAsync(client, "/Account/LoginWithRecoveryCode", "login-with-recovery-code", new()
        {
            ["Input.RecoveryCode"] = recoveryCode,
        });
        Assert.Equal(HttpStatusCode.Redirect, recovered.StatusCode);
        Assert.Contains(SetCookies(recovered), cookie => cookie.StartsWith("portal.auth=", StringComparison.Ordinal));

        foreach (var page in new[] { "/Account/Manage/TwoFactorAuthentication", "/Account/Manage/Disable2fa", "/Account/Manage/GenerateRecoveryCodes" })
            await AssertRestyledAsync(client, page);
        Assert.Contains("It is turned on for your account.", await client.GetStringAsync("/Account/Manage/TwoFactorAuthentication"));
    }

    [Fact]
    public async Task External_login_pages_and_endpoints_are_gone()
    {
        using var client = NewClient();
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/Account/ExternalLogin")).StatusCode);
        Assert.DoesNotContain("PerformExternalLogin", await client.GetStringAsync("/Account/Login"));

        var signIn = await SignInAsync(client, DevelopmentData.CustomerEmail, DevelopmentData.DemoPassword);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/Account/Manage/ExternalLogins")).StatusCode);
        var manage = await client.GetStringAsync("/Account/Manage");
        Assert.DoesNotContain("ExternalLogins", manage);
        Assert.DoesNotContain("LinkExternalLogin", manage);
    }

    // ---- helpers ----

    private static readonly string[] BootstrapClasses =
    [
        "form-floating", "form-control", "form-label", "form-check-input", "btn", "btn-primary", "btn-danger", "btn-link",
        "btn-lg", "row", "alert", "alert-danger", "alert-warning", "alert-success", "alert-info", "text-danger",
        "text-success", "text-info", "nav", "nav-pills", "nav-item", "nav-link", "input-group", "input-group-text", "table",
        "w-100", "checkbox",
    ];

    private static async Task AssertRestyledAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path} answered {(int)response.StatusCode}");
        var html = await response.Content.ReadAsStringAsync();

        var classes = ClassAttribute().Matches(html)
            .SelectMany(match => match.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToHashSet();
        var bootstrap = classes.Where(name => BootstrapClasses.Contains(name) || name.StartsWith("col-", StringComparison.Ordinal)).ToList();
        Assert.True(bootstrap.Count == 0, $"{path} uses Bootstrap classes: {string.Join(", ", bootstrap)}");

        Assert.True(H1().Count(html) == 1, $"{path} should have exactly one h1, has {H1().Count(html)}");

        var labelled = LabelFor().Matches(html).Select(match => match.Groups[1].Value).ToHashSet();
        foreach (Match field in FormField().Matches(html))
        {
            var tag = field.Value;
            if (tag.Contains("type=\"hidden\"", StringComparison.Ordinal))
                continue;
            var id = IdAttribute().Match(tag);
            Assert.True(id.Success && labelled.Contains(id.Groups[1].Value), $"{path}: field without a visible <label for>: {tag}");
        }
    }

    private HttpClient NewClient() =>
        Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    private static string UniqueEmail(string who) => $"{who}-{Guid.NewGuid():N}@fabrikam.example";

    private static Dictionary<string, string> RegistrationFields(string email, string organizationName, string kind, string countryCode) => new()
    {
        ["Input.OrganizationName"] = organizationName,
        ["Input.OrganizationKind"] = kind,
        ["Input.CountryCode"] = countryCode,
        ["Input.Email"] = email,
        ["Input.Password"] = NewPassword,
        ["Input.ConfirmPassword"] = NewPassword,
    };

    private static IEnumerable<string> SetCookies(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [];

    private IEnumerable<string> EmailsTo(string email) =>
        Directory.Exists(Factory.MailPickupFolder)
            ? Directory.EnumerateFiles(Factory.MailPickupFolder, "*.eml")
                .Where(file => MimeMessage.Load(file).To.Mailboxes.Any(to => to.Address.Equals(email, StringComparison.OrdinalIgnoreCase)))
            : [];

    private async Task<MimeMessage> SingleEmailToAsync(string email)
    {
        var file = Assert.Single(EmailsTo(email));
        return await MimeMessage.LoadAsync(file);
    }

    private async Task<int> CountOrganizationsAsync()
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Organizations.CountAsync();
    }

    private async Task<bool> OrganizationExistsAsync(string name)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Organizations.AnyAsync(o => o.Name == name);
    }


    [GeneratedRegex(@"https?://\S+/Account/ConfirmEmail\?\S+")]
    private static partial Regex ConfirmEmailLink();

    [GeneratedRegex("class=\"([^\"]*)\"")]
    private static partial Regex ClassAttribute();

    [GeneratedRegex(@"<h1[\s>]")]
    private static partial Regex H1();

    [GeneratedRegex("<label[^>]*\\sfor=\"([^\"]+)\"")]
    private static partial Regex LabelFor();

    [GeneratedRegex(@"<(?:input|select|textarea)\b[^>]*>")]
    private static partial Regex FormField();

    [GeneratedRegex("\\sid=\"([^\"]+)\"")]
    private static partial Regex IdAttribute();
}
