using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Domain.Catalog;
using Portal.Domain.Organizations;

namespace Portal.Domain.Ordering;

internal sealed class OrderConfiguration : IEntityTypeConfiguration<Order>
{
    public void Configure(EntityTypeBuilder<Order> order)
    {
        order.HasKey(o => o.Id);
        order.HasOne<Organization>().WithMany().HasForeignKey(o => o.OrganizationId).OnDelete(DeleteBehavior.Restrict);
        order.HasOne<Product>().WithMany().HasForeignKey(o => o.ProductId).OnDelete(DeleteBehavior.Restrict);
        order.Property(o => o.PlacedByUserId).HasMaxLength(450);
        order.Property(o => o.PlacedByEmail).HasMaxLength(256);
        // The total keeps the order's original Currency column; each other amount has a currency column of its own (decision 0013).
        order.ComplexProperty(o => o.Total, total => total.Columns("Total", "Currency"));
        order.ComplexProperty(o => o.Subtotal, subtotal => subtotal.Columns("Subtotal", "SubtotalCurrency"));
        order.ComplexProperty(o => o.DiscountTotal, discount => discount.Columns("DiscountTotal", "DiscountTotalCurrency"));
        order.Property(o => o.DiscountDescription).HasMaxLength(300);
        order.Property(o => o.Status).HasConversion<string>().HasMaxLength(20);
        order.Property(o => o.StatusReason).HasMaxLength(500);
        order.Property(o => o.CheckoutSessionId).HasMaxLength(255);
        order.Property(o => o.PaymentIntentId).HasMaxLength(255);
        order.Property(o => o.ReceiptUrl).HasMaxLength(1000);
        order.Property(o => o.PaymentMethod).HasConversion<string>().HasMaxLength(20).HasDefaultValue(PaymentMethod.Checkout).HasSentinel(PaymentMethod.Checkout);
        order.HasOne<Quotes.Quote>().WithMany().HasForeignKey(o => o.QuoteId).OnDelete(DeleteBehavior.Restrict);
        order.Property(o => o.PurchaseOrderNumber).HasMaxLength(Quotes.Quote.PurchaseOrderNumberMaxLength);
        order.Property(o => o.InvoiceId).HasMaxLength(255);
        order.Property(o => o.InvoiceNumber).HasMaxLength(100);
        order.Property(o => o.InvoiceStatus).HasConversion<string>().HasMaxLength(20);
        order.Property(o => o.InvoiceUrl).HasMaxLength(1000);
        order.Property(o => o.InvoicePdfUrl).HasMaxLength(1000);
        order.HasIndex(o => o.InvoiceId);
        order.Property(o => o.Version).IsConcurrencyToken();
        order.HasIndex(o => new { o.OrganizationId, o.PlacedAt });
        order.HasIndex(o => o.CheckoutSessionId);
        order.HasIndex(o => o.PaymentIntentId);
        order.HasMany(o => o.Lines).WithOne().HasForeignKey(l => l.OrderId).OnDelete(DeleteBehavior.Cascade);
        order.Navigation(o => o.Lines).HasField("_lines").UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class OrderLineConfiguration : IEntityTypeConfiguration<OrderLine>
{
    public void Configure(EntityTypeBuilder<OrderLine> line)
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

internal sealed class ProcessedPaymentEventConfiguration : IEntityTypeConfiguration<ProcessedPaymentEvent>
{
    public void Configure(EntityTypeBuilder<ProcessedPaymentEvent> processed)
    {
        processed.HasKey(e => e.Id);
        processed.Property(e => e.Id).HasMaxLength(255);
        processed.Property(e => e.Type).HasMaxLength(100);
    }
}
