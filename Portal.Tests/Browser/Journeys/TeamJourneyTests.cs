using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Domain.Data;
using Portal.Tests.Builders;
using static Microsoft.Playwright.Assertions;

namespace Portal.Tests.Browser.Journeys;

/// <summary>
/// Journey 7 (issue 20): an organization is a team. The owner invites a colleague from finance as a Billing member;
/// the colleague creates an account from the invitation's link, confirms the address and joins; they can buy seats but
/// not see or download keys; the owner removes them and the page the colleague has open loses the organization without
/// a click, within the fixture's revalidation interval.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class TeamJourneyTests(BrowserFixture browser)
{
    private const string Organization = "Woodgrove Bank";
    private const string Colleague = "finance@woodgrove.example";
    private const string Password = "Tulip-Harbor-Lantern-73";

    [Fact]
    public async Task An_owner_invites_a_billing_colleague_who_registers_from_the_link_buys_seats_cannot_download_keys_and_loses_access_when_removed()
    {
        var owner = await browser.NewCustomerAsync(Organization);
        var bought = await new OrderBuilder(browser.Services, owner.OrganizationId, owner.Actor).Packs((10, 1)).PaidAsync();
        await using var ownerSession = await browser.SignedInSessionAsync(owner);
        var ownerPage = ownerSession.Page;

        // The owner invites the colleague as Billing.
        await ownerSession.Navigation.GetByRole(AriaRole.Link, new() { Name = "Members", Exact = true }).ClickAsync();
        await ownerPage.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/organization/members");
        await ownerSession.WaitForInteractivityAsync();
        await ownerPage.GetByLabel("Email", new() { Exact = true }).FillAsync(Colleague);
        await ownerPage.GetByRole(AriaRole.Checkbox, new() { Name = "Billing" }).CheckAsync();
        await ownerPage.GetByRole(AriaRole.Button, new() { Name = "Send invitation", Exact = true }).ClickAsync();
        await Expect(ownerPage.GetByTestId("invitation-table")).ToContainTextAsync(Colleague);
        await ownerSession.CheckPageAsync("7-members-invited");

        // The colleague follows the link in the email, creates an account for the invited address and confirms it.
        var invitation = await browser.Smtp.WaitForMessageAsync(
            m => m.To.Mailboxes.Any(to => to.Address == Colleague) && (m.Subject ?? "").Contains(Organization, StringComparison.Ordinal), "invitation email");
        var link = new Uri(InvitationLink().Match(invitation.TextBody ?? "").Groups["link"].Value);
        Assert.Equal(browser.BaseAddress.Authority, link.Authority);
        await using var colleagueSession = await browser.NewSessionAsync();
        var page = colleagueSession.Page;
        await page.GotoAsync(link.ToString());
        await Expect(colleagueSession.Heading($"Join {Organization}")).ToBeVisibleAsync();
        await Expect(page.GetByText(owner.Email).First).ToBeVisibleAsync();
        var invitationPage = new TouredPage(link.PathAndQuery, "7-invitation", Static: true);
        var problems = await colleagueSession.ProblemsOnEveryPageAsync(browser.BaseAddress, [invitationPage]);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        await page.SetViewportSizeAsync(1280, 800);
        await page.GotoAsync(link.ToString());
        await page.GetByRole(AriaRole.Link, new() { Name = "Create an account", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/Account/Register");
        await Expect(page.GetByLabel("Organization name")).ToHaveCountAsync(0);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
        await page.GetByLabel("Confirm password").FillAsync(Password);
        await colleagueSession.CheckPageAsync("7-register-from-invitation");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/Account/RegisterConfirmation");

        var confirmation = await browser.Smtp.WaitForMessageAsync(
            m => m.To.Mailboxes.Any(to => to.Address == Colleague) && m.Subject == "Confirm your email address for Portal", "confirmation email");
        await page.GotoAsync(ConfirmationLink().Match(confirmation.TextBody ?? "").Groups["link"].Value);
        await Expect(page.GetByText("Thank you: your email address is confirmed.")).ToBeVisibleAsync();
        // The confirmation page's sign-in leads back to the invitation.
        await page.Locator("a[href^='Account/Login?ReturnUrl=']").ClickAsync();
        await colleagueSession.SubmitSignInFormAsync(Colleague, Password);

        // Back on the invitation, signed in as the invited address: join.
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == link.AbsolutePath);
        await page.GetByRole(AriaRole.Button, new() { Name = $"Join {Organization}", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/dashboard");
        await colleagueSession.WaitForInteractivityAsync();
        await Expect(colleagueSession.Heading(Organization)).ToBeVisibleAsync();
        await colleagueSession.CheckPageAsync("7-colleague-dashboard");

        // Billing buys seats through Stripe.
        await colleagueSession.Navigation.GetByRole(AriaRole.Link, new() { Name = "Buy seats", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/buy");
        await colleagueSession.WaitForInteractivityAsync();
        await page.GetByLabel("5-user pack", new() { Exact = true }).FillAsync("1");
        await page.GetByLabel("5-user pack", new() { Exact = true }).PressAsync("Tab");
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue to payment", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/pay/cs_test_"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Pay" }).ClickAsync();
        await Expect(colleagueSession.Heading("Payment received — your licenses are ready")).ToBeVisibleAsync();

        // Keys are the Technical members' business: no download on the licenses page, and the download itself is refused.
        await colleagueSession.Navigation.GetByRole(AriaRole.Link, new() { Name = "Licenses", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/licenses");
        await colleagueSession.WaitForInteractivityAsync();
        await Expect(page.GetByTestId("licenses-grid").Locator("tbody tr")).ToHaveCountAsync(2);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Download all current keys" })).ToHaveCountAsync(0);
        await Expect(page.GetByText("you need the Technical role").First).ToBeVisibleAsync();
        var licenseId = await LicenseOfOrderAsync(bought.Id);
        var refused = await colleagueSession.Context.APIRequest.GetAsync($"/licenses/{licenseId}/download");
        Assert.Equal(403, refused.Status);
        await colleagueSession.CheckPageAsync("7-colleague-licenses-without-keys");

        // The owner removes the colleague; the colleague's open licenses page follows without a click.
        await ownerPage.ReloadAsync();
        await ownerSession.WaitForInteractivityAsync();
        await ownerPage.GetByRole(AriaRole.Button, new() { Name = $"Remove {Colleague}", Exact = true }).ClickAsync();
        await ownerPage.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Remove", Exact = true }).ClickAsync();
        await Expect(ownerPage.GetByTestId("member-table")).Not.ToContainTextAsync(Colleague);

        await Expect(colleagueSession.Heading("You are not a member of any organization")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Expect(page.GetByTestId("licenses-grid")).ToHaveCountAsync(0);
        var afterRemoval = await colleagueSession.Context.APIRequest.GetAsync("/history/export.csv");
        Assert.DoesNotContain(Organization, await afterRemoval.TextAsync(), StringComparison.Ordinal);

        colleagueSession.ExpectRefusal($"/licenses/{licenseId}/download");
        await ownerSession.AssertCleanJourneyAsync();
        await colleagueSession.AssertCleanJourneyAsync();
    }

    private async Task<Guid> LicenseOfOrderAsync(Guid orderId)
    {
        await using var scope = browser.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        return await db.Licenses.Where(l => l.OrderId == orderId).Select(l => l.Id).SingleAsync();
    }

    [GeneratedRegex(@"Accept the invitation: (?<link>\S+)")]
    private static partial Regex InvitationLink();

    [GeneratedRegex(@"Confirm email address: (?<link>\S+)")]
    private static partial Regex ConfirmationLink();
}
