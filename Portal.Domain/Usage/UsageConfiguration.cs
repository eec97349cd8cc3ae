using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Domain.Catalog;
using Portal.Domain.Organizations;

namespace Portal.Domain.Usage;

internal sealed class InstallationConfiguration : IEntityTypeConfiguration<Installation>
{
    public void Configure(EntityTypeBuilder<Installation> installation)
    {
        installation.HasKey(i => i.Id);
        // An installation belongs to one organization: its id is unique across all of them.
        installation.HasIndex(i => i.ReportedId).IsUnique();
        installation.HasIndex(i => new { i.OrganizationId, i.LastReportedAt });
        installation.HasOne<Organization>().WithMany().HasForeignKey(i => i.OrganizationId).OnDelete(DeleteBehavior.Restrict);
        installation.HasOne<Product>().WithMany().HasForeignKey(i => i.ProductId).OnDelete(DeleteBehavior.Restrict);
        installation.Property(i => i.Name).HasMaxLength(Installation.NameMaxLength);
        installation.Property(i => i.Version).IsConcurrencyToken();
        installation.Ignore(i => i.VersionText);
        installation.HasMany(i => i.Keys).WithOne().HasForeignKey(k => k.InstallationId).OnDelete(DeleteBehavior.Cascade);
        installation.Navigation(i => i.Keys).HasField("_keys").UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class InstalledKeyConfiguration : IEntityTypeConfiguration<InstalledKey>
{
    public void Configure(EntityTypeBuilder<InstalledKey> key)
    {
        key.HasKey(k => new { k.InstallationId, k.KeyId });
        key.HasIndex(k => k.KeyId);
    }
}

internal sealed class UsageDayConfiguration : IEntityTypeConfiguration<UsageDay>
{
    public void Configure(EntityTypeBuilder<UsageDay> day)
    {
        day.HasKey(d => new { d.InstallationId, d.Day });
        day.HasOne<Installation>().WithMany().HasForeignKey(d => d.InstallationId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class UsageReportConfiguration : IEntityTypeConfiguration<UsageReport>
{
    public void Configure(EntityTypeBuilder<UsageReport> report)
    {
        report.HasKey(r => r.Id);
        report.HasIndex(r => new { r.InstallationId, r.ReceivedAt });
        report.HasOne<Installation>().WithMany().HasForeignKey(r => r.InstallationId).OnDelete(DeleteBehavior.Cascade);
        report.HasOne<Organization>().WithMany().HasForeignKey(r => r.OrganizationId).OnDelete(DeleteBehavior.Restrict);
        report.Property(r => r.Source).HasConversion<string>().HasMaxLength(10);
        report.Property(r => r.ReceivedBy).HasMaxLength(300);
        report.Ignore(r => r.VersionText);
    }
}

internal sealed class InstallationTokenConfiguration : IEntityTypeConfiguration<InstallationToken>
{
    public void Configure(EntityTypeBuilder<InstallationToken> token)
    {
        token.HasKey(t => t.Id);
        token.Property(t => t.Hash).HasMaxLength(32);
        token.HasIndex(t => t.Hash).IsUnique();
        token.HasIndex(t => t.OrganizationId);
        token.HasOne<Organization>().WithMany().HasForeignKey(t => t.OrganizationId).OnDelete(DeleteBehavior.Restrict);
        token.HasOne<Installation>().WithMany().HasForeignKey(t => t.InstallationId).OnDelete(DeleteBehavior.SetNull);
        token.Property(t => t.Name).HasMaxLength(InstallationToken.NameMaxLength);
        token.Property(t => t.Hint).HasMaxLength(4);
        token.Property(t => t.CreatedBy).HasMaxLength(300);
        token.Property(t => t.RevokedBy).HasMaxLength(300);
        token.Ignore(t => t.IsRevoked);
        token.Ignore(t => t.Display);
    }
}
