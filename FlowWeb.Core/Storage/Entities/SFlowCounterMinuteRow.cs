using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FlowWeb.Core.Storage.Entities;

/// <summary>
/// One interface of one sFlow agent over one minute (<see cref="MinuteStart"/> in Unix seconds, the minute its
/// counters samples arrived in): the counters' increases over the intervals measured in that minute
/// (<see cref="CoveredMs"/> of the agent's uptime), so a rate is an increase over <see cref="CoveredMs"/>. The agent
/// address is its text form (IPv4 or IPv6) as the datagram header gave it.
/// </summary>
public sealed class SFlowCounterMinuteRow
{
    public string Agent { get; set; } = "";

    public long SubAgent { get; set; }

    public long IfIndex { get; set; }

    public long MinuteStart { get; set; }

    /// <summary>The interface speed (bit/s) the latest sample of the minute reported; 0 = unknown.</summary>
    public long IfSpeed { get; set; }

    public long InOctets { get; set; }

    public long OutOctets { get; set; }

    public long InErrors { get; set; }

    public long OutErrors { get; set; }

    public long InDiscards { get; set; }

    public long OutDiscards { get; set; }

    public long CoveredMs { get; set; }

    /// <summary>Intervals between two usable samples that make up <see cref="CoveredMs"/>.</summary>
    public long Intervals { get; set; }

    /// <summary>Intervals not used: agent restart, counter reset, uptime gap over 15 minutes.</summary>
    public long Discontinuities { get; set; }
}

internal sealed class SFlowCounterMinuteRowConfiguration : IEntityTypeConfiguration<SFlowCounterMinuteRow>
{
    public void Configure(EntityTypeBuilder<SFlowCounterMinuteRow> builder)
    {
        builder.ToTable(FlowWebDbContext.SFlowCounterMinutesTable);
        builder.HasKey(r => new { r.Agent, r.SubAgent, r.IfIndex, r.MinuteStart });
        builder.Property(r => r.Agent).HasMaxLength(45);
        builder.HasIndex(r => r.MinuteStart);
    }
}
