using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FlowWeb.Core.Storage.Entities;

/// <summary>
/// One channel of one sensor over one bucket (minute, hour or UTC day). <see cref="BucketStart"/> is in Unix
/// seconds. Bytes, packets and flows are sums (sampling already scaled, so they may be fractional);
/// <see cref="PeakBytesPerSecond"/> is the highest one-second rate inside the bucket.
/// </summary>
public interface IChannelBucketRow
{
    long SensorKey { get; set; }

    int ChannelId { get; set; }

    long BucketStart { get; set; }

    double Bytes { get; set; }

    double Packets { get; set; }

    double Flows { get; set; }

    double PeakBytesPerSecond { get; set; }
}

public sealed class ChannelMinuteRow : IChannelBucketRow
{
    public long SensorKey { get; set; }

    public int ChannelId { get; set; }

    public long BucketStart { get; set; }

    public double Bytes { get; set; }

    public double Packets { get; set; }

    public double Flows { get; set; }

    public double PeakBytesPerSecond { get; set; }
}

public sealed class ChannelHourRow : IChannelBucketRow
{
    public long SensorKey { get; set; }

    public int ChannelId { get; set; }

    public long BucketStart { get; set; }

    public double Bytes { get; set; }

    public double Packets { get; set; }

    public double Flows { get; set; }

    public double PeakBytesPerSecond { get; set; }
}

public sealed class ChannelDayRow : IChannelBucketRow
{
    public long SensorKey { get; set; }

    public int ChannelId { get; set; }

    public long BucketStart { get; set; }

    public double Bytes { get; set; }

    public double Packets { get; set; }

    public double Flows { get; set; }

    public double PeakBytesPerSecond { get; set; }
}

/// <summary>
/// The three history tables share one layout. The primary key is (sensor, bucket, channel): pages read all
/// channels of a sensor over a time range, which is then one contiguous key range; the tables are WITHOUT ROWID
/// (see <see cref="Storage.FlowWebMigrationsSqlGenerator"/>), so rows are stored in key order with no separate index.
/// </summary>
internal abstract class ChannelBucketRowConfiguration<T> : IEntityTypeConfiguration<T>
    where T : class, IChannelBucketRow
{
    protected abstract string Table { get; }

    public void Configure(EntityTypeBuilder<T> builder)
    {
        builder.ToTable(Table);
        builder.HasKey(r => new { r.SensorKey, r.BucketStart, r.ChannelId });
    }
}

internal sealed class ChannelMinuteRowConfiguration : ChannelBucketRowConfiguration<ChannelMinuteRow>
{
    protected override string Table => FlowWebDbContext.ChannelMinutesTable;
}

internal sealed class ChannelHourRowConfiguration : ChannelBucketRowConfiguration<ChannelHourRow>
{
    protected override string Table => FlowWebDbContext.ChannelHoursTable;
}

internal sealed class ChannelDayRowConfiguration : ChannelBucketRowConfiguration<ChannelDayRow>
{
    protected override string Table => FlowWebDbContext.ChannelDaysTable;
}
