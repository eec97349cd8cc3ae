using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Domain.Accounts;
using Portal.Domain.Catalog;
using Portal.Domain.Discounts;
using Portal.Domain.Evaluations;
using Portal.Domain.History;
using Portal.Domain.Keys;
using Portal.Domain.Licensing;
using Portal.Domain.Members;
using Portal.Domain.Organizations;
using Portal.Domain.Outbox;
using Portal.Domain.Usage;

namespace Portal.Domain.Data;

/// <summary>
/// Demo data for Development, so every page has something real to show: the catalog, the demo accounts, and
/// organizations holding 5.x and 6.x licenses, an evaluation with a pending extension request, a pending discount
/// application of each kind, and an installation of Contoso's that has outgrown its seats. It is made through the
/// domain services (keys signed, history written), with a clock set back to when each thing happened. Never used
/// outside Development.
/// </summary>
public static class DevelopmentData
{
    public const string DemoPassword = "Portal-Demo-2026!";
    public const string CustomerEmail = "customer@contoso.example";

    /// <summary>Contoso's finance person: a Billing member, who buys but does not handle keys.</summary>
    public const string FinanceEmail = "finance@contoso.example";

    /// <summary>A consultant: a Technical member of Contoso and the owner of Northwind Traders' account.</summary>
    public const string ConsultantEmail = "consultant@adatum.example";

    public const string ConsultantOrganizationName = "Northwind Traders";
    /// <summary>The procurement officer of a government body that buys on quotes and purchase orders, its discount approved.</summary>
    public const string ProcurementEmail = "procurement@riverside.example";

    public const string GovernmentOrganizationName = "Riverside County";
    public const string SalesEmail = "sales@keymetric.example";
    public const string SupportEmail = "support@keymetric.example";
    public const string AdminEmail = "admin@keymetric.example";
    public const string DemoOrganizationName = "Contoso Facilities Ltd";

    /// <summary>The id Contoso's head-office server writes in its usage reports.</summary>
    public static readonly Guid DemoInstallationId = Guid.Parse("6d0c2f5e-8b1a-4c3d-9e7f-1a2b3c4d5e6f");

    /// <summary>A key id Portal never issued, left installed on Contoso's server (copied from a test system), so that a key is flagged.</summary>
    public static readonly Guid DemoUnknownKeyId = Guid.Parse("0badc0de-0000-4000-8000-00000000c0de");

    /// <summary>
    /// The authenticator key (base32) of the demo staff accounts, which have two-factor authentication on like all
    /// staff. Add it to an authenticator app (or compute the code with any TOTP tool) to sign in as demo staff. Public
    /// on purpose, and never used outside Development.
    /// </summary>
    public const string DemoAuthenticatorKey = "PORTALDEMOSTAFFKEYFORDEVELOPMENT";

    private static readonly Actor DemoData = new(null, "Demo data", new HashSet<string> { Roles.Admin, Roles.Sales, Roles.Support });

