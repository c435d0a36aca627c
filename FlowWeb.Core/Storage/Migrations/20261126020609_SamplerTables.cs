using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FlowWeb.Core.Storage.Migrations
{
    /// <inheritdoc />
    public partial class SamplerTables : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "SamplerTables",
                columns: table => new
                {
                    ExporterAddress = table.Column<byte[]>(type: "BLOB", maxLength: 16, nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    Domain = table.Column<long>(type: "INTEGER", nullable: false),
                    DomainRate = table.Column<long>(type: "INTEGER", nullable: false),
                    Samplers = table.Column<byte[]>(type: "BLOB", nullable: false),
                    LearnedAtMs = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SamplerTables", x => new { x.ExporterAddress, x.Version, x.Domain });
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "SamplerTables");
        }
    }
}
