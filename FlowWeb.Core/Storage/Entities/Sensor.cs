using FlowWeb.Core.Sensors;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FlowWeb.Core.Storage.Entities;

/// <summary>
/// A sensor's scalar settings as columns. Tags and receive addresses are small ordered string lists that are
/// never queried by element, so they are JSON array columns; channel groups and toplists are child rows.
/// </summary>
public sealed class Sensor
{
    public Guid Id { get; set; }

    public string Name { get; set; } = "";

    public List<string> Tags { get; set; } = [];

    public int Priority { get; set; }

    public Guid? DeviceId { get; set; }

    public ExpectedProtocol Protocol { get; set; }

    public int Port { get; set; }

    public List<string> ReceiveAddresses { get; set; } = [];

    public string SenderIp { get; set; } = "";

    public int ActiveFlowTimeoutMinutes { get; set; }

    public SamplingMode SamplingMode { get; set; }

    public int SamplingRate { get; set; }

    public string CustomChannels { get; set; } = "";

    public string IncludeFilter { get; set; } = "";

    public string ExcludeFilter { get; set; } = "";

    public bool Paused { get; set; }

    /// <summary>Attack detection settings as JSON (<see cref="Detection.SensorDetectionSettings"/>): read whole, never queried; empty = inherit everything.</summary>
    public string Detection { get; set; } = "";

    public List<SensorChannelGroup> ChannelGroups { get; set; } = [];

    public List<SensorToplist> Toplists { get; set; } = [];

    public List<SensorChannelLimit> Limits { get; set; } = [];
}

internal sealed class SensorConfiguration : IEntityTypeConfiguration<Sensor>
{
    public void Configure(EntityTypeBuilder<Sensor> builder)
    {
        builder.ToTable("Sensors");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Name).HasMaxLength(200);
        builder.Property(s => s.SenderIp).HasMaxLength(100);
        builder.PrimitiveCollection(s => s.Tags);
        builder.PrimitiveCollection(s => s.ReceiveAddresses);

        // No foreign key to Devices: like the in-memory store, a sensor may name a device that is saved later;
        // deleting a device clears the reference (EfSensorStore).
        builder.HasIndex(s => s.DeviceId);
        builder.HasMany(s => s.ChannelGroups).WithOne().HasForeignKey(g => g.SensorId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(s => s.Toplists).WithOne().HasForeignKey(t => t.SensorId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(s => s.Limits).WithOne().HasForeignKey(l => l.SensorId).OnDelete(DeleteBehavior.Cascade);
    }
}