    /// <summary>Adds what is missing; returns whether anything was added.</summary>
    public static async Task<bool> SeedAsync(IServiceProvider services)
    {
        var db = services.GetRequiredService<PortalDbContext>();
        var users = services.GetRequiredService<UserManager<PortalUser>>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var added = false;

        var contoso = await db.Organizations.SingleOrDefaultAsync(o => o.Name == DemoOrganizationName);
        if (contoso is null)
        {
            contoso = Organization.Register(DemoOrganizationName, OrganizationKind.Commercial, "GB", CustomerEmail, now.AddDays(-800));
            db.Organizations.Add(contoso);
            await db.SaveChangesAsync();
            added = true;
        }

        if (!await db.Products.AnyAsync())
        {
            await SeedLicensingWorldAsync(services, contoso, now);
            added = true;
        }

        if (await users.FindByEmailAsync(CustomerEmail) is null)
        {
            await CreateUserAsync(db, users, CustomerEmail, Roles.Customer, contoso, now);
            added = true;
        }
        if (await users.FindByEmailAsync(FinanceEmail) is null)
        {
            await CreateMemberAsync(db, users, FinanceEmail, [(contoso.Id, MemberRoles.Billing)], now);
            added = true;
        }
        if (await users.FindByEmailAsync(ConsultantEmail) is null
            && await db.Organizations.SingleOrDefaultAsync(o => o.Name == ConsultantOrganizationName) is { } northwind)
        {
            await CreateMemberAsync(db, users, ConsultantEmail, [(contoso.Id, MemberRoles.Technical), (northwind.Id, MemberRoles.Owner)], now);
            added = true;
        }
        if (await users.FindByEmailAsync(ProcurementEmail) is null
            && await db.Organizations.SingleOrDefaultAsync(o => o.Name == GovernmentOrganizationName) is { } riverside)
        {
            await CreateMemberAsync(db, users, ProcurementEmail, [(riverside.Id, MemberRoles.Owner)], now);
            added = true;
        }
        if (!await db.Installations.AnyAsync(i => i.ReportedId == DemoInstallationId)
            && await users.FindByEmailAsync(ConsultantEmail) is { } consultant)
        {
            await SeedInstallationAsync(services, contoso, consultant, now);
            added = true;
        }
        foreach (var (email, role) in new[] { (SalesEmail, Roles.Sales), (SupportEmail, Roles.Support), (AdminEmail, Roles.Admin) })
        {
            var staff = await users.FindByEmailAsync(email);
            if (staff is null)
            {
                staff = await CreateUserAsync(db, users, email, role, organization: null, now);
                added = true;
            }
            // Also for demo staff made before staff needed two-factor authentication.
            if (!staff.TwoFactorEnabled)
            {
                await UseDemoAuthenticatorAsync(services, users, staff);
                added = true;
            }
        }
        return added;
    }

    private static async Task UseDemoAuthenticatorAsync(IServiceProvider services, UserManager<PortalUser> users, PortalUser staff)
    {
        var keys = (IUserAuthenticatorKeyStore<PortalUser>)services.GetRequiredService<IUserStore<PortalUser>>();
        await keys.SetAuthenticatorKeyAsync(staff, DemoAuthenticatorKey, CancellationToken.None);
        Check(await users.SetTwoFactorEnabledAsync(staff, true), staff.Email!);
    }

