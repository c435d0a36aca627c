using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FlowWeb.Core.Storage.Migrations
{
    /// <inheritdoc />
    public partial class SFlowCounterHistoryAndToplistOwners : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "OwnerA",
                table: "ToplistEntries",
                type: "TEXT",
                maxLength: 300,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "OwnerB",
                table: "ToplistEntries",
                type: "TEXT",
                maxLength: 300,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "SFlowCounterMinutes",
                columns: table => new
                {
                    Agent = table.Column<string>(type: "TEXT", maxLength: 45, nullable: false),
                    SubAgent = table.Column<long>(type: "INTEGER", nullable: false),
                    IfIndex = table.Column<long>(type: "INTEGER", nullable: false),
                    MinuteStart = table.Column<long>(type: "INTEGER", nullable: false),
                    IfSpeed = table.Column<long>(type: "INTEGER", nullable: false),
                    InOctets = table.Column<long>(type: "INTEGER", nullable: false),
                    OutOctets = table.Column<long>(type: "INTEGER", nullable: false),
                    InErrors = table.Column<long>(type: "INTEGER", nullable: false),
                    OutErrors = table.Column<long>(type: "INTEGER", nullable: false),
                    InDiscards = table.Column<long>(type: "INTEGER", nullable: false),
                    OutDiscards = table.Column<long>(type: "INTEGER", nullable: false),
                    CoveredMs = table.Column<long>(type: "INTEGER", nullable: false),
                    Intervals = table.Column<long>(type: "INTEGER", nullable: false),
                    Discontinuities = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SFlowCounterMinutes", x => new { x.Agent, x.SubAgent, x.IfIndex, x.MinuteStart });
                });

            migrationBuilder.CreateIndex(
                name: "IX_SFlowCounterMinutes_MinuteStart",
                table: "SFlowCounterMinutes",
                column: "MinuteStart");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "SFlowCounterMinutes");

            migrationBuilder.DropColumn(
                name: "OwnerA",
                table: "ToplistEntries");

            migrationBuilder.DropColumn(
                name: "OwnerB",
                table: "ToplistEntries");
        }
    }
}
