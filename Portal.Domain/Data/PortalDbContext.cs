using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Portal.Domain.Accounts;
using Portal.Domain.Catalog;
using Portal.Domain.Discounts;
using Portal.Domain.Evaluations;
using Portal.Domain.History;
using Portal.Domain.Keys;
using Portal.Domain.Licensing;
using Portal.Domain.Members;
using Portal.Domain.Ordering;
using Portal.Domain.Organizations;
using Portal.Domain.Outbox;
using Portal.Domain.Quotes;
using Portal.Domain.Usage;

namespace Portal.Domain.Data;

/// <summary>
/// Identity and the licensing domain in one model. Each database provider has a subclass that owns its migrations
/// (<see cref="SqlitePortalDbContext"/>, <see cref="SqlServerPortalDbContext"/>); code depends on this base type.
/// </summary>
public abstract class PortalDbContext(DbContextOptions options)
    : IdentityDbContext<PortalUser, IdentityRole, string, IdentityUserClaim<string>, IdentityUserRole<string>,
        IdentityUserLogin<string>, IdentityRoleClaim<string>, IdentityUserToken<string>, IdentityUserPasskey<string>>(options),
        IDataProtectionKeyContext
{
    public DbSet<Organization> Organizations => Set<Organization>();
    public DbSet<Membership> Memberships => Set<Membership>();
    public DbSet<Invitation> Invitations => Set<Invitation>();
    public DbSet<Product> Products => Set<Product>();
    public DbSet<SeatPack> SeatPacks => Set<SeatPack>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();
    public DbSet<License> Licenses => Set<License>();
    public DbSet<Evaluation> Evaluations => Set<Evaluation>();
    public DbSet<DiscountApplication> DiscountApplications => Set<DiscountApplication>();
    public DbSet<DiscountDefaults> DiscountDefaults => Set<DiscountDefaults>();
    public DbSet<Order> Orders => Set<Order>();
    public DbSet<ProcessedPaymentEvent> ProcessedPaymentEvents => Set<ProcessedPaymentEvent>();
    public DbSet<SigningKey> SigningKeys => Set<SigningKey>();
    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();
    public DbSet<OutboxAttachment> OutboxAttachments => Set<OutboxAttachment>();
    public DbSet<Quote> Quotes => Set<Quote>();
    public DbSet<QuoteTerms> QuoteTerms => Set<QuoteTerms>();
    public DbSet<DocumentSequence> DocumentSequences => Set<DocumentSequence>();
    public DbSet<Installation> Installations => Set<Installation>();
    public DbSet<InstalledKey> InstalledKeys => Set<InstalledKey>();
    public DbSet<UsageDay> UsageDays => Set<UsageDay>();
    public DbSet<UsageReport> UsageReports => Set<UsageReport>();
    public DbSet<InstallationToken> InstallationTokens => Set<InstallationToken>();

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        RefuseAuditChanges();
        foreach (var organizationId in OrganizationsWithChangedLicenses())
            Organizations.Find(organizationId)?.LicensesChanged();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        RefuseAuditChanges();
        foreach (var organizationId in OrganizationsWithChangedLicenses())
            (await Organizations.FindAsync([organizationId], cancellationToken))?.LicensesChanged();
        return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    // Every save that adds, changes or removes a license gives its organization a new revision in the same transaction,
    // so that counts kept for a revision can never outlive the licenses they counted (LicenseCounts). Entries detects
    // changes first, so a license changed through its methods is seen.
    private List<Guid> OrganizationsWithChangedLicenses() =>
        ChangeTracker.Entries<License>()
            .Where(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted)
            .Select(e => e.Entity.OrganizationId)
            .Distinct()
            .ToList();

    private void RefuseAuditChanges()
    {
        if (ChangeTracker.Entries<AuditEvent>().Any(e => e.State is EntityState.Modified or EntityState.Deleted))
            throw new InvalidOperationException("Audit events are append-only: they cannot be changed or deleted.");
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(PortalDbContext).Assembly);

        // Domain entities create their own Guid v7 ids; EF must not take a new child with an id for an existing row.
        foreach (var key in builder.Model.GetEntityTypes()
                     .Where(entity => entity.ClrType.Namespace?.StartsWith("Portal.Domain", StringComparison.Ordinal) == true)
                     .SelectMany(entity => entity.FindPrimaryKey()?.Properties ?? [])
                     .Where(property => property.ClrType == typeof(Guid)))
        {
            key.ValueGenerated = ValueGenerated.Never;
        }
    }
}
