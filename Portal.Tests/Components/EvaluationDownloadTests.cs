using System.Net;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Portal.Domain.Evaluations;
using Portal.Domain.History;
using Portal.Domain.Keys;
using Portal.Domain.Licensing;
using Portal.Domain.Members;
using Portal.Domain.Organizations;
using Portal.Endpoints;
using Portal.Tests.Builders;
using Portal.Tests.Integration;

namespace Portal.Tests.Components;

/// <summary>
/// <c>GET /evaluation/{id}/download</c>: the evaluation's license file, for its own organization's members with the
/// Technical role only.
/// </summary>
public sealed class EvaluationDownloadTests
{
    private static async Task<(IResult Result, HttpContext Http)> DownloadAsync(DomainFixture domain, Guid evaluationId, ClaimsPrincipal user)
    {
        var http = new DefaultHttpContext { User = user };
        var result = await EvaluationDownloads.DownloadAsync(evaluationId, user, http, domain.Get<KeyDownloads>(), CancellationToken.None);
        return (result, http);
    }

    private static async Task<int> DownloadEventsAsync(DomainFixture domain)
    {
        await using var db = domain.Db();
        return await db.AuditEvents.CountAsync(e => e.Action == HistoryQueries.EvaluationDownloaded);
    }

    [Fact]
    public async Task A_member_gets_the_license_file_as_an_attachment_with_the_stored_key()
    {
        await using var domain = await DomainFixture.CreateAsync();
        var evaluation = await domain.Get<EvaluationService>().StartAsync(domain.Contoso.Id, domain.OfficeStatus.Id, DomainFixture.CustomerIn(domain.Contoso.Id));
        var member = await CustomerPageContext.AddMemberAsync(domain, domain.Contoso, "ana@contoso.example");

        var (result, http) = await DownloadAsync(domain, evaluation.Id, CustomerPageContext.Principal(member, domain.Contoso));

        var file = Assert.IsType<FileContentHttpResult>(result);
        Assert.Equal(LicenseFile.MediaType, file.ContentType);
        Assert.Equal($"officestatus-6-evaluation-{evaluation.Id:N}.lic", file.FileDownloadName);
        var parsed = LicenseFile.Parse(Encoding.UTF8.GetString(file.FileContents.Span));
        Assert.Equal(evaluation.Key, parsed.Key);
        Assert.Equal("Evaluation", parsed.Header[LicenseFile.Fields.Kind]);
        Assert.Equal("Contoso Ltd", parsed.Header[LicenseFile.Fields.Licensee]);
        Assert.Equal("2026-12-29 10:00 UTC", parsed.Header[LicenseFile.Fields.Expires]);
        Assert.Equal("250", parsed.Header[LicenseFile.Fields.Seats]);
        Assert.Equal("no-store", http.Response.Headers.CacheControl.ToString());
        Assert.Equal(1, await DownloadEventsAsync(domain));
    }

    [Fact]
    public async Task Another_organizations_evaluation_is_not_found_and_nothing_is_recorded()
    {
        await using var domain = await DomainFixture.CreateAsync();
        var fabrikam = await domain.AddOrganizationAsync("Fabrikam Foundation", OrganizationKind.Nonprofit);
        var theirs = await domain.Get<EvaluationService>().StartAsync(fabrikam.Id, domain.OfficeStatus.Id, DomainFixture.CustomerIn(fabrikam.Id));
        var member = await CustomerPageContext.AddMemberAsync(domain, domain.Contoso, "ana@contoso.example");

        var (result, _) = await DownloadAsync(domain, theirs.Id, CustomerPageContext.Principal(member, domain.Contoso));

        Assert.IsType<NotFound>(result);
        Assert.Equal(0, await DownloadEventsAsync(domain));
    }

    [Theory]
    [InlineData(MemberRoles.Technical)]
    [InlineData(MemberRoles.Technical | MemberRoles.Billing)]
    public async Task A_technical_member_gets_the_file_and_the_download_is_recorded_as_theirs(MemberRoles roles)
    {
        await using var domain = await DomainFixture.CreateAsync();
        var evaluation = await domain.Get<EvaluationService>().StartAsync(domain.Contoso.Id, domain.OfficeStatus.Id, DomainFixture.CustomerIn(domain.Contoso.Id));
        var member = await CustomerPageContext.AddMemberAsync(domain, domain.Contoso, "it@contoso.example", roles);

        var (result, _) = await DownloadAsync(domain, evaluation.Id, CustomerPageContext.Principal(member, domain.Contoso, roles));

        Assert.IsType<FileContentHttpResult>(result);
        await using var db = domain.Db();
        var recorded = await db.AuditEvents.SingleAsync(e => e.Action == HistoryQueries.EvaluationDownloaded);
        Assert.Equal(member.Id, recorded.ActorUserId);
    }

    [Theory]
    [InlineData(MemberRoles.Billing)]
    [InlineData(MemberRoles.None)]
    public async Task A_member_without_the_technical_role_is_refused_with_403_and_nothing_is_recorded(MemberRoles roles)
    {
        await using var domain = await DomainFixture.CreateAsync();
        var evaluation = await domain.Get<EvaluationService>().StartAsync(domain.Contoso.Id, domain.OfficeStatus.Id, DomainFixture.CustomerIn(domain.Contoso.Id));
        var member = await CustomerPageContext.AddMemberAsync(domain, domain.Contoso, "accounts@contoso.example", roles);

        var (result, _) = await DownloadAsync(domain, evaluation.Id, CustomerPageContext.Principal(member, domain.Contoso, roles));

        var refused = Assert.IsType<ContentHttpResult>(result);
        Assert.Equal(StatusCodes.Status403Forbidden, refused.StatusCode);
        Assert.Contains("Technical", refused.ResponseContent);
        Assert.DoesNotContain(evaluation.Key, refused.ResponseContent);
        Assert.Equal(0, await DownloadEventsAsync(domain));
    }

    [Fact]
    public async Task A_signed_out_visitor_is_sent_to_sign_in_and_gets_no_file()
    {
        await using var app = new PortalAppFactory();
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var response = await client.GetAsync(EvaluationDownloads.PathFor(Guid.NewGuid()));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/Account/Login", response.Headers.Location?.ToString());
    }
}
