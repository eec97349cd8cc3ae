using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Domain.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class MembersFromUsers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Everyone who belonged to an organization could do everything in it: they stay in it as an owner.
            migrationBuilder.Sql("""
                INSERT INTO "Memberships" ("Id", "OrganizationId", "UserId", "Roles", "JoinedAt")
                SELECT upper(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-' || hex(randomblob(2)) || '-' || hex(randomblob(2)) || '-' || hex(randomblob(6))),
                       u."ChosenOrganizationId", u."Id", 1, o."CreatedAt"
                FROM "AspNetUsers" AS u JOIN "Organizations" AS o ON o."Id" = u."ChosenOrganizationId";
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The Memberships migration's Down drops the table, and these rows with it.
        }
    }
}
