using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Staff;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.Discounts;
using Portal.Domain.Evaluations;

namespace Portal.Tests.Integration;

/// <summary>One running Portal (Development, demo data) for the staff authorization tests.</summary>
public sealed class StaffAuthorizationApp : IAsyncLifetime
{
    public PortalAppFactory Factory { get; } = new PortalAppFactory().With("Portal:AccountPostsPerMinute", "1000");

    public Task InitializeAsync()
    {
        _ = Factory.Services; // starts the app: migrations and demo data
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => Factory.DisposeAsync().AsTask();
}

/// <summary>
/// The staff desks through the real app and its real sign-in, role by role: who is let in, who is turned away, and
/// that evidence is handed out as a download only, never as a page.
/// </summary>
public sealed class StaffAuthorizationTests(StaffAuthorizationApp app) : IClassFixture<StaffAuthorizationApp>
{
    private const string Anonymous = "anonymous";
    private static readonly byte[] Pdf = [.. "%PDF-1.7\n<html><script>alert(1)</script></html>"u8];

    private PortalAppFactory Factory => app.Factory;

    public enum Expect
    {
        Allowed,
        SignIn,
        Denied,
    }

    /// <summary>
    /// Who may open which staff page: Sales decides discounts, Support extensions, Admin both and the admin pages; all
    /// staff see customers and orders; customers see none of it.
    /// </summary>
    public static TheoryData<string, string, Expect> Desks => new()
    {
        { "/staff/discounts", Anonymous, Expect.SignIn },
        { "/staff/discounts", DevelopmentData.CustomerEmail, Expect.Denied },
        { "/staff/discounts", DevelopmentData.SalesEmail, Expect.Allowed },
        { "/staff/discounts", DevelopmentData.SupportEmail, Expect.Denied },
        { "/staff/discounts", DevelopmentData.AdminEmail, Expect.Allowed },
        { "/staff/discounts/{discount}", DevelopmentData.CustomerEmail, Expect.Denied },
        { "/staff/discounts/{discount}", DevelopmentData.SupportEmail, Expect.Denied },
        { "/staff/discounts/{discount}", DevelopmentData.SalesEmail, Expect.Allowed },
        { "/staff/extensions", Anonymous, Expect.SignIn },
        { "/staff/extensions", DevelopmentData.CustomerEmail, Expect.Denied },
        { "/staff/extensions", DevelopmentData.SalesEmail, Expect.Denied },
        { "/staff/extensions", DevelopmentData.SupportEmail, Expect.Allowed },
        { "/staff/extensions", DevelopmentData.AdminEmail, Expect.Allowed },
        { "/staff/extensions/{extension}", DevelopmentData.SalesEmail, Expect.Denied },
        { "/staff/extensions/{extension}", DevelopmentData.SupportEmail, Expect.Allowed },
        { "/staff/extensions/{extension}", DevelopmentData.AdminEmail, Expect.Allowed },
        { "/staff/orders", Anonymous, Expect.SignIn },
        { "/staff/orders", DevelopmentData.CustomerEmail, Expect.Denied },
        { "/staff/orders", DevelopmentData.SalesEmail, Expect.Allowed },
        { "/staff/orders", DevelopmentData.SupportEmail, Expect.Allowed },
        { "/staff/orders", DevelopmentData.AdminEmail, Expect.Allowed },
        { "/staff/customers", Anonymous, Expect.SignIn },
        { "/staff/customers", DevelopmentData.CustomerEmail, Expect.Denied },
        { "/staff/customers", DevelopmentData.SalesEmail, Expect.Allowed },
        { "/staff/customers", DevelopmentData.SupportEmail, Expect.Allowed },
        { "/staff/customers/{organization}", DevelopmentData.CustomerEmail, Expect.Denied },
        { "/staff/customers/{organization}", DevelopmentData.SalesEmail, Expect.Allowed },
        { "/admin/licenses", DevelopmentData.CustomerEmail, Expect.Denied },
        { "/admin/licenses", DevelopmentData.SalesEmail, Expect.Denied },
        { "/admin/licenses", DevelopmentData.SupportEmail, Expect.Denied },
        { "/admin/licenses", DevelopmentData.AdminEmail, Expect.Allowed },
        { "/admin/staff", DevelopmentData.SalesEmail, Expect.Denied },
        { "/admin/staff", DevelopmentData.SupportEmail, Expect.Denied },
        { "/admin/staff", DevelopmentData.AdminEmail, Expect.Allowed },
        { "/admin/catalog", Anonymous, Expect.SignIn },
        { "/admin/catalog", DevelopmentData.CustomerEmail, Expect.Denied },
        { "/admin/catalog", DevelopmentData.SalesEmail, Expect.Denied },
        { "/admin/catalog", DevelopmentData.SupportEmail, Expect.Denied },
        { "/admin/catalog", DevelopmentData.AdminEmail, Expect.Allowed },
        { "/admin/keys", DevelopmentData.CustomerEmail, Expect.Denied },
        { "/admin/keys", DevelopmentData.SalesEmail, Expect.Denied },
        { "/admin/keys", DevelopmentData.SupportEmail, Expect.Denied },
        { "/admin/keys", DevelopmentData.AdminEmail, Expect.Allowed },
        { "/admin/audit", Anonymous, Expect.SignIn },
        { "/admin/audit", DevelopmentData.CustomerEmail, Expect.Denied },
        { "/admin/audit", DevelopmentData.SupportEmail, Expect.Denied },
        { "/admin/audit", DevelopmentData.AdminEmail, Expect.Allowed },
    };

