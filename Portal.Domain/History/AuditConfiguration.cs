using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Domain.History;

internal sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> audit)
    {
        audit.HasKey(e => e.Id);
        audit.Property(e => e.ActorUserId).HasMaxLength(450);
        audit.Property(e => e.ActorName).HasMaxLength(256);
        audit.Property(e => e.Action).HasMaxLength(64);
        audit.Property(e => e.EntityType).HasMaxLength(64);
        audit.Property(e => e.EntityId).HasMaxLength(64);
        audit.Property(e => e.Summary).HasMaxLength(500);
        // Serves the license history in index order (one organization, newest id first) and covers its count.
        audit.HasIndex(e => new { e.OrganizationId, e.Id, e.VisibleToCustomer });
        audit.HasIndex(e => new { e.EntityType, e.EntityId });
    }
}
