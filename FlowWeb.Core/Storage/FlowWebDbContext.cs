using FlowWeb.Core.Channels;
using FlowWeb.Core.Sensors;
using FlowWeb.Core.Storage.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Logging;

namespace FlowWeb.Core.Storage;

/// <summary>
/// The schema (owned by EF Core migrations in <c>Storage/Migrations</c>). Services use it through
/// <see cref="IDbContextFactory{TContext}"/>, one context per operation; the history write path uses plain
/// Microsoft.Data.Sqlite commands against the same tables. Accounts (ASP.NET Core Identity's users and roles) and
/// API keys live in the same file, so a backup of the data directory is a backup of everything.
/// </summary>
public sealed class FlowWebDbContext(DbContextOptions<FlowWebDbContext> options) : IdentityDbContext<IdentityUser>(options)
{
    public const string ChannelMinutesTable = "ChannelMinutes";
    public const string ChannelHoursTable = "ChannelHours";
    public const string ChannelDaysTable = "ChannelDays";
    public const string ToplistPeriodsTable = "ToplistPeriods";
    public const string ToplistEntriesTable = "ToplistEntries";
    public const string HistoryJournalTable = "HistoryJournal";
    public const string SFlowCounterMinutesTable = "SFlowCounterMinutes";

    /// <summary>Tables created WITHOUT ROWID: many small rows with a composite key, read by key range.</summary>
    public static IReadOnlySet<string> WithoutRowIdTables { get; } =
        new HashSet<string>(StringComparer.Ordinal) { ChannelMinutesTable, ChannelHoursTable, ChannelDaysTable, ToplistEntriesTable, SFlowCounterMinutesTable };

    public DbSet<Device> Devices => Set<Device>();

    public DbSet<Sensor> Sensors => Set<Sensor>();

    public DbSet<DeviceInterfaceRow> DeviceInterfaces => Set<DeviceInterfaceRow>();

    public DbSet<SensorChannelGroup> SensorChannelGroups => Set<SensorChannelGroup>();

    public DbSet<SensorToplist> SensorToplists => Set<SensorToplist>();

    public DbSet<SensorChannelLimit> SensorChannelLimits => Set<SensorChannelLimit>();

    public DbSet<ExporterSeen> ExportersSeen => Set<ExporterSeen>();

    public DbSet<DecodingTemplate> DecodingTemplates => Set<DecodingTemplate>();

    public DbSet<SamplerTableRow> SamplerTables => Set<SamplerTableRow>();

    public DbSet<HistorySensor> HistorySensors => Set<HistorySensor>();

    public DbSet<ChannelMinuteRow> ChannelMinutes => Set<ChannelMinuteRow>();

    public DbSet<ChannelHourRow> ChannelHours => Set<ChannelHourRow>();

    public DbSet<ChannelDayRow> ChannelDays => Set<ChannelDayRow>();

    public DbSet<ToplistPeriodRow> ToplistPeriods => Set<ToplistPeriodRow>();

    public DbSet<ToplistEntryRow> ToplistEntries => Set<ToplistEntryRow>();

    public DbSet<AppSetting> AppSettings => Set<AppSetting>();

    public DbSet<AlertEventRow> AlertEvents => Set<AlertEventRow>();

    public DbSet<AlarmRow> Alarms => Set<AlarmRow>();

    public DbSet<NotificationChannelRow> NotificationChannels => Set<NotificationChannelRow>();

    public DbSet<NotificationRuleRow> NotificationRules => Set<NotificationRuleRow>();

    public DbSet<NotificationDeliveryRow> NotificationDeliveries => Set<NotificationDeliveryRow>();

    public DbSet<AttackRow> Attacks => Set<AttackRow>();

    public DbSet<DeviceMitigationRow> DeviceMitigations => Set<DeviceMitigationRow>();

    public DbSet<HistoryJournalEntry> HistoryJournal => Set<HistoryJournalEntry>();

    public DbSet<ApiKeyRow> ApiKeys => Set<ApiKeyRow>();

    public DbSet<AuditEntryRow> AuditEntries => Set<AuditEntryRow>();

    public DbSet<SFlowCounterMinuteRow> SFlowCounterMinutes => Set<SFlowCounterMinuteRow>();

    /// <summary>The provider setup shared by the application, the design-time factory, tests and the benchmark.</summary>
    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder builder, string connectionString, TimeSpan busyTimeout)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseSqlite(connectionString);
        builder.ReplaceService<IMigrationsSqlGenerator, FlowWebMigrationsSqlGenerator>();
        builder.AddInterceptors(new SqlitePragmaInterceptor(busyTimeout));

        // Every query would otherwise be logged at Information.
        builder.ConfigureWarnings(w => w.Log((RelationalEventId.CommandExecuted, LogLevel.Debug)));
        return builder;
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(FlowWebDbContext).Assembly, t => t.Namespace == typeof(Device).Namespace);
    }

    // Enums as their names: readable in the file and safe when members are added or reordered.
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        configurationBuilder.Properties<ExpectedProtocol>().HaveConversion<string>().HaveMaxLength(20);
        configurationBuilder.Properties<SamplingMode>().HaveConversion<string>().HaveMaxLength(20);
        configurationBuilder.Properties<ToplistType>().HaveConversion<string>().HaveMaxLength(30);
        configurationBuilder.Properties<StandardChannelGroup>().HaveConversion<string>().HaveMaxLength(30);
        configurationBuilder.Properties<ChannelGroupMode>().HaveConversion<string>().HaveMaxLength(10);
        configurationBuilder.Properties<Alerts.Limits.LimitMetric>().HaveConversion<string>().HaveMaxLength(20);
        configurationBuilder.Properties<Alerts.AlertPhase>().HaveConversion<string>().HaveMaxLength(20);
        configurationBuilder.Properties<Alerts.AlertKind>().HaveConversion<string>().HaveMaxLength(20);
        configurationBuilder.Properties<Alerts.AlertSeverity>().HaveConversion<string>().HaveMaxLength(10);
        configurationBuilder.Properties<Notifications.NotificationChannelType>().HaveConversion<string>().HaveMaxLength(20);
        configurationBuilder.Properties<Notifications.NotificationType>().HaveConversion<string>().HaveMaxLength(20);
        configurationBuilder.Properties<Notifications.DeliveryOutcome>().HaveConversion<string>().HaveMaxLength(20);
    }
}
