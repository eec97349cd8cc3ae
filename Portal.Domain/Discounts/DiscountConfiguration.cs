using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Domain.Organizations;

namespace Portal.Domain.Discounts;

internal sealed class DiscountApplicationConfiguration : IEntityTypeConfiguration<DiscountApplication>
{
    public void Configure(EntityTypeBuilder<DiscountApplication> application)
    {
        application.HasKey(a => a.Id);
        application.HasOne<Organization>().WithMany().HasForeignKey(a => a.OrganizationId).OnDelete(DeleteBehavior.Restrict);
        application.Property(a => a.Kind).HasConversion<string>().HasMaxLength(20);
        application.Property(a => a.Status).HasConversion<string>().HasMaxLength(20);
        application.Property(a => a.Evidence).HasMaxLength(DiscountApplication.MaxEvidenceLength);
        application.Property(a => a.Note).HasMaxLength(DiscountApplication.MaxNoteLength);
        application.Property(a => a.AppliedByUserId).HasMaxLength(450);
        application.Property(a => a.DecidedByUserId).HasMaxLength(450);
        application.Property(a => a.DecidedByName).HasMaxLength(256);
        application.Property(a => a.Version).IsConcurrencyToken();
        application.HasIndex(a => new { a.OrganizationId, a.Status });
        application.HasMany(a => a.Attachments).WithOne().HasForeignKey(f => f.DiscountApplicationId).OnDelete(DeleteBehavior.Cascade);
        application.Navigation(a => a.Attachments).HasField("_attachments").UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class DiscountAttachmentConfiguration : IEntityTypeConfiguration<DiscountAttachment>
{
    public void Configure(EntityTypeBuilder<DiscountAttachment> attachment)
    {
        attachment.HasKey(a => a.Id);
        attachment.Property(a => a.FileName).HasMaxLength(200);
        attachment.Property(a => a.ContentType).HasMaxLength(50);
    }
}

internal sealed class DiscountDefaultsConfiguration : IEntityTypeConfiguration<DiscountDefaults>
{
    public void Configure(EntityTypeBuilder<DiscountDefaults> defaults)
    {
        defaults.HasKey(d => d.Id);
        defaults.Property(d => d.Id).ValueGeneratedNever();
        defaults.Property(d => d.Version).IsConcurrencyToken();
        // Every environment needs the row: it ships as migration data, like the roles.
        defaults.HasData(DiscountDefaults.SeedRow);
    }
}
