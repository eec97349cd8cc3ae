using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Components.Staff;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.Discounts;
using Portal.Domain.Evaluations;
using Portal.Domain.Licensing;
using Portal.Domain.Ordering;
using Portal.Domain.Organizations;
using Portal.Domain.Pricing;
using Portal.Endpoints;
using Portal.Payments;
using static Microsoft.Playwright.Assertions;

namespace Portal.Tests.Browser.Journeys;

/// <summary>Journey 6: a customer who tries another organization's addresses gets nothing of it.</summary>
[Collection(BrowserCollection.Name)]
public sealed class OtherOrganizationJourneyTests(BrowserFixture browser)
{
    private sealed record OtherOrganization(string Name, Guid LicenseId, string LicenseKey, Guid OrderId, Guid EvaluationId, Guid ApplicationId, Guid AttachmentId);

    /// <summary>
    /// Organization A has a license, an order, an evaluation and a discount application with a document. A customer of
    /// organization B, signed in, types each of their addresses: the pages answer 404 "Page not found" (also when reached
    /// inside the running circuit), the downloads answer 404 and the evidence download is refused; none of it shows A's name, key
    /// or document, and B's own exports hold none of A's data.
    /// </summary>
    [Fact]
    public async Task A_customer_trying_another_organizations_license_order_key_and_attachment_addresses_gets_nothing()
    {
        var other = await OrganizationWithEverythingAsync();
        var customer = await browser.NewCustomerAsync("Litware Inc");
        await using var session = await browser.SignedInSessionAsync(customer);
        var page = session.Page;

        // Typed in the address bar: a 404 with the portal's "Page not found", exactly like an address that does not exist.
        foreach (var path in new[] { $"/licenses/{other.LicenseId}", CheckoutPaths.OrderDetail(other.OrderId) })
        {
            session.ExpectRefusal(path);
            var response = await page.GotoAsync(path);
            Assert.Equal(404, response!.Status);
            await session.WaitForInteractivityAsync();
            await Expect(session.Heading("Page not found")).ToBeVisibleAsync();
            await AssertNothingOfTheOtherOrganizationAsync(page, other);
        }
        await session.CheckPageAsync("6-page-not-found");

        // Reached inside the running circuit (no new request: the interactive router renders the not-found page itself).
        foreach (var path in new[] { $"/licenses/{other.LicenseId}", CheckoutPaths.OrderDetail(other.OrderId) })
        {
            await page.GotoAsync("/dashboard");
            await session.WaitForInteractivityAsync();
            await Expect(session.Heading(customer.OrganizationName)).ToBeVisibleAsync();
            await page.EvaluateAsync($"() => Blazor.navigateTo('{path}')");
            await Expect(session.Heading("Page not found")).ToBeVisibleAsync();
            await AssertNothingOfTheOtherOrganizationAsync(page, other);
        }

        // The checkout return page of A's order.
        var returnPage = CheckoutPaths.ReturnForOrder(other.OrderId);
        session.ExpectRefusal(new Uri(browser.BaseAddress, returnPage).AbsolutePath);
        await page.GotoAsync(returnPage);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
        await AssertNothingOfTheOtherOrganizationAsync(page, other);

        // Downloads, with the customer's own cookies: A's license file, A's evaluation key and A's evidence document.
        var requests = session.Context.APIRequest;
        foreach (var download in new[] { LicenseDownloads.DownloadPath(other.LicenseId), EvaluationDownloads.PathFor(other.EvaluationId) })
        {
            var response = await requests.GetAsync(download);
            Assert.True(response.Status == 404, $"{download} answered {response.Status}");
            Assert.DoesNotContain(other.LicenseKey, await response.TextAsync());
        }
        var attachment = await requests.GetAsync(StaffPaths.DiscountAttachment(other.ApplicationId, other.AttachmentId),
            new() { MaxRedirects = 0 });
        Assert.True(attachment.Status is 302 or 403, $"The evidence download answered {attachment.Status}");
        Assert.DoesNotContain("charity-register.pdf", string.Join(" ", attachment.Headers.Values));
        Assert.DoesNotContain("%PDF", await attachment.TextAsync());

        // B's own exports and history hold none of A's data.
        var history = await requests.GetAsync(LicenseDownloads.HistoryExportPath);
        Assert.True(history.Ok, $"The history export answered {history.Status}");
        Assert.DoesNotContain(other.Name, await history.TextAsync());
        Assert.DoesNotContain(other.LicenseId.ToString(), await history.TextAsync());
        await page.GotoAsync("/history");
        await session.WaitForInteractivityAsync();
        await AssertNothingOfTheOtherOrganizationAsync(page, other);

        await session.AssertCleanJourneyAsync();
    }

    private static async Task AssertNothingOfTheOtherOrganizationAsync(IPage page, OtherOrganization other)
    {
        var content = await page.ContentAsync();
        Assert.DoesNotContain(other.Name, content);
        Assert.DoesNotContain(other.LicenseKey, content);
        // The page's own address may appear (it is what this customer typed; the theme switch's form returns to it).
        var withoutOwnAddress = content.Replace(page.Url, "", StringComparison.Ordinal)
            .Replace(new Uri(page.Url).PathAndQuery, "", StringComparison.Ordinal);
        Assert.DoesNotContain(other.LicenseId.ToString(), withoutOwnAddress);
    }

    /// <summary>Organization A: a complimentary license, an unpaid order, an evaluation and a discount application with a PDF.</summary>
    private async Task<OtherOrganization> OrganizationWithEverythingAsync()
    {
        var owner = await browser.NewCustomerAsync("Proseware Charity Trust", OrganizationKind.Nonprofit);
        await using var scope = browser.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        await using var db = await services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var product = await db.Products.AsNoTracking().Include(p => p.Packs).SingleAsync(p => p.Code == "officestatus");
        var admin = Actor.Person("journey-setup", DevelopmentData.AdminEmail, Roles.Admin);

        var license = await services.GetRequiredService<LicensingService>()
            .GrantComplimentaryAsync(db, owner.OrganizationId, product.Id, product.CurrentMajor, 5, "Partner programme", admin);
        var pack = product.Packs.Single(p => p.Seats == 10);
        var order = await services.GetRequiredService<OrderService>()
            .PlaceAsync(owner.OrganizationId, owner.Actor, owner.Email, new Cart(product.Id, [new CartPack(pack.Id, 1)], []));
        var evaluation = await services.GetRequiredService<EvaluationService>().StartAsync(owner.OrganizationId, product.Id, owner.Actor);
        var document = DiscountAttachment.FromUpload("charity-register.pdf", Encoding.ASCII.GetBytes("%PDF-1.4\n%%EOF\n"));
        var application = await services.GetRequiredService<DiscountService>()
            .SubmitAsync(owner.OrganizationId, DiscountKind.Nonprofit, "Charity no. 5550123", [document], owner.Actor);
        return new OtherOrganization(owner.OrganizationName, license.Id, license.Key, order.Id, evaluation.Id, application.Id, document.Id);
    }
}
