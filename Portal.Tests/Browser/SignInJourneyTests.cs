using Microsoft.Playwright;
using Portal.Domain.Data;
using static Microsoft.Playwright.Assertions;

namespace Portal.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class SignInJourneyTests(BrowserFixture browser)
{
    [Fact]
    public async Task Demo_customer_signs_in_and_sees_the_dashboard()
    {
        await using var session = await browser.NewSessionAsync();
        var page = session.Page;

        await page.GotoAsync("/");
        await session.WaitForInteractivityAsync();
        await session.AppBar.GetByRole(AriaRole.Link, new() { Name = "Sign in", Exact = true }).ClickAsync();

        await session.SubmitSignInFormAsync(DevelopmentData.CustomerEmail);

        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/dashboard");
        await session.WaitForInteractivityAsync();
        await Expect(session.Heading(DevelopmentData.DemoOrganizationName)).ToBeVisibleAsync();
        await Expect(session.Navigation.GetByRole(AriaRole.Link, new() { Name = "Dashboard", Exact = true })).ToBeVisibleAsync();
        await Expect(session.Navigation.GetByText("Staff overview")).ToHaveCountAsync(0);
        await Expect(session.AppBar.GetByText(DevelopmentData.CustomerEmail)).ToBeVisibleAsync();
        await session.AssertCleanJourneyAsync();
    }

    [Fact]
    public async Task Customer_is_refused_the_staff_area()
    {
        await using (var customer = await browser.NewSessionAsync())
        {
            await customer.SignInAsync(DevelopmentData.CustomerEmail, expectedLandingPath: "/dashboard");
            await Expect(customer.Navigation.GetByRole(AriaRole.Link, new() { Name = "Dashboard", Exact = true })).ToBeVisibleAsync();
            await Expect(customer.Navigation.GetByText("Staff", new() { Exact = false })).ToHaveCountAsync(0);

            // Inside the running circuit: the interactive router's AuthorizeRouteView must refuse the page.
            await customer.Page.EvaluateAsync("() => Blazor.navigateTo('/staff')");
            await customer.Page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/staff");
            await Expect(customer.Heading("Access denied")).ToBeVisibleAsync();
            await Expect(customer.Heading("Staff overview")).ToHaveCountAsync(0);
            await Expect(customer.Page.GetByText("Customer organizations")).ToHaveCountAsync(0);

            // A fresh request: the endpoint's authorization must refuse it before anything renders.
            var response = await customer.Page.GotoAsync("/staff");
            Assert.NotNull(response);
            await Expect(customer.Page.GetByText("Access denied").First).ToBeVisibleAsync();
            await Expect(customer.Heading("Staff overview")).ToHaveCountAsync(0);
            await Expect(customer.Page.GetByText("Customer organizations")).ToHaveCountAsync(0);
            var path = new Uri(customer.Page.Url).AbsolutePath;
            Assert.True(path.StartsWith("/Account/AccessDenied", StringComparison.OrdinalIgnoreCase) || path == "/staff",
                $"Expected the access-denied page, got {customer.Page.Url}");
            await customer.AssertCleanJourneyAsync();
        }

        // The other way round: staff do get the page, so the refusal above is authorization, not a broken page.
        await using var staff = await browser.NewSessionAsync();
        await staff.SignInAsync(DevelopmentData.SupportEmail, expectedLandingPath: "/staff");
        await staff.Page.GotoAsync("/staff");
        await staff.WaitForInteractivityAsync();
        await Expect(staff.Heading("Staff overview")).ToBeVisibleAsync();
        await Expect(staff.Navigation.GetByRole(AriaRole.Link, new() { Name = "Staff overview", Exact = true })).ToBeVisibleAsync();
        await Expect(staff.Navigation.GetByRole(AriaRole.Link, new() { Name = "Dashboard", Exact = true })).ToHaveCountAsync(0);
        await Expect(staff.Page.GetByText("Access denied")).ToHaveCountAsync(0);
        await staff.AssertCleanJourneyAsync();
    }
}
