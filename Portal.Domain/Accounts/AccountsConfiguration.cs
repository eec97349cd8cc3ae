using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Domain.Organizations;

namespace Portal.Domain.Accounts;

internal sealed class PortalUserConfiguration : IEntityTypeConfiguration<PortalUser>
{
    public void Configure(EntityTypeBuilder<PortalUser> user)
    {
        user.HasOne<Organization>().WithMany().HasForeignKey(u => u.ChosenOrganizationId).OnDelete(DeleteBehavior.SetNull);
    }
}

/// <summary>The four roles are reference data that every environment needs, so they ship with the migrations.</summary>
internal sealed class RoleSeedConfiguration : IEntityTypeConfiguration<IdentityRole>
{
    public void Configure(EntityTypeBuilder<IdentityRole> role) =>
        role.HasData(Roles.All.Select(name => new IdentityRole
        {
            Id = $"role-{name.ToLowerInvariant()}",
            Name = name,
            NormalizedName = name.ToUpperInvariant(),
            ConcurrencyStamp = $"{name.ToLowerInvariant()}-v1",
        }));
}
