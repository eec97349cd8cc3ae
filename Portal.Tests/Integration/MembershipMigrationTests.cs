using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Portal.Domain.Data;
using Portal.Domain.Members;
using Portal.Tests.Builders;

namespace Portal.Tests.Integration;

/// <summary>
/// The migration Memberships on data of the shape before it, when a person belonged to exactly one organization through
/// AspNetUsers.OrganizationId and could do everything in it.
/// </summary>
public sealed class MembershipMigrationTests
{
    [Fact]
    public async Task Memberships_makes_everyone_who_belonged_to_an_organization_its_owner_working_in_it_and_staff_no_member()
    {
        await using var database = await TestDatabase.CreateAsync(upToMigration: "MoneyAsComplexProperty");
        var (contoso, ana, bob, staff) = (Guid.NewGuid(), "user-ana", "user-bob", "user-sam");
        await using (var old = database.CreateContext())
        {
            await old.Database.ExecuteSqlAsync($"""
                INSERT INTO "Organizations" ("Id", "Name", "Kind", "CountryCode", "BillingEmail", "CreatedAt")
                VALUES ({OldId(contoso)}, 'Contoso', 'Commercial', 'DE', 'billing@contoso.example', {OldDate(DomainFixture.Start)})
                """);
            await InsertOldUserAsync(old, ana, "ana@contoso.example");
            await InsertOldUserAsync(old, bob, "bob@contoso.example");
            await InsertOldUserAsync(old, staff, "sam@keymetric.example");
            await old.Database.ExecuteSqlAsync($"""
                UPDATE "AspNetUsers" SET "OrganizationId" = {OldId(contoso)} WHERE "Id" IN ({ana}, {bob})
                """);
            await old.Database.ExecuteSqlAsync($"""
                INSERT INTO "AspNetUserRoles" ("UserId", "RoleId") SELECT {staff}, "Id" FROM "AspNetRoles" WHERE "Name" = 'Support'
                """);
        }

        await using (var db = database.CreateContext())
            await db.GetService<IMigrator>().MigrateAsync();

        await using var read = database.CreateContext();
        var memberships = await read.Memberships.AsNoTracking().OrderBy(m => m.UserId).ToListAsync();
        Assert.Equal([(contoso, ana, MemberRoles.Owner), (contoso, bob, MemberRoles.Owner)],
            memberships.Select(m => (m.OrganizationId, m.UserId, m.Roles)));
        Assert.All(memberships, m => Assert.Equal(DomainFixture.Start, m.JoinedAt));
        Assert.Equal(2, memberships.Select(m => m.Id).Distinct().Count());
        var chosen = await read.Users.AsNoTracking().OrderBy(u => u.Id).Select(u => new { u.Id, u.ChosenOrganizationId }).ToListAsync();
        Assert.Equal([(ana, (Guid?)contoso), (bob, contoso), (staff, null)], chosen.Select(u => (u.Id, u.ChosenOrganizationId)));
        Assert.Equal(contoso, (await MembershipQueries.CurrentAsync(read, ana, contoso))?.OrganizationId);
    }

    // Rows as EF Core's SQLite provider wrote them before the migration: ids as upper-case text, dates converted.
    private static string OldId(Guid id) => id.ToString().ToUpperInvariant();

    private static long OldDate(DateTimeOffset value) => (long)new DateTimeOffsetToBinaryConverter().ConvertToProvider(value)!;

    private static Task InsertOldUserAsync(PortalDbContext db, string id, string email) =>
        db.Database.ExecuteSqlAsync($"""
            INSERT INTO "AspNetUsers" ("Id", "UserName", "NormalizedUserName", "Email", "NormalizedEmail", "EmailConfirmed",
                "SecurityStamp", "ConcurrencyStamp", "PhoneNumberConfirmed", "TwoFactorEnabled", "LockoutEnabled", "AccessFailedCount")
            VALUES ({id}, {email}, {email.ToUpperInvariant()}, {email}, {email.ToUpperInvariant()}, 1,
                {Guid.NewGuid().ToString()}, {Guid.NewGuid().ToString()}, 0, 0, 1, 0)
            """);
}
