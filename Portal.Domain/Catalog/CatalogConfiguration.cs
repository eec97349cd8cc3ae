using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Domain.Catalog;

internal sealed class ProductConfiguration : IEntityTypeConfiguration<Product>
{
    public void Configure(EntityTypeBuilder<Product> product)
    {
        product.HasKey(p => p.Id);
        product.Property(p => p.Code).HasMaxLength(50);
        product.HasIndex(p => p.Code).IsUnique();
        product.Property(p => p.Name).HasMaxLength(100);
        product.Property(p => p.Currency).HasMaxLength(3).IsFixedLength();
        product.Ignore(p => p.CurrentVersion);
        product.Property(p => p.Version).IsConcurrencyToken();
        product.ComplexProperty(p => p.Evaluation, terms =>
        {
            terms.Property(t => t.EvaluationDays).HasColumnName("EvaluationDays");
            terms.Property(t => t.Seats).HasColumnName("EvaluationSeats");
            terms.Property(t => t.MaxExtensionDays).HasColumnName("MaxExtensionDays");
            terms.Property(t => t.MaxEvaluationDays).HasColumnName("MaxEvaluationDays");
        });
        product.HasMany(p => p.Packs).WithOne().HasForeignKey(pack => pack.ProductId).OnDelete(DeleteBehavior.Cascade);
        product.Navigation(p => p.Packs).HasField("_packs").UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class SeatPackConfiguration : IEntityTypeConfiguration<SeatPack>
{
    public void Configure(EntityTypeBuilder<SeatPack> pack)
    {
        pack.HasKey(p => p.Id);
        pack.HasIndex(p => new { p.ProductId, p.Seats }).IsUnique();
        pack.ComplexProperty(p => p.ListPrice, price => price.Columns("ListPriceMinor", "ListPriceCurrency"));
    }
}
