using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FlowWeb.Core.Storage.Entities;

/// <summary>
/// The sampling one exporter domain announced in options data (<see cref="Decoding.SamplerTable"/>). Samplers are
/// 12 bytes each, big-endian: sampler id (8), rate (4). Times in Unix milliseconds.
/// </summary>
public sealed class SamplerTableRow
{
    public byte[] ExporterAddress { get; set; } = [];

    public int Version { get; set; }

    /// <summary>v9 source id / IPFIX observation domain (an unsigned 32-bit value).</summary>
    public long Domain { get; set; }

    /// <summary>The rate an options record without a sampler id announced (0 = none).</summary>
    public long DomainRate { get; set; }

    public byte[] Samplers { get; set; } = [];

    public long LearnedAtMs { get; set; }
}

internal sealed class SamplerTableRowConfiguration : IEntityTypeConfiguration<SamplerTableRow>
{
    public void Configure(EntityTypeBuilder<SamplerTableRow> builder)
    {
        builder.ToTable("SamplerTables");
        builder.HasKey(t => new { t.ExporterAddress, t.Version, t.Domain });
        builder.Property(t => t.ExporterAddress).HasMaxLength(16);
    }
}
