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
        // Seat capacity (R2) and the dashboard's licenses per product, major and size read only this index, in its order
        // (the active ones of an organization are one range of it; Seats is included): no table lookups, no sorting.
        license.HasIndex(l => new { l.OrganizationId, l.Status, l.ProductId, l.Major, l.Seats });
        // The license grid's default order (newest first) and the latest purchase for support (R8) stop after a few rows.
        license.HasIndex(l => new { l.OrganizationId, l.IssuedAt });
        license.HasIndex(l => l.OrderId);
    }
}
