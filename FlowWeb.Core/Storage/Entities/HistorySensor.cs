using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FlowWeb.Core.Storage.Entities;

/// <summary>
/// A small integer for each sensor that has history. History rows carry this key instead of the 16-byte id,
/// which keeps tens of millions of rows and their keys compact; a sensor declared only in configuration gets
/// one too, so history does not depend on the Sensors table.
/// </summary>
public sealed class HistorySensor
{
    public long Id { get; set; }

    public Guid SensorId { get; set; }
}

internal sealed class HistorySensorConfiguration : IEntityTypeConfiguration<HistorySensor>
{
    public void Configure(EntityTypeBuilder<HistorySensor> builder)
    {
        builder.ToTable("HistorySensors");
        builder.HasKey(s => s.Id);
        builder.HasIndex(s => s.SensorId).IsUnique();
    }
}
