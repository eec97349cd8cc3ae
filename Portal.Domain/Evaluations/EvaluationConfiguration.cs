using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Domain.Catalog;
using Portal.Domain.Organizations;

namespace Portal.Domain.Evaluations;

internal sealed class EvaluationConfiguration : IEntityTypeConfiguration<Evaluation>
{
    public void Configure(EntityTypeBuilder<Evaluation> evaluation)
    {
        evaluation.HasKey(e => e.Id);
        evaluation.HasOne<Organization>().WithMany().HasForeignKey(e => e.OrganizationId).OnDelete(DeleteBehavior.Restrict);
        evaluation.HasOne<Product>().WithMany().HasForeignKey(e => e.ProductId).OnDelete(DeleteBehavior.Restrict);
        // R9: one evaluation per organization, product and major, also under concurrent starts.
        evaluation.HasIndex(e => new { e.OrganizationId, e.ProductId, e.Major }).IsUnique();
        evaluation.Property(e => e.Key).HasMaxLength(4000);
        evaluation.HasMany(e => e.Requests).WithOne().HasForeignKey(r => r.EvaluationId).OnDelete(DeleteBehavior.Cascade);
        evaluation.Navigation(e => e.Requests).HasField("_requests").UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class ExtensionRequestConfiguration : IEntityTypeConfiguration<ExtensionRequest>
{
    public void Configure(EntityTypeBuilder<ExtensionRequest> request)
    {
        request.HasKey(r => r.Id);
        request.Property(r => r.Reason).HasMaxLength(ExtensionRequest.MaxTextLength);
        request.Property(r => r.Note).HasMaxLength(ExtensionRequest.MaxTextLength);
        request.Property(r => r.RequestedByUserId).HasMaxLength(450);
        request.Property(r => r.DecidedByUserId).HasMaxLength(450);
        request.Property(r => r.DecidedByName).HasMaxLength(256);
        request.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
        request.Property(r => r.Version).IsConcurrencyToken();
        request.HasIndex(r => new { r.Status, r.RequestedAt });
    }
}
