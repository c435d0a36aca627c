using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FlowWeb.Core.Storage.Migrations
{
    /// <inheritdoc />
    public partial class InitialSchema : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AppSettings",
                columns: table => new
                {
                    Key = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Value = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AppSettings", x => x.Key);
                });

            migrationBuilder.CreateTable(
                name: "ChannelDays",
                columns: table => new
                {
                    SensorKey = table.Column<long>(type: "INTEGER", nullable: false),
                    ChannelId = table.Column<int>(type: "INTEGER", nullable: false),
                    BucketStart = table.Column<long>(type: "INTEGER", nullable: false),
                    Bytes = table.Column<double>(type: "REAL", nullable: false),
                    Packets = table.Column<double>(type: "REAL", nullable: false),
                    Flows = table.Column<double>(type: "REAL", nullable: false),
                    PeakBytesPerSecond = table.Column<double>(type: "REAL", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ChannelDays", x => new { x.SensorKey, x.BucketStart, x.ChannelId });
                });

            migrationBuilder.CreateTable(
                name: "ChannelHours",
                columns: table => new
                {
                    SensorKey = table.Column<long>(type: "INTEGER", nullable: false),
                    ChannelId = table.Column<int>(type: "INTEGER", nullable: false),
                    BucketStart = table.Column<long>(type: "INTEGER", nullable: false),
                    Bytes = table.Column<double>(type: "REAL", nullable: false),
                    Packets = table.Column<double>(type: "REAL", nullable: false),
                    Flows = table.Column<double>(type: "REAL", nullable: false),
                    PeakBytesPerSecond = table.Column<double>(type: "REAL", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ChannelHours", x => new { x.SensorKey, x.BucketStart, x.ChannelId });
                });

            migrationBuilder.CreateTable(
                name: "ChannelMinutes",
                columns: table => new
                {
                    SensorKey = table.Column<long>(type: "INTEGER", nullable: false),
                    ChannelId = table.Column<int>(type: "INTEGER", nullable: false),
                    BucketStart = table.Column<long>(type: "INTEGER", nullable: false),
                    Bytes = table.Column<double>(type: "REAL", nullable: false),
                    Packets = table.Column<double>(type: "REAL", nullable: false),
                    Flows = table.Column<double>(type: "REAL", nullable: false),
                    PeakBytesPerSecond = table.Column<double>(type: "REAL", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ChannelMinutes", x => new { x.SensorKey, x.BucketStart, x.ChannelId });
                });

            migrationBuilder.CreateTable(
                name: "DecodingTemplates",
                columns: table => new
                {
                    ExporterAddress = table.Column<byte[]>(type: "BLOB", maxLength: 16, nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    Domain = table.Column<long>(type: "INTEGER", nullable: false),
                    TemplateId = table.Column<int>(type: "INTEGER", nullable: false),
                    Fields = table.Column<byte[]>(type: "BLOB", nullable: false),
                    ScopeFieldCount = table.Column<int>(type: "INTEGER", nullable: false),
                    IsOptions = table.Column<bool>(type: "INTEGER", nullable: false),
                    ScopesAreV9Types = table.Column<bool>(type: "INTEGER", nullable: false),
                    LearnedAtMs = table.Column<long>(type: "INTEGER", nullable: false),
                    RefreshedAtMs = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DecodingTemplates", x => new { x.ExporterAddress, x.Version, x.Domain, x.TemplateId });
                });

            migrationBuilder.CreateTable(
                name: "Devices",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Address = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Notes = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Devices", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ExportersSeen",
                columns: table => new
                {
                    Address = table.Column<byte[]>(type: "BLOB", maxLength: 16, nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    FirstSeenMs = table.Column<long>(type: "INTEGER", nullable: false),
                    LastSeenMs = table.Column<long>(type: "INTEGER", nullable: false),
                    Datagrams = table.Column<long>(type: "INTEGER", nullable: false),
                    Flows = table.Column<long>(type: "INTEGER", nullable: false),
                    Octets = table.Column<long>(type: "INTEGER", nullable: false),
                    Packets = table.Column<long>(type: "INTEGER", nullable: false),
                    DecodeErrors = table.Column<long>(type: "INTEGER", nullable: false),
                    LostFlowsEstimate = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ExportersSeen", x => x.Address);
                });

            migrationBuilder.CreateTable(
                name: "HistorySensors",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    SensorId = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_HistorySensors", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Sensors",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Tags = table.Column<string>(type: "TEXT", nullable: false),
                    Priority = table.Column<int>(type: "INTEGER", nullable: false),
                    DeviceId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Protocol = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Port = table.Column<int>(type: "INTEGER", nullable: false),
                    ReceiveAddresses = table.Column<string>(type: "TEXT", nullable: false),
                    SenderIp = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    ActiveFlowTimeoutMinutes = table.Column<int>(type: "INTEGER", nullable: false),
                    SamplingMode = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    SamplingRate = table.Column<int>(type: "INTEGER", nullable: false),
                    CustomChannels = table.Column<string>(type: "TEXT", nullable: false),
                    IncludeFilter = table.Column<string>(type: "TEXT", nullable: false),
                    ExcludeFilter = table.Column<string>(type: "TEXT", nullable: false),
                    Paused = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Sensors", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ToplistPeriods",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    SensorKey = table.Column<long>(type: "INTEGER", nullable: false),
                    ToplistId = table.Column<int>(type: "INTEGER", nullable: false),
                    PeriodStart = table.Column<long>(type: "INTEGER", nullable: false),
                    PeriodEnd = table.Column<long>(type: "INTEGER", nullable: false),
                    TotalBytes = table.Column<long>(type: "INTEGER", nullable: false),
                    TotalPackets = table.Column<long>(type: "INTEGER", nullable: false),
                    TotalFlows = table.Column<long>(type: "INTEGER", nullable: false),
                    Approximate = table.Column<bool>(type: "INTEGER", nullable: false),
                    ErrorBound = table.Column<long>(type: "INTEGER", nullable: false),
                    DistinctKeys = table.Column<int>(type: "INTEGER", nullable: false),
                    EntryCount = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ToplistPeriods", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SensorChannelGroups",
                columns: table => new
                {
                    SensorId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Group = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    Mode = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SensorChannelGroups", x => new { x.SensorId, x.Group });
                    table.ForeignKey(
                        name: "FK_SensorChannelGroups_Sensors_SensorId",
                        column: x => x.SensorId,
                        principalTable: "Sensors",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SensorToplists",
                columns: table => new
                {
                    SensorId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ToplistId = table.Column<int>(type: "INTEGER", nullable: false),
                    Position = table.Column<int>(type: "INTEGER", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Type = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    Fields = table.Column<string>(type: "TEXT", nullable: false),
                    PeriodMinutes = table.Column<int>(type: "INTEGER", nullable: false),
                    Count = table.Column<int>(type: "INTEGER", nullable: false),
                    ReverseDns = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SensorToplists", x => new { x.SensorId, x.ToplistId });
                    table.ForeignKey(
                        name: "FK_SensorToplists_Sensors_SensorId",
                        column: x => x.SensorId,
                        principalTable: "Sensors",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ToplistEntries",
                columns: table => new
                {
                    PeriodId = table.Column<long>(type: "INTEGER", nullable: false),
                    Rank = table.Column<int>(type: "INTEGER", nullable: false),
                    AHigh = table.Column<long>(type: "INTEGER", nullable: false),
                    ALow = table.Column<long>(type: "INTEGER", nullable: false),
                    BHigh = table.Column<long>(type: "INTEGER", nullable: false),
                    BLow = table.Column<long>(type: "INTEGER", nullable: false),
                    Port1 = table.Column<int>(type: "INTEGER", nullable: false),
                    Port2 = table.Column<int>(type: "INTEGER", nullable: false),
                    Protocol = table.Column<int>(type: "INTEGER", nullable: false),
                    Number1 = table.Column<long>(type: "INTEGER", nullable: false),
                    Number2 = table.Column<long>(type: "INTEGER", nullable: false),
                    Bytes = table.Column<long>(type: "INTEGER", nullable: false),
                    Packets = table.Column<long>(type: "INTEGER", nullable: false),
                    Flows = table.Column<long>(type: "INTEGER", nullable: false),
                    ErrorBytes = table.Column<long>(type: "INTEGER", nullable: false),
                    HostName = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ToplistEntries", x => new { x.PeriodId, x.Rank });
                    table.ForeignKey(
                        name: "FK_ToplistEntries_ToplistPeriods_PeriodId",
                        column: x => x.PeriodId,
                        principalTable: "ToplistPeriods",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_HistorySensors_SensorId",
                table: "HistorySensors",
                column: "SensorId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Sensors_DeviceId",
                table: "Sensors",
                column: "DeviceId");

            migrationBuilder.CreateIndex(
                name: "IX_ToplistPeriods_PeriodStart",
                table: "ToplistPeriods",
                column: "PeriodStart");

            migrationBuilder.CreateIndex(
                name: "IX_ToplistPeriods_SensorKey_ToplistId_PeriodStart",
                table: "ToplistPeriods",
                columns: new[] { "SensorKey", "ToplistId", "PeriodStart" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AppSettings");

            migrationBuilder.DropTable(
                name: "ChannelDays");

            migrationBuilder.DropTable(
                name: "ChannelHours");

            migrationBuilder.DropTable(
                name: "ChannelMinutes");

            migrationBuilder.DropTable(
                name: "DecodingTemplates");

            migrationBuilder.DropTable(
                name: "Devices");

            migrationBuilder.DropTable(
                name: "ExportersSeen");

            migrationBuilder.DropTable(
                name: "HistorySensors");

            migrationBuilder.DropTable(
                name: "SensorChannelGroups");

            migrationBuilder.DropTable(
                name: "SensorToplists");

            migrationBuilder.DropTable(
                name: "ToplistEntries");

            migrationBuilder.DropTable(
                name: "Sensors");

            migrationBuilder.DropTable(
                name: "ToplistPeriods");
        }
    }
}
