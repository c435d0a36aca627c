using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FlowWeb.Core.Storage.Entities;

/// <summary>A device (exporter) as stored; see <see cref="Sensors.DeviceDefinition"/>.</summary>
public sealed class Device
{
    public Guid Id { get; set; }

    public string Name { get; set; } = "";

    public string Address { get; set; } = "";

    public string Notes { get; set; } = "";
}

internal sealed class DeviceConfiguration : IEntityTypeConfiguration<Device>
{
    public void Configure(EntityTypeBuilder<Device> builder)
    {
        builder.ToTable("Devices");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.Name).HasMaxLength(200);
        builder.Property(d => d.Address).HasMaxLength(100);
    }
}
