using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Data;
using static Microsoft.Playwright.Assertions;

namespace Portal.Tests.Browser;

/// <summary>The dashboard hands what it read while prerendering to its circuit (a persisted component state).</summary>
[Collection(BrowserCollection.Name)]
public sealed class DashboardHandOverTests(BrowserFixture browser)
{
    [Fact]
    public async Task The_interactive_dashboard_starts_from_what_was_prerendered_instead_of_reading_again()
    {
        var customer = await browser.NewCustomerAsync("Handover Trading Ltd");
        await using var session = await browser.SignedInSessionAsync(customer);
        await Expect(session.Heading("Handover Trading Ltd")).ToBeVisibleAsync();

        // The organization is renamed after the page is rendered and before its circuit starts: a dashboard that read
        // its data again in the circuit would show the new name; one that took the prerendered data keeps the old one.
        var renamed = false;
        await session.Page.RouteAsync("**/_blazor/negotiate**", async route =>
        {
            if (!renamed)
            {
                renamed = true;
                await RenameAsync(customer.OrganizationId, "Handover Renamed Ltd");
            }
            await route.ContinueAsync();
        });
        await session.Page.ReloadAsync();
        await session.WaitForInteractivityAsync();

        Assert.True(renamed, "The circuit did not start after the reload.");
        await Expect(session.Heading("Handover Trading Ltd")).ToBeVisibleAsync();
        // The next page the server renders reads the organization again.
        await session.Page.ReloadAsync();
        await Expect(session.Heading("Handover Renamed Ltd")).ToBeVisibleAsync();
        await session.AssertCleanJourneyAsync();
    }

    private async Task RenameAsync(Guid organizationId, string name)
    {
        await using var scope = browser.Services.CreateAsyncScope();
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var organization = await db.Organizations.SingleAsync(o => o.Id == organizationId);
        organization.UpdateProfile(name, organization.Kind, organization.CountryCode, organization.BillingEmail);
        await db.SaveChangesAsync();
    }
}
