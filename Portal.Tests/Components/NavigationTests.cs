using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Interfaces;
using MudBlazor.Services;
using Portal.Components;
using Portal.Components.Account;
using Portal.Components.Layout;
using Portal.Domain.Accounts;

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

    [Fact]
    public async Task Signed_out_visitor_gets_sign_in_and_register_and_no_drawer()
    {
        await using var ctx = Context(User(role: null));

        var layout = ctx.Render<CascadingAuthenticationState>(parameters => parameters.AddChildContent<MainLayout>(
            layout => layout.Add(l => l.Body, (RenderFragment)(builder => builder.AddContent(0, "page body")))));

        Assert.Contains("/Account/Login", Links(layout));
        Assert.Contains("/Account/Register", Links(layout));
        Assert.Empty(layout.FindAll("nav[aria-label='Main navigation']"));
        Assert.Contains("page body", layout.Find("main#main-content").TextContent);
    }

    [Fact]
    public async Task Signed_in_customer_gets_the_drawer_and_a_sign_out_form_in_the_layout()
    {
        await using var ctx = Context(User(Roles.Customer, Guid.NewGuid()));

        var layout = ctx.Render<CascadingAuthenticationState>(parameters => parameters.AddChildContent<MainLayout>(
            layout => layout.Add(l => l.Body, (RenderFragment)(builder => builder.AddContent(0, "page body")))));

        Assert.Single(layout.FindAll("nav[aria-label='Main navigation']"));
        Assert.Equal("Account/Logout", layout.Find("form[action='Account/Logout']").GetAttribute("action"));
        Assert.Contains("customer@example.test", layout.Markup);
    }

    [Fact]
    public async Task The_current_page_is_marked_in_the_menu_and_the_mark_follows_navigation()
    {
        await using var ctx = Context(User(Roles.Customer, Guid.NewGuid()));
        var navigation = ctx.Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("/licenses/0197a2b0-1111-7000-8000-000000000001");

        var nav = RenderNav(ctx);

        Assert.Equal(["/licenses"], CurrentLinks(nav));
        Assert.Contains("active", nav.Find("a[href='/licenses']").ClassList);

        navigation.NavigateTo("/dashboard?welcome=1");

        nav.WaitForAssertion(() => Assert.Equal(["/dashboard"], CurrentLinks(nav)));
        // "All" links match their page only: /history/anything is not /history.
        navigation.NavigateTo("/history/export");
        nav.WaitForAssertion(() => Assert.Empty(CurrentLinks(nav)));
    }

    [Fact]
    public async Task Following_a_link_tells_the_drawer_so_it_can_close_on_a_small_screen()
    {
        await using var ctx = Context(User(Roles.Customer, Guid.NewGuid()));
        var drawer = new RecordingDrawer();

        var nav = ctx.Render<CascadingAuthenticationState>(parameters => parameters.AddChildContent<CascadingValue<INavigationEventReceiver>>(
            cascade => cascade.Add(c => c.Value, drawer).AddChildContent<NavMenu>()));
        nav.Find("a[href='/orders']").Click();

        Assert.Equal(1, drawer.Navigations);
    }

    private static IReadOnlyList<string> CurrentLinks(IRenderedComponent<CascadingAuthenticationState> nav) =>
        nav.FindAll("a[aria-current='page']").Select(a => a.GetAttribute("href") ?? "").ToList();

    private sealed class RecordingDrawer : INavigationEventReceiver
    {
        public int Navigations { get; private set; }

        public Task OnNavigation()
        {
            Navigations++;
            return Task.CompletedTask;
        }
    }

    private sealed class FixedAuthenticationState(ClaimsPrincipal user) : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync() => Task.FromResult(new AuthenticationState(user));
    }
}
