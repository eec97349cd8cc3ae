using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Domain.Catalog;
using Portal.Domain.Organizations;

namespace Portal.Domain.Licensing;

internal sealed class LicenseConfiguration : IEntityTypeConfiguration<License>
{
    public void Configure(EntityTypeBuilder<License> license)
    {
        license.HasKey(l => l.Id);
        license.HasOne<Organization>().WithMany().HasForeignKey(l => l.OrganizationId).OnDelete(DeleteBehavior.Restrict);
        license.HasOne<Product>().WithMany().HasForeignKey(l => l.ProductId).OnDelete(DeleteBehavior.Restrict);
        license.Property(l => l.Source).HasConversion<string>().HasMaxLength(20);
        license.Property(l => l.Status).HasConversion<string>().HasMaxLength(20);
        license.Property(l => l.RevocationReason).HasMaxLength(500);
        license.Property(l => l.Key).HasMaxLength(4000);
        license.HasIndex(l => new { l.OrganizationId, l.ProductId, l.Major, l.Status });
        license.HasIndex(l => l.OrderId);
    }
}
