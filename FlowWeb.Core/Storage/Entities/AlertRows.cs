using FlowWeb.Core.Alerts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FlowWeb.Core.Storage.Entities;

/// <summary>
/// One recorded event (the Alerts page's log). The id is given by <see cref="AlertCenter"/> in raising order; times
/// are Unix milliseconds so that range filters are integer comparisons. Values and details are small JSON objects.
/// </summary>
public sealed class AlertEventRow
{
    public long Id { get; set; }

    public long AtMs { get; set; }

    public AlertPhase Phase { get; set; }

    public AlertKind Kind { get; set; }

    public AlertSeverity Severity { get; set; }

    public string Source { get; set; } = "";

    public string Key { get; set; } = "";

    public string Subject { get; set; } = "";

    public string Message { get; set; } = "";

    public Guid? SensorId { get; set; }

    public Guid? DeviceId { get; set; }

    public string ValuesJson { get; set; } = "{}";

    public string DetailsJson { get; set; } = "{}";
}

/// <summary>An active alarm (deleted when it clears: the log keeps its history).</summary>
public sealed class AlarmRow
{
    public string Key { get; set; } = "";

    public AlertKind Kind { get; set; }

    public AlertSeverity Severity { get; set; }

    public string Source { get; set; } = "";

    public string Subject { get; set; } = "";

    public string Message { get; set; } = "";

    public Guid? SensorId { get; set; }

    public Guid? DeviceId { get; set; }

    public long StartedAtMs { get; set; }

    public long UpdatedAtMs { get; set; }

    public string ValuesJson { get; set; } = "{}";

    public string DetailsJson { get; set; } = "{}";

    public long? AcknowledgedAtMs { get; set; }

    public string? AcknowledgedBy { get; set; }

    public string? AcknowledgeComment { get; set; }
}

internal sealed class AlertEventRowConfiguration : IEntityTypeConfiguration<AlertEventRow>
{
    public void Configure(EntityTypeBuilder<AlertEventRow> builder)
    {
        builder.ToTable("AlertEvents");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.Property(e => e.Source).HasMaxLength(50);
        builder.Property(e => e.Key).HasMaxLength(AlertSignal.MaxKeyLength);
        builder.Property(e => e.Subject).HasMaxLength(AlertSignal.MaxSubjectLength);
        builder.Property(e => e.Message).HasMaxLength(AlertSignal.MaxMessageLength);

        // The log is read newest first, by time, optionally by sensor or device.
        builder.HasIndex(e => e.AtMs);
        builder.HasIndex(e => new { e.SensorId, e.AtMs });
        builder.HasIndex(e => new { e.DeviceId, e.AtMs });
    }
}

internal sealed class AlarmRowConfiguration : IEntityTypeConfiguration<AlarmRow>
{
    public void Configure(EntityTypeBuilder<AlarmRow> builder)
    {
        builder.ToTable("Alarms");
        builder.HasKey(a => a.Key);
        builder.Property(a => a.Key).HasMaxLength(AlertSignal.MaxKeyLength);
        builder.Property(a => a.Source).HasMaxLength(50);
        builder.Property(a => a.Subject).HasMaxLength(AlertSignal.MaxSubjectLength);
        builder.Property(a => a.Message).HasMaxLength(AlertSignal.MaxMessageLength);
        builder.Property(a => a.AcknowledgedBy).HasMaxLength(100);
        builder.Property(a => a.AcknowledgeComment).HasMaxLength(1000);
    }
}
