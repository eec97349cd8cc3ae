using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Account;
using Portal.Domain.Accounts;
using Portal.Tests.Integration;
using Portal.Tests.Security;
using static Microsoft.Playwright.Assertions;

namespace Portal.Tests.Browser;

/// <summary>
/// Issue 8: a staff member disabled while a staff page is open in their browser loses it without reloading: the open
/// circuit's revalidation signs them out. Runs its own Portal with <c>Portal:SecurityRevalidationInterval</c> shortened
/// to two seconds (the default is a minute), in the shared Chromium.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class RevokedAccessTests(BrowserFixture browser)
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task A_staff_member_disabled_while_a_staff_page_is_open_is_signed_out_of_the_open_page()
    {
        await using var app = new PortalAppFactory().With(IdentityHosting.SecurityRevalidationIntervalSetting, Interval.ToString());
        var address = app.StartOnLoopback();
        var staff = await TestStaff.CreateAsync(app.Services, Roles.Support);
        await using var session = await browser.NewSessionAsync();
        var page = session.Page;

        await page.GotoAsync(new Uri(address, "/Account/Login").ToString());
        await session.SubmitSignInFormAsync(staff.Email, TestStaff.Password, staff.AuthenticatorKey!);
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/staff");
        await session.WaitForInteractivityAsync();
        await Expect(session.Heading("Staff overview")).ToBeVisibleAsync();

        await app.Services.GetRequiredService<StaffAccounts>().DisableAsync(staff.UserId, await TestStaff.DemoAdminAsync(app.Services));

        // No click, no reload: the circuit notices within the interval and the page turns into the sign-in page.
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/Account/Login", new() { Timeout = (float)(Interval * 5).TotalMilliseconds });
        await Expect(session.Heading("Sign in")).ToBeVisibleAsync();
        await Expect(session.Heading("Staff overview")).ToHaveCountAsync(0);
        // The cookie is refused too: the staff area asks for a sign-in again.
        await page.GotoAsync(new Uri(address, "/staff").ToString());
        await Expect(session.Heading("Sign in")).ToBeVisibleAsync();
    }
}
