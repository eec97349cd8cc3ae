using System.Security.Claims;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Account;
using Portal.Components.Layout;
using Portal.Domain.Accounts;
using Portal.Domain.Members;
using Portal.Domain.Organizations;
using Portal.Tests.Builders;

namespace Portal.Tests.Components;

/// <summary>
/// The parts of people in several organizations in the page: the app bar's switcher (OrganizationSwitcher), the notice
/// for a customer who belongs to no organization (AccessDeniedNotice), and the layout part that reloads an open page
/// whose sign-in's organization or member roles changed (FollowSignInChanges).
/// </summary>
public sealed class OrganizationSwitchComponentsTests
{
    [Fact]
    public async Task A_member_of_several_organizations_gets_a_menu_with_a_switch_form_for_each_other_one()
    {
        await using var domain = await DomainFixture.CreateAsync();
        var fabrikam = await domain.AddOrganizationAsync("Fabrikam Foundation", OrganizationKind.Nonprofit);
        var woodgrove = await domain.AddOrganizationAsync("Woodgrove Bank");
        var member = await MemberOfAsync(domain, fabrikam, woodgrove, domain.Contoso);
        await using var ctx = PortalPageServices.NewContext(domain, CustomerPageContext.Principal(member, fabrikam));
        ctx.Services.GetRequiredService<NavigationManager>().NavigateTo("/licenses?status=Active");

        var switcher = ctx.Render<OrganizationSwitcher>(parameters => parameters.Add(p => p.User, CustomerPageContext.Principal(member, fabrikam)));

        Assert.Equal("Organization: Fabrikam Foundation", switcher.Find("details > summary").TextContent.Trim());
        Assert.Equal("Fabrikam Foundation (current)", switcher.Find("[aria-current='true']").TextContent.Trim());
        var forms = switcher.FindAll("form");
        Assert.Equal([domain.Contoso.Id.ToString(), woodgrove.Id.ToString()], forms.Select(f => f.QuerySelector("input[name='organizationId']")!.GetAttribute("value")));
        Assert.All(forms, form =>
        {
            Assert.Equal(OrganizationSwitchEndpoints.SwitchPath, form.GetAttribute("action"));
            Assert.Equal("post", form.GetAttribute("method"));
            Assert.Equal("/licenses?status=Active", form.QuerySelector("input[name='returnUrl']")!.GetAttribute("value"));
            Assert.Equal("submit", form.QuerySelector("button")!.GetAttribute("type"));
        });
        Assert.Equal(["Contoso Ltd", "Woodgrove Bank"], forms.Select(f => f.QuerySelector("button")!.TextContent.Trim()));
        Assert.Equal("Switch organization", switcher.Find("#org-switcher-heading").TextContent);
        Assert.Equal("org-switcher-heading", switcher.Find(".org-switcher-menu").GetAttribute("aria-labelledby"));
    }

    [Fact]
    public async Task A_member_of_one_organization_sees_its_name_and_nothing_to_switch()
    {
        await using var domain = await DomainFixture.CreateAsync();
        var member = await MemberOfAsync(domain, domain.Contoso);
        await using var ctx = PortalPageServices.NewContext(domain, CustomerPageContext.Principal(member, domain.Contoso));

        var switcher = ctx.Render<OrganizationSwitcher>(parameters => parameters.Add(p => p.User, CustomerPageContext.Principal(member, domain.Contoso)));

        Assert.Equal("Organization: Contoso Ltd", switcher.Find("[data-testid='current-organization']").TextContent.Trim());
        Assert.Empty(switcher.FindAll("details, form"));
    }

    [Fact]
    public async Task A_sign_in_not_yet_renewed_after_a_removal_offers_the_organizations_left()
    {
        await using var domain = await DomainFixture.CreateAsync();
        var fabrikam = await domain.AddOrganizationAsync("Fabrikam Foundation");
        var member = await MemberOfAsync(domain, fabrikam);
        // The sign-in still names Contoso, which the person no longer belongs to.
        var signIn = CustomerPageContext.Principal(member, domain.Contoso);
        await using var ctx = PortalPageServices.NewContext(domain, signIn);

        var switcher = ctx.Render<OrganizationSwitcher>(parameters => parameters.Add(p => p.User, signIn));

        Assert.Equal("Organization: Choose an organization", switcher.Find("details > summary").TextContent.Trim());
        Assert.Equal(fabrikam.Id.ToString(), switcher.Find("form input[name='organizationId']").GetAttribute("value"));
        Assert.Empty(switcher.FindAll("[aria-current]"));
    }

