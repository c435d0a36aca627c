using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FlowWeb.Core.Storage.Migrations
{
    /// <inheritdoc />
    public partial class SensorChannelLimits : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "SensorChannelLimits",
                columns: table => new
                {
                    SensorId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ChannelId = table.Column<int>(type: "INTEGER", nullable: false),
                    Metric = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    UpperError = table.Column<double>(type: "REAL", nullable: true),
                    UpperWarning = table.Column<double>(type: "REAL", nullable: true),
                    LowerWarning = table.Column<double>(type: "REAL", nullable: true),
                    LowerError = table.Column<double>(type: "REAL", nullable: true),
                    UpperErrorMessage = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    UpperWarningMessage = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    LowerWarningMessage = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    LowerErrorMessage = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    HoldSeconds = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SensorChannelLimits", x => new { x.SensorId, x.ChannelId, x.Metric });
                    table.ForeignKey(
                        name: "FK_SensorChannelLimits_Sensors_SensorId",
                        column: x => x.SensorId,
                        principalTable: "Sensors",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "SensorChannelLimits");
        }
    }
}
