using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor;
using MudBlazor.Services;
using Portal.Components.Discounts;
using Portal.Components.Evaluations;
using Portal.Components.Organizations;
using Portal.Domain.Accounts;
using Portal.Domain.Data;
using Portal.Domain.Discounts;
using Portal.Domain.Evaluations;
using Portal.Domain.History;
using Portal.Domain.Ordering;
using Portal.Domain.Organizations;
using Portal.Domain.Pricing;
using Portal.Payments;
using Portal.Tests.Builders;

namespace Portal.Tests.Components;

/// <summary>
/// A customer page in bUnit on the domain's real SQLite database: the page's services, a signed-in member of one
/// organization (a real user row, so membership checks hold), and the MudBlazor providers for dialogs and snackbars.
/// </summary>
internal sealed class CustomerPageContext : IAsyncDisposable
{
    private CustomerPageContext(BunitContext bunit, PortalUser member)
    {
        Bunit = bunit;
        Member = member;
    }

    public BunitContext Bunit { get; }
    public PortalUser Member { get; }
    public IRenderedComponent<MudPopoverProvider> Popovers { get; private set; } = default!;
    public IRenderedComponent<MudDialogProvider> Dialogs { get; private set; } = default!;
    public IRenderedComponent<MudSnackbarProvider> Snackbars { get; private set; } = default!;

    public static async Task<CustomerPageContext> CreateAsync(DomainFixture domain, Organization organization, string email = "ana@contoso.example")
    {
        var member = await AddMemberAsync(domain, organization, email);
        var ctx = new BunitContext();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddMudServices();
        var dbFactory = domain.Get<IDbContextFactory<PortalDbContext>>();
        ctx.Services.AddSingleton(dbFactory);
        ctx.Services.AddSingleton<TimeProvider>(domain.Clock);
        ctx.Services.AddSingleton(domain.Get<EvaluationService>());
        ctx.Services.AddSingleton(domain.Get<DiscountService>());
        ctx.Services.AddSingleton(domain.Get<IOptions<EvaluationOptions>>());
        ctx.Services.AddSingleton(domain.Get<IOptions<DiscountOptions>>());
        ctx.Services.AddSingleton(new OrganizationService(dbFactory, domain.Get<AuditLog>()));
        AddBuying(ctx.Services, domain);
        ctx.Services.AddCascadingAuthenticationState();
        ctx.Services.AddSingleton<AuthenticationStateProvider>(new FixedAuthenticationState(Principal(member, organization)));
        ctx.Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));

        var page = new CustomerPageContext(ctx, member);
        page.Popovers = ctx.Render<MudPopoverProvider>();
        page.Dialogs = ctx.Render<MudDialogProvider>();
        page.Snackbars = ctx.Render<MudSnackbarProvider>();
        return page;
    }

    /// <summary>Pricing, orders and checkout as Development without a Stripe key runs them: the test checkout.</summary>
    private static void AddBuying(IServiceCollection services, DomainFixture domain)
    {
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddSingleton(domain.Get<PricingService>());
        services.AddSingleton(domain.Get<OrderService>());
        services.AddSingleton(domain.Get<PaymentEventService>());
        services.AddSingleton(domain.Get<FulfilmentService>());
        services.AddSingleton(new StripeSettings());
        services.AddSingleton<StripeApi>();
        services.AddSingleton<StripeCheckout>();
        services.AddSingleton<CheckoutStatus>();
    }

    public static async Task<PortalUser> AddMemberAsync(DomainFixture domain, Organization organization, string email)
    {
        await using var db = domain.Db();
        var user = new PortalUser { UserName = email, Email = email, EmailConfirmed = true };
        user.JoinOrganization(await db.Organizations.SingleAsync(o => o.Id == organization.Id));
        db.Users.Add(user);
        await db.SaveChangesAsync();
        return user;
    }

    /// <summary>What sign-in gives a customer: id, name and email, the Customer role and the organization claim.</summary>
    public static ClaimsPrincipal Principal(PortalUser user, Organization organization) =>
        new(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, user.Id),
            new Claim(ClaimTypes.Name, user.Email!),
            new Claim(ClaimTypes.Email, user.Email!),
            new Claim(ClaimTypes.Role, Roles.Customer),
            new Claim(PortalClaimTypes.OrganizationId, organization.Id.ToString()),
        ], "test"));

    /// <summary>Renders the page and waits until it has loaded from the database (its h1 is there and no spinner is left).</summary>
    public IRenderedComponent<TPage> RenderPage<TPage>() where TPage : IComponent
    {
        var page = Bunit.Render<TPage>();
        page.WaitForAssertion(() =>
        {
            Assert.Single(page.FindAll("h1"));
            Assert.Empty(page.FindAll(".mud-progress-circular"));
        }, TimeSpan.FromSeconds(5));
        return page;
    }

    public ValueTask DisposeAsync() => Bunit.DisposeAsync();

    private sealed class FixedAuthenticationState(ClaimsPrincipal user) : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync() => Task.FromResult(new AuthenticationState(user));
    }
}

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
        var theirs = await domain.Get<EvaluationService>().StartAsync(fabrikam.Id, domain.OfficeStatus.Id, DomainFixture.Customer);
        await domain.Get<EvaluationService>().RequestExtensionAsync(fabrikam.Id, theirs.Id, 14, OtherReason, DomainFixture.Customer);
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
        var theirs = await discounts.SubmitAsync(fabrikam.Id, DiscountKind.Nonprofit, OtherEvidence, [], DomainFixture.Customer);
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

        var members = cut.FindAll("ul[aria-label='Members of your organization'] li").Select(li => li.TextContent.Trim()).ToList();
        Assert.Equal(["ana@contoso.example (you)"], members);
        Assert.DoesNotContain("fabrikam", cut.Markup, StringComparison.OrdinalIgnoreCase);
    }
}
