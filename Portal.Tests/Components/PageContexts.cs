using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;
using MudBlazor;
using MudBlazor.Services;
using Portal.Components.Account;
using Portal.Domain.Accounts;
using Portal.Domain.Catalog;
using Portal.Domain.Data;
using Portal.Domain.Discounts;
using Portal.Domain.Evaluations;
using Portal.Domain.History;
using Portal.Domain.Keys;
using Portal.Domain.Licensing;
using Portal.Domain.Outbox;
using Portal.Domain.Ordering;
using Portal.Domain.Organizations;
using Portal.Domain.Pricing;
using Portal.Domain.Quotes;
using Portal.Domain.Usage;
using Portal.Outbox;
using Portal.Payments;
using Portal.Tests.Builders;
using Portal.Tests.Fakes;
using Portal.Domain.Members;

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

    /// <summary>A page context signed in as a new member of the organization, an Owner unless <paramref name="roles"/> says otherwise.</summary>
    public static async Task<CustomerPageContext> CreateAsync(
        DomainFixture domain, Organization organization, string email = "ana@contoso.example", MemberRoles roles = MemberRoles.Owner)
    {
        var member = await AddMemberAsync(domain, organization, email, roles);
        var ctx = PortalPageServices.NewContext(domain, Principal(member, organization, roles));
        var page = new CustomerPageContext(ctx, member);
        page.Popovers = ctx.Render<MudPopoverProvider>();
        page.Dialogs = ctx.Render<MudDialogProvider>();
        page.Snackbars = ctx.Render<MudSnackbarProvider>();
        return page;
    }

    public static async Task<PortalUser> AddMemberAsync(DomainFixture domain, Organization organization, string email, MemberRoles roles = MemberRoles.Owner)
    {
        await using var db = domain.Db();
        var user = new PortalUser
        {
            UserName = email, NormalizedUserName = email.ToUpperInvariant(), Email = email, NormalizedEmail = email.ToUpperInvariant(),
            EmailConfirmed = true,
        };
        user.JoinAs(db, organization.Id, roles);
        db.Users.Add(user);
        await db.SaveChangesAsync();
        return user;
    }

    /// <summary>
    /// What sign-in gives a customer: id, name and email, the Customer role, the organization claim and one claim per
    /// member role there (an Owner unless <paramref name="roles"/> says otherwise).
    /// </summary>
    public static ClaimsPrincipal Principal(PortalUser user, Organization organization, MemberRoles roles = MemberRoles.Owner) =>
        new(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, user.Id),
            new Claim(ClaimTypes.Name, user.Email!),
            new Claim(ClaimTypes.Email, user.Email!),
            new Claim(ClaimTypes.Role, Roles.Customer),
            new Claim(PortalClaimTypes.OrganizationId, organization.Id.ToString()),
            .. roles.Split().Select(role => new Claim(PortalClaimTypes.MemberRole, role.ToString())),
        ], "test"));

    /// <summary>Renders the page and waits until it has loaded from the database (its h1 is there and no spinner is left).</summary>
    public IRenderedComponent<TPage> RenderPage<TPage>() where TPage : IComponent => PortalPageServices.RenderLoaded<TPage>(Bunit);

    public ValueTask DisposeAsync() => Bunit.DisposeAsync();
}

/// <summary>
/// What every page test needs: a bUnit context with MudBlazor, the domain's real services on its SQLite database, the
/// portal's authorization policies, and a fixed signed-in user.
/// </summary>
internal static class PortalPageServices
{
    /// <summary>The context for <paramref name="user"/>; <paramref name="services"/> may replace some of the domain's services.</summary>
    public static BunitContext NewContext(DomainFixture domain, ClaimsPrincipal user, Action<IServiceCollection>? services = null)
    {
        var ctx = new BunitContext();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddMudServices();
        var dbFactory = domain.Get<IDbContextFactory<PortalDbContext>>();
        ctx.Services.AddSingleton(dbFactory);
        ctx.Services.AddSingleton<TimeProvider>(domain.Clock);
        ctx.Services.AddSingleton(domain.Get<AuditLog>());
        ctx.Services.AddSingleton(domain.Get<EvaluationService>());
        ctx.Services.AddSingleton(domain.Get<DiscountService>());
        ctx.Services.AddSingleton(domain.Get<QuoteService>());
        ctx.Services.AddSingleton(domain.Get<LicensingService>());
        ctx.Services.AddSingleton(domain.Get<LicenseImport>());
        ctx.Services.AddSingleton(domain.Get<CatalogService>());
        ctx.Services.AddSingleton(domain.Get<RegistrationEmail>());
        ctx.Services.AddSingleton(domain.Get<MembershipService>());
        ctx.Services.AddSingleton(domain.Get<EmailOutbox>());
        ctx.Services.AddSingleton(domain.Get<SigningKeyStore>());
        ctx.Services.AddSingleton(new OrganizationService(dbFactory, domain.Get<AuditLog>()));
        ctx.Services.AddSingleton(domain.Get<StaffAccounts>());
        ctx.Services.AddSingleton(domain.Get<UsageService>());
        ctx.Services.AddSingleton(domain.Get<MembershipService>());
        ctx.Services.AddSingleton<RecordingMailDelivery>();
        ctx.Services.AddSingleton<IMailDelivery>(provider => provider.GetRequiredService<RecordingMailDelivery>());
        ctx.Services.AddSingleton(Options.Create(new SmtpSettings()));
        ctx.Services.AddSingleton<IdentityEmailSender>();
        AddBuying(ctx.Services, domain);
        ctx.Services.AddAuthorizationCore(Policies.Configure);
        ctx.Services.AddCascadingAuthenticationState();
        ctx.Services.AddSingleton<AuthenticationStateProvider>(new FixedAuthenticationState(user));
        services?.Invoke(ctx.Services);
        ctx.Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        return ctx;
    }

