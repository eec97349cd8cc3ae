using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Staff;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.Discounts;
using Portal.Domain.Members;

namespace Portal.Tests.Integration;

/// <summary>
/// Evidence is handed out to sales as a download only, never as a page, through the real app and its real sign-in.
/// Who may open which staff page is part of the authorization matrix (Portal.Tests/Security/AuthorizationMatrixTests.cs).
/// </summary>
public sealed class StaffAuthorizationTests(PortalApp app) : IClassFixture<PortalApp>
{
    private static readonly byte[] Pdf = [.. "%PDF-1.7\n<html><script>alert(1)</script></html>"u8];

    private PortalAppFactory Factory => app.Factory;

    [Fact]
    public async Task Evidence_downloads_only_for_sales_as_an_inert_attachment_and_is_recorded()
    {
        var (applicationId, attachmentId) = await ApplicationWithEvidenceAsync();
        var path = StaffPaths.DiscountAttachment(applicationId, attachmentId);
        using var customer = await ClientAsync(DevelopmentData.CustomerEmail);
        using var support = await ClientAsync(DevelopmentData.SupportEmail);
        using var sales = await ClientAsync(DevelopmentData.SalesEmail);

        var byCustomer = await customer.GetAsync(path);
        var bySupport = await support.GetAsync(path);
        var bySales = await sales.GetAsync(path);
        var unknown = await sales.GetAsync(StaffPaths.DiscountAttachment(applicationId, Guid.NewGuid()));
        var wrongApplication = await sales.GetAsync(StaffPaths.DiscountAttachment(Guid.NewGuid(), attachmentId));

        Assert.NotEqual(HttpStatusCode.OK, byCustomer.StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, bySupport.StatusCode);
        Assert.Equal(HttpStatusCode.OK, bySales.StatusCode);
        Assert.Equal(Pdf, await bySales.Content.ReadAsByteArrayAsync());
        Assert.Equal("application/octet-stream", bySales.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", bySales.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal("evidence.pdf", bySales.Content.Headers.ContentDisposition.FileNameStar ?? bySales.Content.Headers.ContentDisposition.FileName);
        Assert.Equal("nosniff", string.Join(",", bySales.Headers.GetValues("X-Content-Type-Options")));
        Assert.Contains("sandbox", string.Join(",", bySales.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, wrongApplication.StatusCode);
        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var recorded = await db.AuditEvents.SingleAsync(e => e.Action == "discount.attachment-downloaded" && e.EntityId == applicationId.ToString());
        Assert.False(recorded.VisibleToCustomer);
        Assert.Equal(DevelopmentData.SalesEmail, recorded.ActorName);
    }

    private async Task<HttpClient> ClientAsync(string who)
    {
        var client = Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        Assert.Equal(HttpStatusCode.Redirect, (await AccountForms.SignInAsync(client, who, DevelopmentData.DemoPassword)).StatusCode);
        return client;
    }

    private async Task<(Guid ApplicationId, Guid AttachmentId)> ApplicationWithEvidenceAsync()
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var organization = await db.Organizations.FirstAsync(o => o.Name == DevelopmentData.DemoOrganizationName);
        var application = await scope.ServiceProvider.GetRequiredService<DiscountService>().SubmitAsync(organization.Id, DiscountKind.CrossGrade,
            "We ran BrandX", [DiscountAttachment.FromUpload("evidence.pdf", Pdf)],
            Actor.Person("customer", DevelopmentData.CustomerEmail, Roles.Customer).In(organization.Id, MemberRoles.Billing));
        return (application.Id, application.Attachments.Single().Id);
    }
}
