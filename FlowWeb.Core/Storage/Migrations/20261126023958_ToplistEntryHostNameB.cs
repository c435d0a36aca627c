using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FlowWeb.Core.Storage.Migrations
{
    /// <inheritdoc />
    public partial class ToplistEntryHostNameB : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "HostNameB",
                table: "ToplistEntries",
                type: "TEXT",
                maxLength: 255,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "HostNameB",
                table: "ToplistEntries");
        }
    }
}
