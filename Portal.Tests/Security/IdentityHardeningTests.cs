using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.Organizations;
using Portal.Tests.Integration;

using static Portal.Tests.Integration.AccountForms;

namespace Portal.Tests.Security;

/// <summary>
/// Issue 8, identity: the running app over HTTP, through its real forms. Lockout after wrong passwords and wrong
/// authenticator codes, the password rules, two-factor authentication for staff, and confirmed email addresses. One
/// running Portal (Development, demo data) for the class; each test uses accounts of its own.
/// </summary>
public sealed partial class IdentityHardeningTests(PortalApp app) : IClassFixture<PortalApp>
{
    private const string CustomerPassword = "velvet harbor compass";

    private PortalAppFactory Factory => app.Factory;

    // ---- lockout ----

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_for_15_minutes_and_the_right_one_is_refused_until_then()
    {
        var email = await ConfirmedCustomerAsync();
        using var client = NewClient();

        for (var attempt = 1; attempt <= 4; attempt++)
        {
            var wrong = await SignInAsync(client, email, $"not the password {attempt}");
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
            Assert.Contains("Invalid email or password.", await wrong.Content.ReadAsStringAsync());
        }
        var fifth = await SignInAsync(client, email, "not the password 5");
        var right = await SignInAsync(client, email, CustomerPassword);

        Assert.True(IsRedirectTo(fifth, "/Account/Lockout"), $"the fifth wrong password answered {fifth.StatusCode} {fifth.Headers.Location}");
        Assert.True(IsRedirectTo(right, "/Account/Lockout"), "the right password must be refused while the account is locked");
        Assert.False(HasAuthCookie(right));
        Assert.Contains("Account temporarily locked", await client.GetStringAsync("/Account/Lockout"));
        // Identity's lockout reads the system clock, not the app's TimeProvider: the stored end shows the 15 minutes.
        var lockoutEnd = await LockoutEndAsync(email);
        Assert.InRange(lockoutEnd!.Value, DateTimeOffset.UtcNow.AddMinutes(14), DateTimeOffset.UtcNow.AddMinutes(15).AddSeconds(5));

        // When the 15 minutes are over, the right password works again.
        await SetLockoutEndAsync(email, DateTimeOffset.UtcNow.AddSeconds(-1));
        var afterLockout = await SignInAsync(client, email, CustomerPassword);
        Assert.Equal(HttpStatusCode.Redirect, afterLockout.StatusCode);
        Assert.True(HasAuthCookie(afterLockout));
    }

    [Fact]
    public async Task Five_wrong_authenticator_codes_lock_a_staff_account_and_then_the_right_code_is_refused()
    {
        var staff = await TestStaff.CreateAsync(Factory.Services, Roles.Support);
        using var client = NewClient();
        var passwordStep = await SubmitPasswordAsync(client, staff.Email, TestStaff.Password);
        Assert.True(IsRedirectTo(passwordStep, "/Account/LoginWith2fa"));
        var twoFactorPage = passwordStep.Headers.Location!.OriginalString;

        for (var attempt = 1; attempt <= 4; attempt++)
        {
            var wrong = await SubmitAuthenticatorCodeAsync(client, twoFactorPage, TestStaff.WrongCode(staff.AuthenticatorKey!));
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
            Assert.Contains("That code is not valid", await wrong.Content.ReadAsStringAsync());
        }
        var fifth = await SubmitAuthenticatorCodeAsync(client, twoFactorPage, TestStaff.WrongCode(staff.AuthenticatorKey!));
        var right = await SubmitAuthenticatorCodeAsync(client, twoFactorPage, AuthenticatorCode(staff.AuthenticatorKey!));

        Assert.True(IsRedirectTo(fifth, "/Account/Lockout"), $"the fifth wrong code answered {fifth.StatusCode} {fifth.Headers.Location}");
        Assert.True(IsRedirectTo(right, "/Account/Lockout"), "the right code must be refused while the account is locked");
        Assert.False(HasAuthCookie(right));
        Assert.InRange((await LockoutEndAsync(staff.Email))!.Value, DateTimeOffset.UtcNow.AddMinutes(14), DateTimeOffset.UtcNow.AddMinutes(15).AddSeconds(5));
    }

    // ---- passwords ----

