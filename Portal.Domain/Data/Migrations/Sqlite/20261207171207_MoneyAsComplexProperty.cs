using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Domain.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class MoneyAsComplexProperty : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ListPriceCurrency",
                table: "SeatPacks",
                type: "TEXT",
                fixedLength: true,
                maxLength: 3,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "DiscountTotalCurrency",
                table: "Orders",
                type: "TEXT",
                fixedLength: true,
                maxLength: 3,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "SubtotalCurrency",
                table: "Orders",
                type: "TEXT",
                fixedLength: true,
                maxLength: 3,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "TotalCurrency",
                table: "OrderLine",
                type: "TEXT",
                fixedLength: true,
                maxLength: 3,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "UnitDiscountCurrency",
                table: "OrderLine",
                type: "TEXT",
                fixedLength: true,
                maxLength: 3,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "UnitListPriceCurrency",
                table: "OrderLine",
                type: "TEXT",
                fixedLength: true,
                maxLength: 3,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "UnitPriceCurrency",
                table: "OrderLine",
                type: "TEXT",
                fixedLength: true,
                maxLength: 3,
                nullable: false,
                defaultValue: "");

            // Every amount of an order, and every pack price, was in the order's or the product's one currency.
            migrationBuilder.Sql("""
                UPDATE "Orders" SET "SubtotalCurrency" = "Currency", "DiscountTotalCurrency" = "Currency";
                UPDATE "OrderLine" SET "TotalCurrency" = (SELECT o."Currency" FROM "Orders" AS o WHERE o."Id" = "OrderLine"."OrderId");
                UPDATE "OrderLine" SET "UnitListPriceCurrency" = "TotalCurrency", "UnitDiscountCurrency" = "TotalCurrency", "UnitPriceCurrency" = "TotalCurrency";
                UPDATE "SeatPacks" SET "ListPriceCurrency" = (SELECT p."Currency" FROM "Products" AS p WHERE p."Id" = "SeatPacks"."ProductId");
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ListPriceCurrency",
                table: "SeatPacks");

            migrationBuilder.DropColumn(
                name: "DiscountTotalCurrency",
                table: "Orders");

            migrationBuilder.DropColumn(
                name: "SubtotalCurrency",
                table: "Orders");

            migrationBuilder.DropColumn(
                name: "TotalCurrency",
                table: "OrderLine");

            migrationBuilder.DropColumn(
                name: "UnitDiscountCurrency",
                table: "OrderLine");

            migrationBuilder.DropColumn(
                name: "UnitListPriceCurrency",
                table: "OrderLine");

            migrationBuilder.DropColumn(
                name: "UnitPriceCurrency",
                table: "OrderLine");
        }
    }
}
