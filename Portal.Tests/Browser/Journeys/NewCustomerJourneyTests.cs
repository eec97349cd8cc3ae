using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.Domain.Keys;
using static Microsoft.Playwright.Assertions;

namespace Portal.Tests.Browser.Journeys;

/// <summary>Journey 1: a new customer finds the portal, registers, confirms the email and evaluates OfficeStatus.</summary>
[Collection(BrowserCollection.Name)]
public sealed partial class NewCustomerJourneyTests(BrowserFixture browser)
{
    private const string Organization = "Tailspin Toys";
    private const string Password = "Tailspin-Evaluates-2026";

    /// <summary>
    /// From the landing page: create the account, follow the link in the confirmation email the SMTP server received,
    /// sign in, start the evaluation from the dashboard and download its key, which verifies with nothing but the
    /// published JWKS and expires 30 days from now.
    /// </summary>
    [Fact]
    public async Task A_new_customer_registers_confirms_the_email_and_downloads_a_30_day_evaluation_key_that_verifies()
    {
        await using var session = await browser.NewSessionAsync();
        var page = session.Page;
        const string email = "it@tailspintoys.example";

        await page.GotoAsync("/");
        await session.WaitForInteractivityAsync();
        await session.CheckPageAsync("1-landing");
        await page.GetByRole(AriaRole.Link, new() { Name = "Create your organization's account" }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/Account/Register");
        await session.CheckPageAsync("1-register");

        await page.GetByLabel("Organization name").FillAsync(Organization);
        await page.GetByLabel("Organization type").SelectOptionAsync("Commercial");
        await page.GetByLabel("Country").SelectOptionAsync(new SelectOptionValue { Label = "United Kingdom" });
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
        await page.GetByLabel("Confirm password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/Account/RegisterConfirmation");
        await session.CheckPageAsync("1-check-your-email");

        // Signing in before confirming is refused (in the same words as a wrong password: nothing to learn from it).
        await page.GotoAsync("/Account/Login");
        await session.PressSignInAsync(email, Password);
        await Expect(page.GetByText("Invalid email or password.")).ToBeVisibleAsync();
        Assert.Equal("/Account/Login", new Uri(page.Url).AbsolutePath, ignoreCase: true);

        // The link in the email the SMTP server received confirms the address.
        var confirmation = await browser.Smtp.WaitForMessageAsync(
            m => m.To.Mailboxes.Any(to => to.Address == email) && m.Subject == "Confirm your email address for Portal", "confirmation email");
        var link = new Uri(ConfirmationLink().Match(confirmation.TextBody ?? "").Groups["link"].Value);
        Assert.Equal(browser.BaseAddress.Authority, link.Authority);
        await page.GotoAsync(link.ToString());
        await Expect(page.GetByText("Thank you: your email address is confirmed.")).ToBeVisibleAsync();
        await session.CheckPageAsync("1-email-confirmed");

        await page.GotoAsync("/Account/Login");
        await session.SubmitSignInFormAsync(email, Password);
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/dashboard");
        await session.WaitForInteractivityAsync();
        await Expect(session.Heading(Organization)).ToBeVisibleAsync();
        await session.CheckPageAsync("1-dashboard-new-organization");

        // The dashboard's next step: the evaluation, started after a confirmation.
        await page.Locator("[data-action=evaluate]").ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/evaluation");
        await session.CheckPageAsync("1-evaluation-offer");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start evaluation", Exact = true }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog).ToContainTextAsync("only once");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Start evaluation", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("evaluation-status")).ToContainTextAsync("30 days left");
        await session.CheckPageAsync("1-evaluation-running");

        var download = await page.RunAndWaitForDownloadAsync(() =>
            page.GetByRole(AriaRole.Link, new() { Name = "Download evaluation key", Exact = true }).ClickAsync());
        Assert.EndsWith(".lic", download.SuggestedFilename);
        var jwks = await session.Context.APIRequest.GetAsync("/.well-known/jwks.json");
        Assert.True(jwks.Ok, $"GET /.well-known/jwks.json answered {jwks.Status}");
        var verification = new LicenseKeyVerifier(await jwks.TextAsync()) { ProductCode = "officestatus" }
            .Verify(await File.ReadAllTextAsync(await download.PathAsync()));
        Assert.True(verification.IsValid, verification.Message);
        Assert.Equal(LicenseKind.Evaluation, verification.Claims.Kind);
        Assert.Equal(Organization, verification.Claims.Licensee);
        Assert.NotNull(verification.Claims.ExpiresAt);
        var thirtyDaysOut = DateTimeOffset.UtcNow.AddDays(30);
        Assert.InRange(verification.Claims.ExpiresAt.Value, thirtyDaysOut.AddMinutes(-5), thirtyDaysOut.AddMinutes(1));

        await session.AssertCleanJourneyAsync();
    }

    [GeneratedRegex(@"Confirm email address: (?<link>\S+)")]
    private static partial Regex ConfirmationLink();
}
