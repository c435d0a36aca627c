using FlowWeb.Core.Alerts.Limits;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FlowWeb.Core.Storage.Entities;

/// <summary>The limits of one channel value of a sensor (one row per channel and metric).</summary>
public sealed class SensorChannelLimit
{
    public Guid SensorId { get; set; }

    public int ChannelId { get; set; }

    public LimitMetric Metric { get; set; }

    public double? UpperError { get; set; }

    public double? UpperWarning { get; set; }

    public double? LowerWarning { get; set; }

    public double? LowerError { get; set; }

    public string UpperErrorMessage { get; set; } = "";

    public string UpperWarningMessage { get; set; } = "";

    public string LowerWarningMessage { get; set; } = "";

    public string LowerErrorMessage { get; set; } = "";

    public int HoldSeconds { get; set; }
}

internal sealed class SensorChannelLimitConfiguration : IEntityTypeConfiguration<SensorChannelLimit>
{
    public void Configure(EntityTypeBuilder<SensorChannelLimit> builder)
    {
        builder.ToTable("SensorChannelLimits");
        builder.HasKey(l => new { l.SensorId, l.ChannelId, l.Metric });
        builder.Property(l => l.UpperErrorMessage).HasMaxLength(ChannelLimit.MaxMessageLength);
        builder.Property(l => l.UpperWarningMessage).HasMaxLength(ChannelLimit.MaxMessageLength);
        builder.Property(l => l.LowerWarningMessage).HasMaxLength(ChannelLimit.MaxMessageLength);
        builder.Property(l => l.LowerErrorMessage).HasMaxLength(ChannelLimit.MaxMessageLength);
    }
}
