using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Portal.Components;
using Portal.Components.Account;
using Portal.Components.Layout;
using Portal.Domain.Accounts;
using Portal.Tests.Builders;

namespace Portal.Tests.Components;

/// <summary>The layout and navigation as each role sees them, with the app's real authorization policies.</summary>
public sealed class NavigationTests
{
    private static BunitContext Context(ClaimsPrincipal user)
    {
        var ctx = new BunitContext();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddMudServices();
        ctx.Services.AddAuthorizationCore(Policies.Configure);
        // bUnit registers a placeholder; the real service evaluates the app's policies.
        ctx.Services.AddSingleton<IAuthorizationService, DefaultAuthorizationService>();
        ctx.Services.AddSingleton<AuthenticationStateProvider>(new FixedAuthenticationState(user));
        ctx.Services.AddScoped<SignInChanges>();
        ctx.Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        return ctx;
    }

    /// <summary>What sign-in gives: staff have two-factor authentication on, unless <paramref name="twoFactor"/> says otherwise.</summary>
    private static ClaimsPrincipal User(string? role, Guid? organizationId = null, bool twoFactor = true)
    {
        if (role is null)
            return new ClaimsPrincipal(new ClaimsIdentity());
        var claims = new List<Claim> { new(ClaimTypes.Name, $"{role.ToLowerInvariant()}@example.test"), new(ClaimTypes.Role, role) };
        if (organizationId is { } id)
            claims.Add(new Claim(PortalClaimTypes.OrganizationId, id.ToString()));
        if (twoFactor && Roles.Staff.Contains(role))
            claims.Add(new Claim(PortalClaimTypes.TwoFactorEnabled, "true"));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, "test"));
    }

    private static IRenderedComponent<CascadingAuthenticationState> RenderNav(BunitContext ctx) =>
        ctx.Render<CascadingAuthenticationState>(parameters => parameters.AddChildContent<NavMenu>());

    private static IReadOnlyList<string> Links(IRenderedComponent<CascadingAuthenticationState> nav) =>
        nav.FindAll("a").Select(a => a.GetAttribute("href") ?? "").ToList();

    [Fact]
    public async Task Customer_sees_the_customer_area_and_not_the_staff_area()
    {
        await using var ctx = Context(User(Roles.Customer, Guid.NewGuid()));

        var nav = RenderNav(ctx);

        Assert.Contains("/dashboard", Links(nav));
        Assert.Contains("/quotes", Links(nav));
        Assert.DoesNotContain("/staff", Links(nav));
        Assert.Contains("Your organization", nav.Markup);
    }

    [Fact]
    public async Task Customer_role_without_an_organization_gets_no_customer_area()
    {
        await using var ctx = Context(User(Roles.Customer));

        var nav = RenderNav(ctx);

        Assert.DoesNotContain("/dashboard", Links(nav));
    }

    [Theory]
    [InlineData(Roles.Sales)]
    [InlineData(Roles.Support)]
    [InlineData(Roles.Admin)]
    public async Task Staff_see_the_staff_area_and_not_the_customer_area(string role)
    {
        await using var ctx = Context(User(role));

        var nav = RenderNav(ctx);

        Assert.Contains("/staff", Links(nav));
        Assert.DoesNotContain("/dashboard", Links(nav));
    }

    [Theory]
    [InlineData(Roles.Sales)]
    [InlineData(Roles.Admin)]
    public async Task Staff_without_two_factor_authentication_see_no_staff_area(string role)
    {
        await using var ctx = Context(User(role, twoFactor: false));

        var nav = RenderNav(ctx);

        Assert.DoesNotContain("/staff", Links(nav));
        Assert.DoesNotContain("/admin/staff", Links(nav));
    }

    [Fact]
    public async Task Inside_a_circuit_staff_without_two_factor_are_sent_to_set_it_up_and_others_are_denied()
    {
        await using (var withoutTwoFactor = Context(User(Roles.Sales, twoFactor: false)))
        {
            var navigation = withoutTwoFactor.Services.GetRequiredService<NavigationManager>();
            navigation.NavigateTo("/staff");

            withoutTwoFactor.Render<CascadingAuthenticationState>(parameters => parameters.AddChildContent<Routes>());

            Assert.Equal("http://localhost/Account/Manage/EnableAuthenticator", navigation.Uri);
        }

        await using var wrongRole = Context(User(Roles.Support));
        wrongRole.Services.GetRequiredService<NavigationManager>().NavigateTo("/staff/discounts");

        var routes = wrongRole.Render<CascadingAuthenticationState>(parameters => parameters.AddChildContent<Routes>());

        Assert.Equal("Access denied", routes.Find("h1").TextContent);
    }

    private static IRenderedComponent<CascadingAuthenticationState> RenderShell(BunitContext ctx) =>
        ctx.Render<CascadingAuthenticationState>(parameters => parameters.AddChildContent<AppShell>(
            shell => shell.AddChildContent("page body")));

    [Fact]
    public async Task Signed_out_visitor_gets_sign_in_and_register_and_no_drawer()
    {
        await using var ctx = Context(User(role: null));

        var shell = RenderShell(ctx);

        Assert.Contains("/Account/Login", Links(shell));
        Assert.Contains("/Account/Register", Links(shell));
        Assert.Empty(shell.FindAll("nav[aria-label='Main navigation']"));
        Assert.Empty(shell.FindAll("#portal-drawer-toggle"));
        Assert.Contains("page body", shell.Find("main#main-content").TextContent);
    }

    [Fact]
    public async Task Signed_in_customer_gets_the_drawer_its_toggle_and_a_sign_out_form_in_the_shell()
    {
        await using var domain = await DomainFixture.CreateAsync();
        var member = await CustomerPageContext.AddMemberAsync(domain, domain.Contoso, "customer@example.test");
        // The page services: the shell reads the customer's organizations to name the current one (OrganizationSwitcher).
        await using var ctx = PortalPageServices.NewContext(domain, CustomerPageContext.Principal(member, domain.Contoso),
            services => services.AddSingleton<IAuthorizationService, DefaultAuthorizationService>());

        var shell = RenderShell(ctx);

        Assert.Single(shell.FindAll("#portal-drawer nav[aria-label='Main navigation']"));
        Assert.Equal("portal-drawer", shell.Find("#portal-drawer-toggle").GetAttribute("aria-controls"));
        Assert.Equal("Account/Logout", shell.Find("form[action='Account/Logout']").GetAttribute("action"));
        Assert.Contains("customer@example.test", shell.Markup);
        Assert.Contains("Contoso Ltd", shell.Find("header [data-testid='current-organization']").TextContent);
        Assert.Contains("page body", shell.Find("main#main-content").TextContent);
    }

    [Fact]
    public async Task The_page_part_of_the_layout_holds_the_providers_and_marks_whether_it_is_interactive()
    {
        await using var ctx = Context(User(Roles.Customer, Guid.NewGuid()));

        var layout = ctx.Render<MainLayout>(parameters => parameters.Add(l => l.Body, (RenderFragment)(builder => builder.AddContent(0, "page body"))));

        Assert.Equal("true", layout.Find("#portal-root").GetAttribute("data-interactive"));
        Assert.Contains("page body", layout.Find("#portal-root").TextContent);
        Assert.Single(layout.FindAll(".mud-popover-provider"));
        // The app bar and the menu are the static shell's: nothing of them is in the page's circuit.
        Assert.Empty(layout.FindAll("header, nav"));
    }

    [Theory]
    [InlineData("/licenses/0197a2b0-1111-7000-8000-000000000001", "/licenses")]
    [InlineData("/quotes/0197a2b0-2222-7000-8000-000000000002", "/quotes")]
    [InlineData("/dashboard?welcome=1", "/dashboard")]
    [InlineData("/history/export", null)]
    public async Task The_menu_marks_the_current_page_by_NavLinks_rule(string address, string? marked)
    {
        await using var ctx = Context(User(Roles.Customer, Guid.NewGuid()));
        ctx.Services.GetRequiredService<NavigationManager>().NavigateTo(address);

        var nav = RenderNav(ctx);

        // "All" links match their page only (/history/export is not /history); "prefix" links also what is below them.
        Assert.Equal(marked is null ? [] : [marked], CurrentLinks(nav));
        if (marked is not null)
            Assert.Contains("active", nav.Find($"a[href='{marked}']").ClassList);
        // The browser script applies the same rule after navigation inside a circuit (brand/js/shell.js).
        Assert.Equal("prefix", nav.Find("a[href='/licenses']").GetAttribute("data-match"));
        Assert.Equal("all", nav.Find("a[href='/history']").GetAttribute("data-match"));
    }

    private static IReadOnlyList<string> CurrentLinks(IRenderedComponent<CascadingAuthenticationState> nav) =>
        nav.FindAll("a[aria-current='page']").Select(a => a.GetAttribute("href") ?? "").ToList();

    private sealed class FixedAuthenticationState(ClaimsPrincipal user) : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync() => Task.FromResult(new AuthenticationState(user));
    }
}
