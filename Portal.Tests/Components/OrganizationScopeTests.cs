using Bunit;
using Portal.Components.Discounts;
using Portal.Components.Evaluations;
using Portal.Components.Organizations;
using Portal.Domain.Discounts;
using Portal.Domain.Evaluations;
using Portal.Domain.Organizations;
using Portal.Tests.Builders;

namespace Portal.Tests.Components;

/// <summary>Only the signed-in member's organization is ever visible: another organization's data never renders.</summary>
public sealed class OrganizationScopeTests
{
    private const string OtherReason = "Fabrikam's board meets in March, please extend";
    private const string OtherEvidence = "Fabrikam charity registration RSIN 8123.45.678";

    [Fact]
    public async Task Evaluation_page_never_shows_another_organizations_evaluation()
    {
        await using var domain = await DomainFixture.CreateAsync();
        var fabrikam = await domain.AddOrganizationAsync("Fabrikam Foundation", OrganizationKind.Nonprofit);
        var theirs = await domain.Get<EvaluationService>().StartAsync(fabrikam.Id, domain.OfficeStatus.Id, DomainFixture.CustomerIn(fabrikam.Id));
        await domain.Get<EvaluationService>().RequestExtensionAsync(fabrikam.Id, theirs.Id, 14, OtherReason, DomainFixture.CustomerIn(fabrikam.Id));
        await using var page = await CustomerPageContext.CreateAsync(domain, domain.Contoso);

        var cut = page.RenderPage<EvaluationPage>();

        // Contoso has not started one: it is offered the start, and nothing of Fabrikam's shows.
        Assert.Equal("none", cut.Find("section").GetAttribute("data-evaluation-state"));
        Assert.DoesNotContain(OtherReason, cut.Markup);
        Assert.DoesNotContain(theirs.Id.ToString(), cut.Markup);
        Assert.DoesNotContain(theirs.Key, cut.Markup);
    }

    [Fact]
    public async Task Discounts_page_never_shows_another_organizations_applications()
    {
        await using var domain = await DomainFixture.CreateAsync();
        var fabrikam = await domain.AddOrganizationAsync("Fabrikam Foundation", OrganizationKind.Nonprofit);
        var discounts = domain.Get<DiscountService>();
        var theirs = await discounts.SubmitAsync(fabrikam.Id, DiscountKind.Nonprofit, OtherEvidence, [], DomainFixture.CustomerIn(fabrikam.Id));
        await discounts.ApproveAsync(theirs.Id, 40, null, "Welcome, Fabrikam", DomainFixture.Sales);
        await using var page = await CustomerPageContext.CreateAsync(domain, domain.Contoso);

        var cut = page.RenderPage<DiscountsPage>();

        Assert.Contains("You have not applied for a discount yet", cut.Markup);
        Assert.Empty(cut.FindAll("[data-testid=usable-discount]"));
        Assert.DoesNotContain("Welcome, Fabrikam", cut.Markup);
        Assert.DoesNotContain(OtherEvidence, cut.Markup);
    }

    [Fact]
    public async Task Organization_page_shows_only_its_own_profile_and_members()
    {
        await using var domain = await DomainFixture.CreateAsync();
        var fabrikam = await domain.AddOrganizationAsync("Fabrikam Foundation", OrganizationKind.Nonprofit);
        await CustomerPageContext.AddMemberAsync(domain, fabrikam, "olga@fabrikam.example");
        await using var page = await CustomerPageContext.CreateAsync(domain, domain.Contoso);

        var cut = page.RenderPage<OrganizationPage>();

        // Fabrikam's member is not counted: the page links to the one member of Contoso.
        Assert.Contains("See the 1 member of your organization", cut.Find("[data-testid=members-link]").TextContent);
        Assert.DoesNotContain("fabrikam", cut.Markup, StringComparison.OrdinalIgnoreCase);
    }
}
