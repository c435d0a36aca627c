using FlowWeb.Core.Sensors;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FlowWeb.Core.Storage.Entities;

/// <summary>A toplist definition of a sensor; <see cref="Position"/> keeps the sensor's order.</summary>
public sealed class SensorToplist
{
    public Guid SensorId { get; set; }

    public int ToplistId { get; set; }

    public int Position { get; set; }

    public string Name { get; set; } = "";

    public ToplistType Type { get; set; }

    public List<ToplistField> Fields { get; set; } = [];

    public int PeriodMinutes { get; set; }

    public int Count { get; set; }

    public bool ReverseDns { get; set; }
}

internal sealed class SensorToplistConfiguration : IEntityTypeConfiguration<SensorToplist>
{
    public void Configure(EntityTypeBuilder<SensorToplist> builder)
    {
        builder.ToTable("SensorToplists");
        builder.HasKey(t => new { t.SensorId, t.ToplistId });
        builder.Property(t => t.Name).HasMaxLength(200);
        builder.PrimitiveCollection(t => t.Fields).ElementType().HasConversion<string>();
    }
}
