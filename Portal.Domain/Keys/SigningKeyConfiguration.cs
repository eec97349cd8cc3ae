using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Domain.Keys;

internal sealed class SigningKeyConfiguration : IEntityTypeConfiguration<SigningKey>
{
    public void Configure(EntityTypeBuilder<SigningKey> key)
    {
        key.HasKey(k => k.Id);
        key.Property(k => k.Id).HasMaxLength(SigningKey.KeyIdMaxLength);
        key.Property(k => k.Status).HasConversion<string>().HasMaxLength(20);
        key.Property(k => k.Version).IsConcurrencyToken();
        // A DER P-256 SubjectPublicKeyInfo is 91 bytes; a protected PKCS#8 key a few hundred.
        key.Property(k => k.PublicKey).HasMaxLength(512);
        key.Property(k => k.ProtectedPrivateKey).HasMaxLength(4096);
    }
}