    /// <summary>Renders the page and waits until it has loaded from the database (its h1 is there and no spinner is left).</summary>
    public static IRenderedComponent<TPage> RenderLoaded<TPage>(BunitContext ctx) where TPage : IComponent
    {
        var page = ctx.Render<TPage>();
        page.WaitForAssertion(() =>
        {
            Assert.Single(page.FindAll("h1"));
            Assert.Empty(page.FindAll(".mud-progress-circular"));
        }, TimeSpan.FromSeconds(5));
        return page;
    }

    /// <summary>
    /// Pricing, quotes, orders, checkout and invoices as Development without a Stripe key runs them: the test checkout and
    /// the test invoice.
    /// </summary>
    private static void AddBuying(IServiceCollection services, DomainFixture domain)
    {
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddSingleton<IHostEnvironment>(new HostingEnvironment { EnvironmentName = Environments.Development });
        services.AddSingleton(domain.Get<QuoteService>());
        services.AddSingleton(domain.Get<PricingService>());
        services.AddSingleton(domain.Get<OrderService>());
        services.AddSingleton(domain.Get<PaymentEventService>());
        services.AddSingleton(domain.Get<FulfilmentService>());
        services.AddSingleton(new StripeSettings());
        services.AddSingleton<StripeApi>();
        services.AddSingleton<StripeCheckout>();
        services.AddSingleton<InvoicePayments>();
        services.AddSingleton<CheckoutStatus>();
    }

    private sealed class FixedAuthenticationState(ClaimsPrincipal user) : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync() => Task.FromResult(new AuthenticationState(user));
    }
}

/// <summary>
/// A staff page in bUnit on the domain's real SQLite database, signed in as a staff member with one role (a real user
/// row), with the MudBlazor providers for dialogs and snackbars.
/// </summary>
internal sealed class StaffPageContext : IAsyncDisposable
{
    private StaffPageContext(BunitContext bunit, PortalUser user, Actor actor)
    {
        Bunit = bunit;
        User = user;
        Actor = actor;
    }

    public BunitContext Bunit { get; }
    public PortalUser User { get; }

    /// <summary>The staff member as the domain services see them, to compare with what the page recorded.</summary>
    public Actor Actor { get; }

    public IRenderedComponent<MudPopoverProvider> Popovers { get; private set; } = default!;
    public IRenderedComponent<MudDialogProvider> Dialogs { get; private set; } = default!;
    public IRenderedComponent<MudSnackbarProvider> Snackbars { get; private set; } = default!;

    /// <summary>Signs in a new staff user with <paramref name="role"/>; <paramref name="services"/> may replace some of the domain's services first.</summary>
    public static async Task<StaffPageContext> CreateAsync(
        DomainFixture domain, string role, string? email = null, Action<IServiceCollection>? services = null)
    {
        email ??= $"{role.ToLowerInvariant()}@keymetric.example";
        PortalUser user;
        await using (var db = domain.Db())
        {
            user = new PortalUser { UserName = email, Email = email, EmailConfirmed = true };
            db.Users.Add(user);
            await db.SaveChangesAsync();
        }
        var principal = new ClaimsPrincipal(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, user.Id),
            new Claim(ClaimTypes.Name, email),
            new Claim(ClaimTypes.Email, email),
            new Claim(ClaimTypes.Role, role),
            new Claim(PortalClaimTypes.TwoFactorEnabled, "true"),
        ], "test"));
        var ctx = PortalPageServices.NewContext(domain, principal, services);
        var page = new StaffPageContext(ctx, user, Actor.Person(user.Id, email, role));
        page.Popovers = ctx.Render<MudPopoverProvider>();
        page.Dialogs = ctx.Render<MudDialogProvider>();
        page.Snackbars = ctx.Render<MudSnackbarProvider>();
        return page;
    }

    /// <summary>Renders the page and waits until it has loaded from the database (its h1 is there and no spinner is left).</summary>
    public IRenderedComponent<TPage> RenderPage<TPage>() where TPage : IComponent => PortalPageServices.RenderLoaded<TPage>(Bunit);

    public ValueTask DisposeAsync() => Bunit.DisposeAsync();
}
