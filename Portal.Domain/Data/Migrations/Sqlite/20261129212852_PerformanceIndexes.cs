using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Domain.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PerformanceIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Licenses_OrganizationId_ProductId_Major_Status",
                table: "Licenses");

            migrationBuilder.CreateIndex(
                name: "IX_Licenses_OrganizationId_IssuedAt",
                table: "Licenses",
                columns: new[] { "OrganizationId", "IssuedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Licenses_OrganizationId_Status_ProductId_Major_Seats",
                table: "Licenses",
                columns: new[] { "OrganizationId", "Status", "ProductId", "Major", "Seats" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Licenses_OrganizationId_IssuedAt",
                table: "Licenses");

            migrationBuilder.DropIndex(
                name: "IX_Licenses_OrganizationId_Status_ProductId_Major_Seats",
                table: "Licenses");

            migrationBuilder.CreateIndex(
                name: "IX_Licenses_OrganizationId_ProductId_Major_Status",
                table: "Licenses",
                columns: new[] { "OrganizationId", "ProductId", "Major", "Status" });
        }
    }
}
