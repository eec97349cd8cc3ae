using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Domain.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class GovernmentsBuyAgainstPurchaseOrders : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Public bodies buy against purchase orders as a rule: existing governmental organizations start as new ones do.
            migrationBuilder.Sql("""UPDATE "Organizations" SET "PurchaseOrderRequired" = 1 WHERE "Kind" = 'Governmental';""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The QuotesAndInvoices migration's Down drops the column, and this value with it.
        }
    }
}