    /// <summary>OfficeStatus was at 5.4 when Contoso and Northwind first bought; 6.1 is current.</summary>
    private static async Task SeedLicensingWorldAsync(IServiceProvider services, Organization contoso, DateTimeOffset now)
    {
        var clock = new SeedClock(now.AddDays(-700));
        var factory = services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var audit = new AuditLog(clock);
        var licensing = new LicensingService(services.GetRequiredService<ILicenseKeySigner>(), audit, clock);
        var evaluations = new EvaluationService(factory, services.GetRequiredService<ILicenseKeySigner>(), audit,
            services.GetRequiredService<EmailOutbox>(), clock);
        var discounts = new DiscountService(factory, audit, services.GetRequiredService<EmailOutbox>(), clock);

        await using var db = await factory.CreateDbContextAsync();
        var product = CatalogSeed.OfficeStatusAt(5, 4);
        var northwind = Organization.Register(ConsultantOrganizationName, OrganizationKind.Commercial, "DE", "licensing@northwind.example", clock.GetUtcNow());
        var fabrikam = Organization.Register("Fabrikam Foundation", OrganizationKind.Nonprofit, "NL", "office@fabrikam.example", now.AddDays(-40));
        var woodgrove = Organization.Register("Woodgrove School District", OrganizationKind.Educational, "US", "it@woodgrove.example", now.AddDays(-30));
        var springfield = Organization.Register("City of Springfield", OrganizationKind.Governmental, "US", "procurement@springfield.example", now.AddDays(-20));
        // A county that buys on quotes and purchase orders (required for governmental organizations), its address and tax ID on file.
        var riverside = Organization.Register(GovernmentOrganizationName, OrganizationKind.Governmental, "US", ProcurementEmail, now.AddDays(-60));
        riverside.ChangeBillingDetails(PostalAddress.Create("4080 Lemon Street", "Procurement Office, 2nd floor", "92501", "Riverside", "CA"),
            TaxId.Create("us_ein", "95-6000930"));
        db.AddRange(product, northwind, fabrikam, woodgrove, springfield, riverside);
        db.Attach(contoso);

        // 5.x purchases, two years ago.
        licensing.IssuePurchased(db, contoso, product, 10, Guid.NewGuid(), DemoData);
        licensing.IssuePurchased(db, northwind, product, 50, Guid.NewGuid(), DemoData);
        await db.SaveChangesAsync();

        // 6.1 ships; Contoso buys 6.x seats some months ago.
        clock.Now = now.AddDays(-300);
        product.Release(6, 1);
        audit.Record(db, DemoData, "catalog.changed", nameof(Product), product.Id, null, "OfficeStatus 6.1 released (was 5.4).", visibleToCustomer: false);
        clock.Now = now.AddDays(-120);
        var order = Guid.NewGuid();
        licensing.IssuePurchased(db, contoso, product, 25, order, DemoData);
        licensing.IssuePurchased(db, contoso, product, 10, order, DemoData);
        await db.SaveChangesAsync();

        // Fabrikam evaluates 6.x and asks for more time; every kind of discount waits for sales.
        clock.Now = now.AddDays(-25);
        var evaluation = await evaluations.StartAsync(fabrikam.Id, product.Id, DemoData.In(fabrikam.Id, MemberRoles.Owner));
        clock.Now = now.AddDays(-2);
        await evaluations.RequestExtensionAsync(fabrikam.Id, evaluation.Id, 21, "Our board decides on the purchase at the end of next month.", DemoData.In(fabrikam.Id, MemberRoles.Owner));
        await discounts.SubmitAsync(fabrikam.Id, DiscountKind.Nonprofit, "Registered charity in the Netherlands, RSIN 8123.45.678.", [], DemoData.In(fabrikam.Id, MemberRoles.Owner));
        await discounts.SubmitAsync(woodgrove.Id, DiscountKind.Educational, "Public school district serving 14 schools; accreditation letter available on request.", [], DemoData.In(woodgrove.Id, MemberRoles.Owner));
        await discounts.SubmitAsync(springfield.Id, DiscountKind.Governmental, "Municipal government; purchase order to follow from the procurement office.", [], DemoData.In(springfield.Id, MemberRoles.Owner));
        var countyDiscount = await discounts.SubmitAsync(riverside.Id, DiscountKind.Governmental,
            "County government; we buy against purchase orders and pay invoices by bank transfer.", [], DemoData.In(riverside.Id, MemberRoles.Owner));
        await discounts.ApproveAsync(countyDiscount.Id, percent: null, validUntil: null, "Verified on the county's website.", DemoData);
        await discounts.SubmitAsync(northwind.Id, DiscountKind.CrossGrade, "Moving 50 users from a competing presence system; current licence invoice attached on request.", [], DemoData.In(northwind.Id, MemberRoles.Owner));
    }

    /// <summary>How many days ago Contoso's 6.1 server went live, after its 6.x seats were bought.</summary>
    private const int InstalledDaysAgo = 110;

    // 24 users at first, hired one by one up to 39 six days ago (past the 35 seats 26 days ago); one has left since.
    private static int EnabledUsersOn(int daysAgo) => daysAgo < 6 ? 38 : 24 + (InstalledDaysAgo - daysAgo) * 15 / (InstalledDaysAgo - 6);

