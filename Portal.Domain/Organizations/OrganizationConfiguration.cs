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
        organization.ComplexProperty(o => o.BillingAddress, address =>
        {
            address.Property(a => a.Line1).HasColumnName("BillingAddressLine1").HasMaxLength(PostalAddress.LineMaxLength);
            address.Property(a => a.Line2).HasColumnName("BillingAddressLine2").HasMaxLength(PostalAddress.LineMaxLength);
            address.Property(a => a.PostalCode).HasColumnName("BillingPostalCode").HasMaxLength(PostalAddress.PartMaxLength);
            address.Property(a => a.City).HasColumnName("BillingCity").HasMaxLength(PostalAddress.PartMaxLength);
            address.Property(a => a.Region).HasColumnName("BillingRegion").HasMaxLength(PostalAddress.PartMaxLength);
        });
        organization.Property<string?>("_taxIdType").HasColumnName("TaxIdType").HasMaxLength(20);
        organization.Property<string?>("_taxIdValue").HasColumnName("TaxIdValue").HasMaxLength(TaxId.ValueMaxLength);
        organization.Ignore(o => o.TaxId);
        organization.HasIndex(o => o.Name);
    }
}
