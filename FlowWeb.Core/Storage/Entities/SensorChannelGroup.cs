using FlowWeb.Core.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FlowWeb.Core.Storage.Entities;

/// <summary>One standard channel group's mode for a sensor (a group without a row is Yes).</summary>
public sealed class SensorChannelGroup
{
    public Guid SensorId { get; set; }

    public StandardChannelGroup Group { get; set; }

    public ChannelGroupMode Mode { get; set; }
}

internal sealed class SensorChannelGroupConfiguration : IEntityTypeConfiguration<SensorChannelGroup>
{
    public void Configure(EntityTypeBuilder<SensorChannelGroup> builder)
    {
        builder.ToTable("SensorChannelGroups");
        builder.HasKey(g => new { g.SensorId, g.Group });
    }
}
