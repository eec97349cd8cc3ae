using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Domain.Outbox;

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> message)
    {
        message.HasKey(m => m.Id);
        // A JSON array of addresses on both providers.
        message.PrimitiveCollection(m => m.To).IsRequired();
        message.Property(m => m.Subject).HasMaxLength(OutboxMessage.SubjectMaxLength);
        message.Property(m => m.Status).HasConversion<string>().HasMaxLength(20);
        message.Property(m => m.LastError).HasMaxLength(OutboxMessage.LastErrorMaxLength);
        message.Property(m => m.DeduplicationKey).HasMaxLength(OutboxMessage.DeduplicationKeyMaxLength);
        // Unique where set (SQL Server gets a "IS NOT NULL" filter; SQLite allows several NULLs).
        message.HasIndex(m => m.DeduplicationKey).IsUnique();
        // The claim's only concurrency check: completing a message succeeds only for the claim that still holds it.
        message.Property(m => m.LockedBy).HasMaxLength(OutboxMessage.LockedByMaxLength).IsConcurrencyToken();
        message.HasIndex(m => new { m.Status, m.NextAttemptAt });
        message.HasIndex(m => m.LockedBy);
        message.HasMany(m => m.Attachments).WithOne().HasForeignKey(a => a.MessageId).OnDelete(DeleteBehavior.Cascade);
        message.Navigation(m => m.Attachments).HasField("_attachments").UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class OutboxAttachmentConfiguration : IEntityTypeConfiguration<OutboxAttachment>
{
    public void Configure(EntityTypeBuilder<OutboxAttachment> attachment)
    {
        attachment.HasKey(a => a.Id);
        attachment.Property(a => a.FileName).HasMaxLength(OutboxAttachment.FileNameMaxLength);
        attachment.Property(a => a.ContentType).HasMaxLength(OutboxAttachment.ContentTypeMaxLength);
    }
}
