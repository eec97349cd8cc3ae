using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Domain.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class AdminCatalogAndSigningKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Existing products and evaluations get the terms that configuration (Evaluations:*) defaulted to before.
            migrationBuilder.AddColumn<Guid>(
                name: "Version",
                table: "SigningKeys",
                type: "uniqueidentifier",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            migrationBuilder.AddColumn<int>(
                name: "EvaluationDays",
                table: "Products",
                type: "int",
                nullable: false,
                defaultValue: 30);

            migrationBuilder.AddColumn<int>(
                name: "EvaluationSeats",
                table: "Products",
                type: "int",
                nullable: false,
                defaultValue: 250);

            migrationBuilder.AddColumn<int>(
                name: "MaxEvaluationDays",
                table: "Products",
                type: "int",
                nullable: false,
                defaultValue: 90);

            migrationBuilder.AddColumn<int>(
                name: "MaxExtensionDays",
                table: "Products",
                type: "int",
                nullable: false,
                defaultValue: 30);

            migrationBuilder.AddColumn<Guid>(
                name: "Version",
                table: "Products",
                type: "uniqueidentifier",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));

            migrationBuilder.AddColumn<int>(
                name: "Seats",
                table: "Evaluations",
                type: "int",
                nullable: false,
                defaultValue: 250);

            migrationBuilder.CreateTable(
                name: "DiscountDefaults",
                columns: table => new
                {
                    Id = table.Column<int>(type: "int", nullable: false),
                    NonprofitPercent = table.Column<int>(type: "int", nullable: false),
                    EducationalPercent = table.Column<int>(type: "int", nullable: false),
                    GovernmentalPercent = table.Column<int>(type: "int", nullable: false),
                    CrossGradePercent = table.Column<int>(type: "int", nullable: false),
                    ValidityDays = table.Column<int>(type: "int", nullable: false),
                    Version = table.Column<Guid>(type: "uniqueidentifier", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DiscountDefaults", x => x.Id);
                });

            migrationBuilder.InsertData(
                table: "DiscountDefaults",
                columns: new[] { "Id", "CrossGradePercent", "EducationalPercent", "GovernmentalPercent", "NonprofitPercent", "ValidityDays", "Version" },
                values: new object[] { 1, 25, 40, 20, 40, 365, new Guid("0197a3c1-5d00-7000-8000-000000000001") });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DiscountDefaults");

            migrationBuilder.DropColumn(
                name: "Version",
                table: "SigningKeys");

            migrationBuilder.DropColumn(
                name: "EvaluationDays",
                table: "Products");

            migrationBuilder.DropColumn(
                name: "EvaluationSeats",
                table: "Products");

            migrationBuilder.DropColumn(
                name: "MaxEvaluationDays",
                table: "Products");

            migrationBuilder.DropColumn(
                name: "MaxExtensionDays",
                table: "Products");

            migrationBuilder.DropColumn(
                name: "Version",
                table: "Products");

            migrationBuilder.DropColumn(
                name: "Seats",
                table: "Evaluations");
        }
    }
}
