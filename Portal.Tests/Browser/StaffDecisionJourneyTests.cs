using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.Discounts;
using Portal.Domain.Evaluations;
using Portal.Domain.Organizations;
using Microsoft.EntityFrameworkCore;
using static Microsoft.Playwright.Assertions;

namespace Portal.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class StaffDecisionJourneyTests(BrowserFixture browser)
{
    private const string Password = "Riverside-Pass-2026!";

    /// <summary>
    /// A nonprofit has applied for a discount and asked for more evaluation time. The sales user approves the discount
    /// and the support user grants 14 days, each on their desk; then the customer sees the discount in their quote and
    /// the new expiry on the evaluation page. axe checks the desks on the way.
    /// </summary>
    [Fact]
    public async Task Sales_approves_a_discount_support_grants_an_extension_and_the_customer_sees_both()
    {
        var problems = new List<string>();
        var customer = await NewNonprofitWithRequestsAsync();

        // Sales: the application is in the queue; the case shows the evidence and the nonprofit default of 40 %.
        await using (var sales = await browser.NewSessionAsync())
        {
            var page = sales.Page;
            await sales.SignInAsync(DevelopmentData.SalesEmail, "/staff");
            await sales.Navigation.GetByRole(AriaRole.Link, new() { Name = "Discount applications", Exact = true }).ClickAsync();
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/staff/discounts");
            await sales.WaitForInteractivityAsync();
            await page.GetByRole(AriaRole.Link, new() { Name = customer.Organization, Exact = true }).ClickAsync();
            await Expect(sales.Heading($"Nonprofit discount for {customer.Organization}")).ToBeVisibleAsync();
            await Expect(page.GetByTestId("evidence")).ToHaveTextAsync("Registered charity no. 1187654");
            await Expect(page.GetByLabel("Discount (%)")).ToHaveValueAsync("40");
            problems.AddRange(await AccessibilityTests.SeriousViolationsAsync(page, "/staff/discounts/{id}"));
            await page.GetByTestId("approve").ClickAsync();
            var dialog = page.GetByRole(AriaRole.Dialog);
            await Expect(dialog).ToContainTextAsync("40 %");
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Approve", Exact = true }).ClickAsync();
            await Expect(page.GetByTestId("decision")).ToContainTextAsync($"Approved by {DevelopmentData.SalesEmail}");
            await sales.AssertNoAppErrorsAsync();
        }

        // Support: the request is in the queue with the caps; 14 days are granted.
        await using (var support = await browser.NewSessionAsync())
        {
            var page = support.Page;
            await support.SignInAsync(DevelopmentData.SupportEmail, "/staff");
            await support.Navigation.GetByRole(AriaRole.Link, new() { Name = "Evaluation extensions", Exact = true }).ClickAsync();
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/staff/extensions");
            await support.WaitForInteractivityAsync();
            problems.AddRange(await AccessibilityTests.SeriousViolationsAsync(page, "/staff/extensions"));
            await page.GetByRole(AriaRole.Link, new() { Name = customer.Organization, Exact = true }).ClickAsync();
            await Expect(support.Heading($"More time for {customer.Organization}")).ToBeVisibleAsync();
            await Expect(page.GetByTestId("caps")).ToContainTextAsync("at most 30 days at a time");
            await Expect(page.GetByLabel("Days to grant")).ToHaveValueAsync("14");
            problems.AddRange(await AccessibilityTests.SeriousViolationsAsync(page, "/staff/extensions/{id}"));
            await page.GetByTestId("grant").ClickAsync();
            await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Grant", Exact = true }).ClickAsync();
            await Expect(page.GetByTestId("decision")).ToContainTextAsync("14 days granted");
            await support.AssertNoAppErrorsAsync();
        }

        // The customer: the discount is in force and in the quote; the evaluation runs 14 days longer.
        await using (var session = await browser.NewSessionAsync())
        {
            var page = session.Page;
            await page.GotoAsync("/Account/Login");
            await session.SubmitSignInFormAsync(customer.Email, Password);
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/dashboard");
            await page.GotoAsync("/discounts");
            await Expect(page.GetByTestId("usable-discount")).ToContainTextAsync("40 %");
            await page.GotoAsync("/buy");
            await session.WaitForInteractivityAsync();
            await page.GetByLabel("10-user pack", new() { Exact = true }).FillAsync("1");
            await page.GetByLabel("10-user pack", new() { Exact = true }).PressAsync("Tab");
            // 40 % off the 10-user pack's USD 420.00.
            await Expect(page.Locator("[data-total]")).ToContainTextAsync("USD 252.00");
            await page.GotoAsync("/evaluation");
            await Expect(page.Locator("[data-request-status=Granted]")).ToBeVisibleAsync();
            // 30 days from today, plus the 14 granted.
            await Expect(page.GetByTestId("evaluation-status")).ToContainTextAsync("44 days left");
            await session.AssertNoAppErrorsAsync();
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private sealed record WaitingCustomer(string Email, string Organization);

    /// <summary>A new nonprofit with a member, a pending discount application and a pending request for 14 more days.</summary>
    private async Task<WaitingCustomer> NewNonprofitWithRequestsAsync()
    {
        await using var scope = browser.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var name = $"Riverside Food Bank {Guid.NewGuid().ToString("N")[..6]}";
        var email = $"director-{Guid.NewGuid():N}@riverside.example";
        var db = services.GetRequiredService<PortalDbContext>();
        var organization = Organization.Register(name, OrganizationKind.Nonprofit, "GB", email, services.GetRequiredService<TimeProvider>().GetUtcNow());
        db.Organizations.Add(organization);
        await db.SaveChangesAsync();
        var users = services.GetRequiredService<UserManager<PortalUser>>();
        var user = new PortalUser { UserName = email, Email = email, EmailConfirmed = true };
        user.JoinOrganization(organization);
        Assert.True((await users.CreateAsync(user, Password)).Succeeded);
        Assert.True((await users.AddToRoleAsync(user, Roles.Customer)).Succeeded);

        var member = Actor.Person(user.Id, email, Roles.Customer);
        await services.GetRequiredService<DiscountService>().SubmitAsync(organization.Id, DiscountKind.Nonprofit, "Registered charity no. 1187654", [], member);
        var product = await db.Products.AsNoTracking().FirstAsync(p => p.Code == "officestatus");
        var evaluations = services.GetRequiredService<EvaluationService>();
        var evaluation = await evaluations.StartAsync(organization.Id, product.Id, member);
        await evaluations.RequestExtensionAsync(organization.Id, evaluation.Id, 14, "Our trustees meet next month.", member);
        return new WaitingCustomer(email, name);
    }
}
