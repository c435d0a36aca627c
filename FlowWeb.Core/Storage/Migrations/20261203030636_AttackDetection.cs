using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FlowWeb.Core.Storage.Migrations
{
    /// <inheritdoc />
    public partial class AttackDetection : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Detection",
                table: "Sensors",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateTable(
                name: "Attacks",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false),
                    SensorId = table.Column<Guid>(type: "TEXT", nullable: false),
                    SensorName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Victim = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Direction = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Type = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Vector = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Start = table.Column<long>(type: "INTEGER", nullable: false),
                    End = table.Column<long>(type: "INTEGER", nullable: true),
                    LastUpdate = table.Column<long>(type: "INTEGER", nullable: false),
                    PeakPacketsPerSecond = table.Column<double>(type: "REAL", nullable: false),
                    PeakBitsPerSecond = table.Column<double>(type: "REAL", nullable: false),
                    PeakFlowsPerSecond = table.Column<double>(type: "REAL", nullable: false),
                    DistinctSources = table.Column<long>(type: "INTEGER", nullable: false),
                    Report = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Attacks", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "DeviceMitigations",
                columns: table => new
                {
                    DeviceId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Automatic = table.Column<bool>(type: "INTEGER", nullable: false),
                    Url = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    Username = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    ProtectedPassword = table.Column<string>(type: "TEXT", nullable: false),
                    Action = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    ListName = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    BanMinutes = table.Column<int>(type: "INTEGER", nullable: false),
                    Whitelist = table.Column<string>(type: "TEXT", nullable: false),
                    CertificateThumbprint = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DeviceMitigations", x => x.DeviceId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Attacks_End",
                table: "Attacks",
                column: "End");

            migrationBuilder.CreateIndex(
                name: "IX_Attacks_SensorId_Start",
                table: "Attacks",
                columns: new[] { "SensorId", "Start" });

            migrationBuilder.CreateIndex(
                name: "IX_Attacks_Start",
                table: "Attacks",
                column: "Start");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Attacks");

            migrationBuilder.DropTable(
                name: "DeviceMitigations");

            migrationBuilder.DropColumn(
                name: "Detection",
                table: "Sensors");
        }
    }
}
