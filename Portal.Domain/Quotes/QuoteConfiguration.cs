using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Domain.Catalog;
using Portal.Domain.Organizations;

namespace Portal.Domain.Quotes;

internal sealed class QuoteConfiguration : IEntityTypeConfiguration<Quote>
{
    public void Configure(EntityTypeBuilder<Quote> quote)
    {
        quote.HasKey(q => q.Id);
        quote.Property(q => q.Number).HasMaxLength(20);
        quote.HasIndex(q => q.Number).IsUnique();
        quote.HasIndex(q => q.Sequence).IsUnique();
        quote.HasOne<Organization>().WithMany().HasForeignKey(q => q.OrganizationId).OnDelete(DeleteBehavior.Restrict);
        quote.HasOne<Product>().WithMany().HasForeignKey(q => q.ProductId).OnDelete(DeleteBehavior.Restrict);
        quote.Property(q => q.ProductName).HasMaxLength(200);
        quote.Property(q => q.Currency).HasMaxLength(3).IsFixedLength();
        quote.ComplexProperty(q => q.Subtotal, subtotal => subtotal.Columns("Subtotal", "SubtotalCurrency"));
        quote.ComplexProperty(q => q.DiscountTotal, discount => discount.Columns("DiscountTotal", "DiscountTotalCurrency"));
        quote.ComplexProperty(q => q.Total, total => total.Columns("Total", "TotalCurrency"));
        quote.Property(q => q.DiscountKind).HasConversion<string>().HasMaxLength(20);
        quote.Property(q => q.DiscountReason).HasMaxLength(300);
        quote.Property(q => q.SpecialPriceReason).HasMaxLength(Quote.SpecialPriceReasonMaxLength);
        quote.Ignore(q => q.DiscountDescription);
        quote.Property(q => q.OrganizationName).HasMaxLength(Organization.NameMaxLength);
        quote.Property(q => q.BillingEmail).HasMaxLength(Organization.EmailMaxLength);
        quote.Property(q => q.CountryCode).HasMaxLength(2).IsFixedLength();
        quote.ComplexProperty(q => q.BillingAddress, address =>
        {
            address.Property(a => a.Line1).HasColumnName("BillingAddressLine1").HasMaxLength(PostalAddress.LineMaxLength);
            address.Property(a => a.Line2).HasColumnName("BillingAddressLine2").HasMaxLength(PostalAddress.LineMaxLength);
            address.Property(a => a.PostalCode).HasColumnName("BillingPostalCode").HasMaxLength(PostalAddress.PartMaxLength);
            address.Property(a => a.City).HasColumnName("BillingCity").HasMaxLength(PostalAddress.PartMaxLength);
            address.Property(a => a.Region).HasColumnName("BillingRegion").HasMaxLength(PostalAddress.PartMaxLength);
        });
        quote.Property<string?>("_taxIdType").HasColumnName("TaxIdType").HasMaxLength(20);
        quote.Property<string?>("_taxIdValue").HasColumnName("TaxIdValue").HasMaxLength(TaxId.ValueMaxLength);
        quote.Ignore(q => q.TaxId);
        quote.Property(q => q.CreatedByUserId).HasMaxLength(450);
        quote.Property(q => q.CreatedByEmail).HasMaxLength(256);
        quote.Property(q => q.Status).HasConversion<string>().HasMaxLength(20);
        quote.Property(q => q.AcceptedByUserId).HasMaxLength(450);
        quote.Property(q => q.PurchaseOrderNumber).HasMaxLength(Quote.PurchaseOrderNumberMaxLength);
        quote.Property(q => q.PaymentMethod).HasConversion<string>().HasMaxLength(20);
        quote.Property(q => q.Version).IsConcurrencyToken();
        quote.HasIndex(q => new { q.OrganizationId, q.CreatedAt });
        quote.HasIndex(q => new { q.Status, q.ValidUntil });
        quote.HasMany(q => q.Lines).WithOne().HasForeignKey(l => l.QuoteId).OnDelete(DeleteBehavior.Cascade);
        quote.Navigation(q => q.Lines).HasField("_lines").UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class QuoteLineConfiguration : IEntityTypeConfiguration<QuoteLine>
{
    public void Configure(EntityTypeBuilder<QuoteLine> line)
    {
        line.HasKey(l => l.Id);
        line.Property(l => l.Kind).HasConversion<string>().HasMaxLength(20);
        line.Property(l => l.Description).HasMaxLength(300);
        line.ComplexProperty(l => l.UnitListPrice, price => price.Columns("UnitListPrice", "UnitListPriceCurrency"));
        line.ComplexProperty(l => l.UnitDiscount, discount => discount.Columns("UnitDiscount", "UnitDiscountCurrency"));
        line.ComplexProperty(l => l.UnitPrice, price => price.Columns("UnitPrice", "UnitPriceCurrency"));
        line.ComplexProperty(l => l.Total, total => total.Columns("Total", "TotalCurrency"));
    }
}

internal sealed class QuoteTermsConfiguration : IEntityTypeConfiguration<QuoteTerms>
{
    public void Configure(EntityTypeBuilder<QuoteTerms> terms)
    {
        terms.HasKey(t => t.Id);
        terms.Property(t => t.Id).ValueGeneratedNever();
        terms.Property(t => t.Version).IsConcurrencyToken();
        terms.HasData(QuoteTerms.SeedRow);
    }
}

internal sealed class DocumentSequenceConfiguration : IEntityTypeConfiguration<DocumentSequence>
{
    public void Configure(EntityTypeBuilder<DocumentSequence> sequence)
    {
        sequence.HasKey(s => s.Name);
        sequence.Property(s => s.Name).HasMaxLength(20);
        sequence.HasData(new { Name = DocumentSequence.Quotes, Last = 0L });
    }
}
