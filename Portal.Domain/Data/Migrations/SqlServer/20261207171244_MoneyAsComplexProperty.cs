using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Domain.Data.Migrations.SqlServer
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
                type: "nchar(3)",
                fixedLength: true,
                maxLength: 3,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "DiscountTotalCurrency",
                table: "Orders",
                type: "nchar(3)",
                fixedLength: true,
                maxLength: 3,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "SubtotalCurrency",
                table: "Orders",
                type: "nchar(3)",
                fixedLength: true,
                maxLength: 3,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "TotalCurrency",
                table: "OrderLine",
                type: "nchar(3)",
                fixedLength: true,
                maxLength: 3,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "UnitDiscountCurrency",
                table: "OrderLine",
                type: "nchar(3)",
                fixedLength: true,
                maxLength: 3,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "UnitListPriceCurrency",
                table: "OrderLine",
                type: "nchar(3)",
                fixedLength: true,
                maxLength: 3,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "UnitPriceCurrency",
                table: "OrderLine",
                type: "nchar(3)",
                fixedLength: true,
                maxLength: 3,
                nullable: false,
                defaultValue: "");

            // Every amount of an order, and every pack price, was in the order's or the product's one currency. EXEC: a
            // script runs this migration as one batch, compiled before its ALTER TABLEs have added these columns.
            migrationBuilder.Sql("""
                EXEC(N'
                UPDATE [Orders] SET [SubtotalCurrency] = [Currency], [DiscountTotalCurrency] = [Currency];
                UPDATE l SET [TotalCurrency] = o.[Currency], [UnitListPriceCurrency] = o.[Currency], [UnitDiscountCurrency] = o.[Currency], [UnitPriceCurrency] = o.[Currency]
                    FROM [OrderLine] AS l INNER JOIN [Orders] AS o ON o.[Id] = l.[OrderId];
                UPDATE p SET [ListPriceCurrency] = pr.[Currency]
                    FROM [SeatPacks] AS p INNER JOIN [Products] AS pr ON pr.[Id] = p.[ProductId];
                ');
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