    [Theory]
    [InlineData("password1234")]
    [InlineData("qwertyuiop123")]
    [InlineData("iloveyou12345")]
    [InlineData("Password2026!")]
    [InlineData("aaaaaaaaaaaaaaaa")]
    [InlineData("keymetricportal")]
    public async Task Registration_refuses_a_common_password_of_twelve_or_more_characters_and_creates_nothing(string password)
    {
        using var client = NewClient();
        var email = UniqueEmail("common");

        var response = await RegisterAsync(client, email, password);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("This password is too common", WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
        Assert.Null(await FindUserAsync(email));
    }

    [Fact]
    public async Task Registration_refuses_a_password_made_of_the_persons_own_email_address()
    {
        using var client = NewClient();
        var name = $"ottoline{Guid.NewGuid().ToString("N")[..6]}";
        var email = $"{name}@fabrikam.example";

        var response = await RegisterAsync(client, email, $"{name}fabrikam");

        Assert.Contains("This password is too common", WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
        Assert.Null(await FindUserAsync(email));
    }

    [Fact]
    public async Task Registration_refuses_eleven_characters_and_accepts_twelve_without_digits_capitals_or_symbols()
    {
        using var client = NewClient();
        var refusedEmail = UniqueEmail("short");
        var acceptedEmail = UniqueEmail("phrase");

        var elevenCharacters = await RegisterAsync(client, refusedEmail, "x7#Kq9!mZ2p");
        var lowerCaseWords = await RegisterAsync(client, acceptedEmail, "plum cobalt yak");

        Assert.Contains("at least 12", await elevenCharacters.Content.ReadAsStringAsync());
        Assert.Null(await FindUserAsync(refusedEmail));
        Assert.True(IsRedirectTo(lowerCaseWords, "/Account/RegisterConfirmation"),
            $"a 15-character phrase of lower-case words answered {lowerCaseWords.StatusCode}: {await lowerCaseWords.Content.ReadAsStringAsync()}");
        Assert.NotNull(await FindUserAsync(acceptedEmail));
    }

    [Fact]
    public async Task Resetting_to_a_common_password_is_refused_and_the_old_password_keeps_working()
    {
        var email = await ConfirmedCustomerAsync();
        string code;
        await using (var scope = Factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            var token = await users.GeneratePasswordResetTokenAsync((await users.FindByEmailAsync(email))!);
            code = Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlEncode(System.Text.Encoding.UTF8.GetBytes(token));
        }
        using var client = NewClient();

        var reset = await PostFormAsync(client, $"/Account/ResetPassword?code={code}", "reset-password", new()
        {
            ["Input.Email"] = email,
            ["Input.Password"] = "password1234",
            ["Input.ConfirmPassword"] = "password1234",
        });

        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        Assert.Contains("This password is too common", WebUtility.HtmlDecode(await reset.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(client, email, CustomerPassword)).StatusCode);
    }

    [Fact]
    public async Task Every_new_password_form_states_the_rules_and_no_composition_rules()
    {
        using var anonymous = NewClient();
        using var customer = NewClient();
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(customer, await ConfirmedCustomerAsync(), CustomerPassword)).StatusCode);

        var pages = new[]
        {
            await anonymous.GetStringAsync("/Account/Register"),
            await anonymous.GetStringAsync("/Account/ResetPassword?code=Y29kZQ"),
            await customer.GetStringAsync("/Account/Manage/ChangePassword"),
        };

        foreach (var html in pages.Select(page => WebUtility.HtmlDecode(page)))
        {
            var help = PasswordHelp().Match(html);
            Assert.True(help.Success, "no password help under the new-password field");
            Assert.Contains("At least 12 characters", help.Groups[1].Value);
            Assert.Contains("not a common or easily guessed password", help.Groups[1].Value);
            Assert.DoesNotContain("digit", help.Groups[1].Value);
            Assert.DoesNotContain("upper-case", help.Groups[1].Value);
        }
    }

    // ---- two-factor authentication for staff ----