    [Theory]
    [MemberData(nameof(Desks))]
    public async Task Each_desk_lets_in_only_its_roles(string path, string who, Expect expected)
    {
        using var client = await ClientAsync(who);

        var response = await client.GetAsync(await ResolveAsync(path));

        switch (expected)
        {
            case Expect.Allowed:
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                break;
            case Expect.SignIn:
                Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
                Assert.Contains("/Account/Login", response.Headers.Location!.OriginalString);
                break;
            default:
                Assert.True(response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Forbidden, $"{path} as {who}: {response.StatusCode}");
                if (response.StatusCode == HttpStatusCode.Redirect)
                    Assert.Contains("/Account/AccessDenied", response.Headers.Location!.OriginalString);
                break;
        }
    }

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
        if (who != Anonymous)
            Assert.Equal(HttpStatusCode.Redirect, (await AccountForms.SignInAsync(client, who, DevelopmentData.DemoPassword)).StatusCode);
        return client;
    }

    /// <summary>Puts ids of the demo data's pending requests into the path.</summary>
    private async Task<string> ResolveAsync(string path)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        if (path.Contains("{discount}", StringComparison.Ordinal))
            path = path.Replace("{discount}", (await db.DiscountApplications.FirstAsync()).Id.ToString(), StringComparison.Ordinal);
        if (path.Contains("{organization}", StringComparison.Ordinal))
            path = path.Replace("{organization}", (await db.Organizations.FirstAsync()).Id.ToString(), StringComparison.Ordinal);
        if (path.Contains("{extension}", StringComparison.Ordinal))
            path = path.Replace("{extension}", (await db.Set<ExtensionRequest>().FirstAsync()).Id.ToString(), StringComparison.Ordinal);
        return path;
    }

    private async Task<(Guid ApplicationId, Guid AttachmentId)> ApplicationWithEvidenceAsync()
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var organization = await db.Organizations.FirstAsync(o => o.Name == DevelopmentData.DemoOrganizationName);
        var application = await scope.ServiceProvider.GetRequiredService<DiscountService>().SubmitAsync(organization.Id, DiscountKind.CrossGrade,
            "We ran BrandX", [DiscountAttachment.FromUpload("evidence.pdf", Pdf)], Actor.Person("customer", DevelopmentData.CustomerEmail, Roles.Customer));
        return (application.Id, application.Attachments.Single().Id);
    }
}