    /// <summary>
    /// Contoso's head-office server on 6.1 with both 6.x keys (35 seats) and a key Portal never issued. Its users grew
    /// past the seats; it is over by 3 today, with a peak of 39. The consultant, Contoso's Technical member, uploaded a
    /// report every four weeks through <see cref="UsageService"/>, each with the daily maxima of the 90 days before it
    /// (fewer while the server was younger).
    /// </summary>
    private static async Task SeedInstallationAsync(IServiceProvider services, Organization contoso, PortalUser consultant, DateTimeOffset now)
    {
        var clock = new SeedClock(now);
        var factory = services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var usage = new UsageService(factory, new AuditLog(clock), clock);
        var uploader = Actor.Person(consultant.Id, ConsultantEmail, Roles.Customer).In(contoso.Id, MemberRoles.Technical);

        await using var db = await factory.CreateDbContextAsync();
        var product = await db.Products.AsNoTracking().FirstAsync();
        var keys = await db.Licenses.AsNoTracking()
            .Where(l => l.OrganizationId == contoso.Id && l.ProductId == product.Id && l.Major == product.CurrentMajor && l.Status == LicenseStatus.Active)
            .Select(l => l.Id)
            .ToListAsync();
        keys.Add(DemoUnknownKeyId);

        foreach (var daysAgo in new[] { 84, 56, 28, 0 })
        {
            var generatedAt = now.AddDays(-daysAgo).AddHours(-2);
            clock.Now = generatedAt.AddMinutes(3);
            var reportDay = DateOnly.FromDateTime(generatedAt.UtcDateTime);
            var report = new
            {
                schemaVersion = UsageReportFormat.CurrentSchemaVersion,
                installationId = DemoInstallationId,
                installationName = "Head office server",
                product = product.Code,
                version = product.CurrentVersion,
                generatedAt,
                enabledUsers = EnabledUsersOn(daysAgo),
                dailyMaximum = Enumerable.Range(daysAgo, Math.Min(UsageService.DailyMaximumDays, InstalledDaysAgo - daysAgo + 1))
                    .Reverse()
                    .Select(day => new { date = reportDay.AddDays(daysAgo - day), enabledUsers = EnabledUsersOn(day) }),
                licenseIds = keys,
            };
            await usage.UploadAsync(contoso.Id, JsonSerializer.SerializeToUtf8Bytes(report), uploader);
        }
    }

    private static async Task<PortalUser> CreateUserAsync(
        PortalDbContext db, UserManager<PortalUser> users, string email, string role, Organization? organization, DateTimeOffset now)
    {
        var user = new PortalUser { UserName = email, Email = email, EmailConfirmed = true };
        if (organization is not null)
        {
            user.ChooseOrganization(organization.Id);
            db.Memberships.Add(Membership.Founder(organization.Id, user.Id, now));
        }
        Check(await users.CreateAsync(user, DemoPassword), email);
        Check(await users.AddToRoleAsync(user, role), email);
        return user;
    }

    /// <summary>A customer account that belongs to each organization with the roles given; it works in the first.</summary>
    private static async Task CreateMemberAsync(
        PortalDbContext db, UserManager<PortalUser> users, string email, IReadOnlyList<(Guid OrganizationId, MemberRoles Roles)> memberships, DateTimeOffset now)
    {
        var user = new PortalUser { UserName = email, Email = email, EmailConfirmed = true };
        user.ChooseOrganization(memberships[0].OrganizationId);
        foreach (var (organizationId, roles) in memberships)
        {
            var membership = Membership.Founder(organizationId, user.Id, now);
            membership.ChangeRoles(roles);
            db.Memberships.Add(membership);
        }
        Check(await users.CreateAsync(user, DemoPassword), email);
        Check(await users.AddToRoleAsync(user, Roles.Customer), email);
    }

    private static void Check(IdentityResult result, string email)
    {
        if (!result.Succeeded)
            throw new InvalidOperationException($"Could not create demo account {email}: {string.Join("; ", result.Errors.Select(e => e.Description))}");
    }

    private sealed class SeedClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