    [Theory]
    [InlineData(DevelopmentData.SalesEmail)]
    [InlineData(DevelopmentData.SupportEmail)]
    [InlineData(DevelopmentData.AdminEmail)]
    public async Task Staff_sign_in_asks_for_the_authenticator_code_and_only_the_right_code_signs_in(string email)
    {
        using var client = NewClient();

        var passwordStep = await SubmitPasswordAsync(client, email, DevelopmentData.DemoPassword, returnUrl: "/staff");
        var beforeTheCode = await client.GetAsync("/staff");
        var wrongCode = await SubmitAuthenticatorCodeAsync(client, passwordStep.Headers.Location!.OriginalString, TestStaff.WrongCode(DevelopmentData.DemoAuthenticatorKey));
        var rightCode = await SubmitAuthenticatorCodeAsync(client, passwordStep.Headers.Location!.OriginalString, AuthenticatorCode(DevelopmentData.DemoAuthenticatorKey));

        Assert.True(IsRedirectTo(passwordStep, "/Account/LoginWith2fa"), $"the password step answered {passwordStep.StatusCode} {passwordStep.Headers.Location}");
        Assert.False(HasAuthCookie(passwordStep));
        Assert.True(IsRedirectTo(beforeTheCode, "/Account/Login"), "the password alone must not open the staff area");
        Assert.Equal(HttpStatusCode.OK, wrongCode.StatusCode);
        Assert.False(HasAuthCookie(wrongCode));
        Assert.Equal(HttpStatusCode.Redirect, rightCode.StatusCode);
        Assert.EndsWith("/staff", rightCode.Headers.Location!.OriginalString);
        Assert.True(HasAuthCookie(rightCode));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/staff")).StatusCode);
    }

    [Fact]
    public async Task A_customer_signs_in_with_the_password_alone()
    {
        using var client = NewClient();

        var response = await SubmitPasswordAsync(client, DevelopmentData.CustomerEmail, DevelopmentData.DemoPassword, returnUrl: "/dashboard");

        Assert.True(IsRedirectTo(response, "/dashboard"));
        Assert.True(HasAuthCookie(response));
    }

    [Fact]
    public async Task Staff_without_an_authenticator_are_sent_to_set_one_up_before_any_staff_page_or_endpoint_works()
    {
        var staff = await TestStaff.CreateAsync(Factory.Services, Roles.Sales, withAuthenticator: false);
        using var client = NewClient();
        Assert.True(HasAuthCookie(await SignInAsync(client, staff.Email, TestStaff.Password)));

        foreach (var path in new[] { "/staff", "/staff/discounts", "/staff/customers", $"/staff/discounts/{Guid.NewGuid()}/attachments/{Guid.NewGuid()}" })
        {
            var refused = await client.GetAsync(path);
            Assert.True(IsRedirectTo(refused, "/Account/Manage/EnableAuthenticator"), $"{path} answered {refused.StatusCode} {refused.Headers.Location}");
        }

        // The set-up page says why, shows the key; a code from the app turns two-factor authentication on.
        var setup = WebUtility.HtmlDecode(await client.GetStringAsync("/Account/Manage/EnableAuthenticator"));
        Assert.Contains("Staff accounts need two-factor authentication.", setup);
        var key = SharedKey().Match(setup).Groups[1].Value.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        var enabled = await PostFormAsync(client, "/Account/Manage/EnableAuthenticator", "send-code", new() { ["Input.Code"] = AuthenticatorCode(key) });
        Assert.Equal(HttpStatusCode.OK, enabled.StatusCode);
        Assert.Contains("Recovery codes", await enabled.Content.ReadAsStringAsync());
        Assert.True(HasAuthCookie(enabled), "turning two-factor on must renew the sign-in");

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/staff/discounts")).StatusCode);

        // From now on the password alone is not enough.
        using var nextTime = NewClient();
        Assert.True(IsRedirectTo(await SubmitPasswordAsync(nextTime, staff.Email, TestStaff.Password), "/Account/LoginWith2fa"));
        Assert.True(HasAuthCookie(await SignInAsync(nextTime, staff.Email, TestStaff.Password, authenticatorKey: key)));
    }

