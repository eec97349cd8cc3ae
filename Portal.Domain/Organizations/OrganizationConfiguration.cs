using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Domain.Organizations;

internal sealed class OrganizationConfiguration : IEntityTypeConfiguration<Organization>
{
    public void Configure(EntityTypeBuilder<Organization> organization)
    {
        organization.HasKey(o => o.Id);
        organization.Property(o => o.Name).HasMaxLength(Organization.NameMaxLength);
        organization.Property(o => o.Kind).HasConversion<string>().HasMaxLength(20);
        organization.Property(o => o.CountryCode).HasMaxLength(2).IsFixedLength();
        organization.Property(o => o.BillingEmail).HasMaxLength(Organization.EmailMaxLength);
        organization.Property(o => o.StripeCustomerId).HasMaxLength(100);
        organization.HasIndex(o => o.Name);
    }
}
