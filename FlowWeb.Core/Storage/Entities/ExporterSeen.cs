using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FlowWeb.Core.Storage.Entities;

/// <summary>An exporter the decoder has seen, with its counters as of the last save (times in Unix milliseconds).</summary>
public sealed class ExporterSeen
{
    /// <summary>16 bytes, IPv4 mapped into IPv6 as <see cref="Flows.FlowAddress"/> keeps it.</summary>
    public byte[] Address { get; set; } = [];

    public int Version { get; set; }

    public long FirstSeenMs { get; set; }

    public long LastSeenMs { get; set; }

    public long Datagrams { get; set; }

    public long Flows { get; set; }

    public long Octets { get; set; }

    public long Packets { get; set; }

    public long DecodeErrors { get; set; }

    public long LostFlowsEstimate { get; set; }
}

internal sealed class ExporterSeenConfiguration : IEntityTypeConfiguration<ExporterSeen>
{
    public void Configure(EntityTypeBuilder<ExporterSeen> builder)
    {
        builder.ToTable("ExportersSeen");
        builder.HasKey(e => e.Address);
        builder.Property(e => e.Address).HasMaxLength(16);
    }
}