    [Fact]
    public async Task Staff_cannot_turn_two_factor_authentication_off()
    {
        var staff = await TestStaff.CreateAsync(Factory.Services, Roles.Admin);
        using var client = NewClient();
        Assert.True(HasAuthCookie(await SignInAsync(client, staff.Email, TestStaff.Password, authenticatorKey: staff.AuthenticatorKey!)));
        var token = AntiforgeryToken(await client.GetStringAsync("/Account/Manage/ChangePassword"));

        var page = await client.GetAsync("/Account/Manage/Disable2fa");
        var post = await client.PostAsync("/Account/Manage/Disable2fa", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "disable-2fa",
            ["__RequestVerificationToken"] = token,
        }));

        Assert.True(IsRedirectTo(page, "/Account/Manage/TwoFactorAuthentication"));
        // Staff get no form to submit: the post is refused before any handler runs.
        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        await using var scope = Factory.Services.CreateAsyncScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>().FindByIdAsync(staff.UserId);
        Assert.True(user!.TwoFactorEnabled);
        var settings = await client.GetStringAsync("/Account/Manage/TwoFactorAuthentication");
        Assert.Contains("Staff accounts always need it.", settings);
        Assert.DoesNotContain("Account/Manage/Disable2fa", settings);
    }

    // ---- confirmed email ----

    [Fact]
    public async Task A_registered_customer_cannot_sign_in_until_the_email_address_is_confirmed()
    {
        using var client = NewClient();
        var email = UniqueEmail("unconfirmed");
        Assert.True(IsRedirectTo(await RegisterAsync(client, email, CustomerPassword), "/Account/RegisterConfirmation"));

        var unconfirmed = await SignInAsync(client, email, CustomerPassword);
        var dashboard = await client.GetAsync("/dashboard");

        Assert.Equal(HttpStatusCode.OK, unconfirmed.StatusCode);
        Assert.Contains("Invalid email or password.", await unconfirmed.Content.ReadAsStringAsync());
        Assert.False(HasAuthCookie(unconfirmed));
        Assert.True(IsRedirectTo(dashboard, "/Account/Login"));

        // The link in the email confirms the address; then the same password signs in.
        var link = ConfirmEmailLink().Match((await EmailToAsync(email)).TextBody ?? "");
        Assert.True(link.Success, "no confirmation link in the email");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri(link.Value).PathAndQuery)).StatusCode);
        var confirmed = await SignInAsync(client, email, CustomerPassword);
        Assert.True(HasAuthCookie(confirmed));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/dashboard")).StatusCode);
    }

    // ---- helpers ----

    private HttpClient NewClient() => Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    private static string UniqueEmail(string who) => $"{who}-{Guid.NewGuid():N}@fabrikam.example";

    private static bool HasAuthCookie(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(cookie => cookie.StartsWith("portal.auth=", StringComparison.Ordinal) && !cookie.StartsWith("portal.auth=;", StringComparison.Ordinal));

    private static Task<HttpResponseMessage> RegisterAsync(HttpClient client, string email, string password) =>
        PostFormAsync(client, "/Account/Register", "register", new()
        {
            ["Input.OrganizationName"] = $"Fabrikam Test {Guid.NewGuid():N}",
            ["Input.OrganizationKind"] = "Commercial",
            ["Input.CountryCode"] = "NL",
            ["Input.Email"] = email,
            ["Input.Password"] = password,
            ["Input.ConfirmPassword"] = password,
        });

    /// <summary>A customer of a new organization with a confirmed address and <see cref="CustomerPassword"/>.</summary>
    private async Task<string> ConfirmedCustomerAsync()
    {
        var email = UniqueEmail("customer");
        await using var scope = Factory.Services.CreateAsyncScope();
        var registered = await scope.ServiceProvider.GetRequiredService<CustomerRegistration>().RegisterAsync(
            new NewCustomer(email, CustomerPassword, $"Fabrikam Test {Guid.NewGuid():N}", OrganizationKind.Commercial, "NL"));
        Assert.True(registered.Succeeded, string.Join("; ", registered.Errors));
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var token = await users.GenerateEmailConfirmationTokenAsync(registered.User!);
        Assert.True((await users.ConfirmEmailAsync(registered.User!, token)).Succeeded);
        return email;
    }

    private async Task<PortalUser?> FindUserAsync(string email)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>().FindByEmailAsync(email);
    }

    private async Task<DateTimeOffset?> LockoutEndAsync(string email) => (await FindUserAsync(email))!.LockoutEnd;

    private async Task SetLockoutEndAsync(string email, DateTimeOffset end)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        Assert.True((await users.SetLockoutEndDateAsync((await users.FindByEmailAsync(email))!, end)).Succeeded);
    }

    private async Task<MimeMessage> EmailToAsync(string email)
    {
        var file = Assert.Single(Directory.EnumerateFiles(Factory.MailPickupFolder, "*.eml"),
            file => MimeMessage.Load(file).To.Mailboxes.Any(to => to.Address.Equals(email, StringComparison.OrdinalIgnoreCase)));
        return await MimeMessage.LoadAsync(file);
    }

    [GeneratedRegex("id=\"password-help\">([^<]*)<")]
    private static partial Regex PasswordHelp();

    [GeneratedRegex("<code class=\"account-code\">([a-z2-7 ]+)</code>")]
    private static partial Regex SharedKey();

    [GeneratedRegex(@"https?://\S+/Account/ConfirmEmail\?\S+")]
    private static partial Regex ConfirmEmailLink();
}
