using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Portal.Domain;
using Portal.Domain.Accounts;
using Portal.Domain.Catalog;
using Portal.Domain.Data;
using Portal.Domain.Discounts;
using Portal.Domain.Keys;
using Portal.Domain.Licensing;
using Portal.Domain.Members;
using Portal.Domain.Organizations;
using Portal.Domain.Outbox;
using Portal.Domain.Pricing;
using Portal.Tests.Fakes;

namespace Portal.Tests.Builders;

/// <summary>
/// The licensing domain on a real, migrated SQLite database with a movable clock: OfficeStatus 6.1 with its packs
/// and one commercial organization. Create one per test (it is cheap) and dispose it.
/// </summary>
public sealed class DomainFixture : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

    private TestDatabase _database = null!;
    private ServiceProvider _services = null!;

    public FakeTimeProvider Clock { get; } = new(Start);
    public RecordingKeySigner Signer { get; } = new();

    /// <summary>The invitation emails the domain sent (they go by the account emails' path, not the outbox).</summary>
    public RecordingInvitationEmails InvitationEmails { get; } = new();

    public Product OfficeStatus { get; private set; } = null!;
    public Organization Contoso { get; private set; } = null!;

    public static Actor Customer { get; } = Actor.Person("customer-1", "ana@contoso.example", Roles.Customer);
    /// <summary><see cref="Customer"/> acting as a member of the organization, an owner unless <paramref name="roles"/> says otherwise.</summary>
    public static Actor CustomerIn(Guid organizationId, MemberRoles roles = MemberRoles.Owner) => Customer.In(organizationId, roles);

    public static Actor Support { get; } = Actor.Person("support-1", "sam@keymetric.example", Roles.Support);
    public static Actor Sales { get; } = Actor.Person("sales-1", "sue@keymetric.example", Roles.Sales);
    public static Actor Admin { get; } = Actor.Person("admin-1", "ada@keymetric.example", Roles.Admin);

    /// <summary>An amount in US dollars, the currency of OfficeStatus.</summary>
    public static Money Usd(long minor) => new(minor, "USD");

    /// <param name="configure">Adds to the services, e.g. an EF <see cref="IInterceptor"/> that every context then uses.</param>
    public static async Task<DomainFixture> CreateAsync(Action<IServiceCollection>? configure = null)
    {
        var fixture = new DomainFixture();
        fixture._database = await TestDatabase.CreateAsync();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(fixture.Clock);
        services.AddSingleton<ILicenseKeySigner>(fixture.Signer);
        services.AddSingleton<IInvitationEmailSender>(fixture.InvitationEmails);
        services.AddPortalDatabase(new DatabaseSettings { ConnectionString = fixture._database.ConnectionString }, Path.GetTempPath());
        // The real key store in Development's database mode, for the admin's keys page; services sign with the recording signer.
        services.AddSingleton<IDataProtectionProvider>(new EphemeralDataProtectionProvider());
        services.AddSingleton(provider => SigningKeyStore.InDatabase(
            provider.GetRequiredService<IDbContextFactory<PortalDbContext>>(), provider.GetRequiredService<IDataProtectionProvider>(), fixture.Clock));
        services.AddSingleton(new OutboxSettings());
        services.AddPortalDomain();
        // Identity on the same database, for the services that manage accounts.
        services.AddSingleton<IDataProtectionProvider>(new EphemeralDataProtectionProvider());
        services.AddIdentityCore<PortalUser>(options => options.User.RequireUniqueEmail = true)
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<PortalDbContext>()
            .AddDefaultTokenProviders();
        configure?.Invoke(services);
        fixture._services = services.BuildServiceProvider();

        await using var db = fixture.Db();
        fixture.OfficeStatus = CatalogSeed.OfficeStatus();
        fixture.Contoso = Organization.Register("Contoso Ltd", OrganizationKind.Commercial, "GB", "billing@contoso.example", Start);
        db.AddRange(fixture.OfficeStatus, fixture.Contoso);
        await db.SaveChangesAsync();
        return fixture;
    }

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    public PortalDbContext Db() => _database.CreateContext();

    /// <summary>A context on the same database with EF interceptors of its own (see Performance/QueryCountTests).</summary>
    public PortalDbContext Db(params IInterceptor[] interceptors) => _database.CreateContext(interceptors);

    public SeatPack Pack(int seats) => OfficeStatus.Packs.Single(p => p.Seats == seats);

    public async Task<Organization> AddOrganizationAsync(string name, OrganizationKind kind = OrganizationKind.Commercial)
    {
        await using var db = Db();
        var organization = Organization.Register(name, kind, "US", $"billing@{name.ToLowerInvariant().Replace(' ', '-')}.example", Clock.GetUtcNow());
        db.Add(organization);
        await db.SaveChangesAsync();
        return organization;
    }

    /// <summary>Issues purchased licenses as fulfilment would: in one unit of work, for the current major.</summary>
    public async Task<IReadOnlyList<License>> PurchaseAsync(Organization organization, params int[] packSizes)
    {
        await using var db = Db();
        var product = await db.Products.SingleAsync(p => p.Id == OfficeStatus.Id);
        var org = await db.Organizations.SingleAsync(o => o.Id == organization.Id);
        var orderId = Guid.NewGuid();
        var licenses = packSizes.Select(seats => Get<LicensingService>().IssuePurchased(db, org, product, seats, orderId, Actor.Stripe)).ToList();
        await db.SaveChangesAsync();
        return licenses;
    }

    /// <summary>
    /// An order of OfficeStatus for Contoso by <see cref="Customer"/>, to place (and pay) through the domain services;
    /// see <see cref="OrderBuilder"/>.
    /// </summary>
    public OrderBuilder Order() => new(_services, Contoso.Id, Customer, OfficeStatus.Id);

    /// <summary>A cart of OfficeStatus packs by their seats, with how many of each.</summary>
    public Cart Cart(params (int Seats, int Quantity)[] packs) => Carts.Of(OfficeStatus, packs, []);

    /// <summary>A cart that upgrades these licenses to the current major (R6).</summary>
    public Cart UpgradeCart(params License[] licenses) => Carts.Of(OfficeStatus, [], licenses.Select(l => l.Id));

    /// <summary>
    /// Upgrades a license to the current major as the fulfilment of an upgrade order does, in one unit of work, and
    /// returns the license that replaces it.
    /// </summary>
    public async Task<License> UpgradeAsync(License license)
    {
        await using var db = Db();
        var old = await db.Licenses.SingleAsync(l => l.Id == license.Id);
        var organization = await db.Organizations.SingleAsync(o => o.Id == old.OrganizationId);
        var product = await db.Products.Include(p => p.Packs).SingleAsync(p => p.Id == old.ProductId);
        var replacement = Get<LicensingService>().Upgrade(db, organization, old, product, Guid.NewGuid(), Actor.Stripe);
        await db.SaveChangesAsync();
        return replacement;
    }

    /// <summary>
    /// A discount application of the organization (Contoso unless given) submitted by <see cref="Customer"/> and approved
    /// by <see cref="Sales"/>: at its kind's default percent unless <paramref name="percent"/> is given, for the default
    /// validity unless <paramref name="validUntil"/> is.
    /// </summary>
    public async Task<DiscountApplication> ApprovedDiscountAsync(
        DiscountKind kind, int? percent = null, DateTimeOffset? validUntil = null, Organization? organization = null)
    {
        var discounts = Get<DiscountService>();
        var application = await discounts.SubmitAsync((organization ?? Contoso).Id, kind, $"Evidence for {kind}", [], DomainFixture.CustomerIn((organization ?? Contoso).Id));
        return await discounts.ApproveAsync(application.Id, percent, validUntil, note: null, Sales);
    }

    /// <summary>Publishes a new release of OfficeStatus, as an admin would in the catalog.</summary>
    public async Task ReleaseAsync(int major, int minor)
    {
        await using var db = Db();
        var product = await db.Products.SingleAsync(p => p.Id == OfficeStatus.Id);
        product.Release(major, minor);
        await db.SaveChangesAsync();
        OfficeStatus = await db.Products.AsNoTracking().Include(p => p.Packs).SingleAsync(p => p.Id == product.Id);
    }

    public async Task<int> CapacityAsync(Organization organization, int major)
    {
        await using var db = Db();
        return await LicensingService.SeatCapacityAsync(db, organization.Id, OfficeStatus.Id, major);
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await _database.DisposeAsync();
    }
}
