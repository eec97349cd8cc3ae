using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Domain.Data;
using Portal.Domain.Evaluations;
using Portal.Domain.Keys;
using static Microsoft.Playwright.Assertions;

namespace Portal.Tests.Browser.Journeys;

/// <summary>Journey 3: a customer asks for more evaluation time and support grants it.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ExtensionJourneyTests(BrowserFixture browser)
{
    /// <summary>
    /// The customer's evaluation runs; they ask for 14 more days. The support user finds the request on the desk and
    /// grants it. The customer sees the new expiry, gets the decision by email, and downloads a new key that carries it.
    /// </summary>
    [Fact]
    public async Task A_customer_asks_for_14_more_days_support_grants_them_and_the_customer_gets_the_new_expiry_and_key()
    {
        var customer = await browser.NewCustomerAsync("Lakeshore Logistics");
        var evaluation = await StartEvaluationAsync(customer);
        var verifier = await VerifierAsync();

        await using (var session = await browser.SignedInSessionAsync(customer))
        {
            var page = session.Page;
            await session.Navigation.GetByRole(AriaRole.Link, new() { Name = "Evaluation", Exact = true }).ClickAsync();
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/evaluation");
            await Expect(page.GetByTestId("evaluation-status")).ToContainTextAsync("30 days left");
            await page.GetByLabel("Days").FillAsync("14");
            await page.GetByLabel("Why do you need more time?").FillAsync("Our pilot group needs two more weeks to finish testing.");
            await page.GetByRole(AriaRole.Button, new() { Name = "Ask for more time", Exact = true }).ClickAsync();
            await Expect(page.GetByText("Your request for 14 more days was sent to our support team.")).ToBeVisibleAsync();
            await Expect(page.Locator("[data-request-status=Pending]")).ToContainTextAsync("Waiting for a decision by our support team");
            await session.CheckPageAsync("3-evaluation-request-pending");
            await session.AssertCleanJourneyAsync();
        }

        await using (var support = await browser.NewSessionAsync())
        {
            var page = support.Page;
            await support.SignInAsync(DevelopmentData.SupportEmail, "/staff");
            await support.CheckPageAsync("3-staff-overview");
            await support.Navigation.GetByRole(AriaRole.Link, new() { Name = "Evaluation extensions", Exact = true }).ClickAsync();
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/staff/extensions");
            await support.WaitForInteractivityAsync();
            await support.CheckPageAsync("3-support-queue");
            await page.GetByRole(AriaRole.Link, new() { Name = customer.OrganizationName, Exact = true }).ClickAsync();
            await Expect(support.Heading($"More time for {customer.OrganizationName}")).ToBeVisibleAsync();
            await Expect(page.GetByTestId("caps")).ToContainTextAsync("at most 30 days at a time");
            await Expect(page.GetByLabel("Days to grant")).ToHaveValueAsync("14");
            await support.CheckPageAsync("3-support-case");
            await page.GetByTestId("grant").ClickAsync();
            await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Grant", Exact = true }).ClickAsync();
            await Expect(page.GetByTestId("decision")).ToContainTextAsync("14 days granted");
            await support.AssertCleanJourneyAsync();
        }

        await using (var session = await browser.SignedInSessionAsync(customer))
        {
            var page = session.Page;
            await page.GotoAsync("/evaluation");
            await session.WaitForInteractivityAsync();
            await Expect(page.Locator("[data-request-status=Granted]")).ToBeVisibleAsync();
            await Expect(page.GetByTestId("evaluation-status")).ToContainTextAsync("44 days left");
            await Expect(page.Locator(".evaluation-facts")).ToContainTextAsync(
                evaluation.ExpiresAt.AddDays(14).UtcDateTime.ToString("d MMMM yyyy", CultureInfo.InvariantCulture));
            await session.CheckPageAsync("3-evaluation-extended");

            var download = await page.RunAndWaitForDownloadAsync(() =>
                page.GetByRole(AriaRole.Link, new() { Name = "Download evaluation key", Exact = true }).ClickAsync());
            var file = await File.ReadAllTextAsync(await download.PathAsync());
            Assert.NotEqual(evaluation.Key, LicenseFile.Parse(file).Key);
            var newKey = verifier.Verify(file);
            Assert.True(newKey.IsValid, newKey.Message);
            var oldKey = verifier.Verify(evaluation.Key!);
            Assert.True(oldKey.IsValid, oldKey.Message);
            Assert.Equal(oldKey.Claims.ExpiresAt!.Value.AddDays(14), newKey.Claims.ExpiresAt);
            await session.AssertCleanJourneyAsync();
        }

        await browser.Smtp.WaitForMessageAsync(
            m => m.Subject == "Your OfficeStatus evaluation is extended" && m.To.Mailboxes.Any(to => to.Address == customer.Email),
            "email about the granted extension");
    }

    private async Task<Evaluation> StartEvaluationAsync(JourneyCustomer customer)
    {
        await using var scope = browser.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var product = await db.Products.AsNoTracking().SingleAsync(p => p.Code == "officestatus");
        return await scope.ServiceProvider.GetRequiredService<EvaluationService>().StartAsync(customer.OrganizationId, product.Id, customer.Actor);
    }

    private async Task<LicenseKeyVerifier> VerifierAsync()
    {
        using var client = new HttpClient { BaseAddress = browser.BaseAddress };
        return new LicenseKeyVerifier(await client.GetStringAsync("/.well-known/jwks.json")) { ProductCode = "officestatus" };
    }
}