    [Fact]
    public async Task A_person_in_no_organization_gets_no_switcher()
    {
        await using var domain = await DomainFixture.CreateAsync();
        var member = await MemberOfAsync(domain);
        var signIn = WithoutOrganization(member);
        await using var ctx = PortalPageServices.NewContext(domain, signIn);

        var switcher = ctx.Render<OrganizationSwitcher>(parameters => parameters.Add(p => p.User, signIn));

        Assert.Empty(switcher.Markup.Trim());
    }

    [Fact]
    public async Task A_customer_in_no_organization_is_told_how_to_join_one_instead_of_access_denied()
    {
        await using var domain = await DomainFixture.CreateAsync();
        var member = await MemberOfAsync(domain);
        await using var ctx = PortalPageServices.NewContext(domain, WithoutOrganization(member));

        var notice = ctx.Render<CascadingAuthenticationState>(parameters => parameters.AddChildContent<AccessDeniedNotice>());

        Assert.Equal("You are not a member of any organization", notice.Find("h1").TextContent);
        Assert.Contains("invite you", notice.Markup);
        Assert.Contains(member.Email!, notice.Markup);
        Assert.Equal("/Account/Register", notice.Find("a").GetAttribute("href"));
        Assert.DoesNotContain("Access denied", notice.Markup);
    }

    [Theory]
    [InlineData(Roles.Support)]
    [InlineData(Roles.Admin)]
    public async Task Staff_still_get_access_denied(string role)
    {
        await using var domain = await DomainFixture.CreateAsync();
        var staff = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "sam@keymetric.example"), new Claim(ClaimTypes.Role, role)], "test"));
        await using var ctx = PortalPageServices.NewContext(domain, staff);

        var notice = ctx.Render<CascadingAuthenticationState>(parameters => parameters.AddChildContent<AccessDeniedNotice>());

        Assert.Equal("Access denied", notice.Find("h1").TextContent);
    }

    [Fact]
    public async Task An_outdated_sign_in_reloads_the_open_page_through_the_refresh_and_back()
    {
        await using var ctx = new BunitContext();
        ctx.Services.AddScoped<SignInChanges>();
        var navigation = ctx.Services.GetRequiredService<BunitNavigationManager>();
        navigation.NavigateTo("/orders?page=2");
        var follower = ctx.Render<FollowSignInChanges>();

        ctx.Services.GetRequiredService<SignInChanges>().ReportOutdated();

        follower.WaitForAssertion(() => Assert.Equal("http://localhost/Account/RefreshSignIn?returnUrl=%2Forders%3Fpage%3D2", navigation.Uri));
        Assert.True(navigation.History.First().Options.ForceLoad, "the page must load from the server, with the new cookie");
    }

    [Fact]
    public async Task A_page_left_no_longer_follows_its_sign_in()
    {
        await using var ctx = new BunitContext();
        ctx.Services.AddScoped<SignInChanges>();
        var navigation = ctx.Services.GetRequiredService<BunitNavigationManager>();
        navigation.NavigateTo("/orders");
        var follower = ctx.Render<FollowSignInChanges>();
        follower.Instance.Dispose();

        ctx.Services.GetRequiredService<SignInChanges>().ReportOutdated();

        Assert.Equal("http://localhost/orders", navigation.Uri);
    }

    /// <summary>A new account, a member (owner) of each organization; the last one is its chosen one.</summary>
    private static async Task<PortalUser> MemberOfAsync(DomainFixture domain, params Organization[] organizations)
    {
        await using var db = domain.Db();
        var user = new PortalUser { UserName = "casey@consultants.example", Email = "casey@consultants.example", EmailConfirmed = true };
        foreach (var organization in organizations)
            user.JoinAs(db, organization.Id, MemberRoles.Owner);
        db.Users.Add(user);
        await db.SaveChangesAsync();
        return user;
    }

    private static ClaimsPrincipal WithoutOrganization(PortalUser user) =>
        new(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, user.Id),
            new Claim(ClaimTypes.Name, user.Email!),
            new Claim(ClaimTypes.Role, Roles.Customer),
        ], "test"));
}
