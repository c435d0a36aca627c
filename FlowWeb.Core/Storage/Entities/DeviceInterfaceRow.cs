using FlowWeb.Core.Interfaces;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FlowWeb.Core.Storage.Entities;

/// <summary>One interface of a device as stored (see <see cref="DeviceInterface"/>); deleted with its device.</summary>
public sealed class DeviceInterfaceRow
{
    public Guid DeviceId { get; set; }

    /// <summary>The SNMP ifIndex (unsigned 32-bit on the wire, stored as a 64-bit integer).</summary>
    public long IfIndex { get; set; }

    public string Name { get; set; } = "";

    public string Description { get; set; } = "";

    public long SpeedBitsPerSecond { get; set; }

    public InterfaceSource Source { get; set; }
}

internal sealed class DeviceInterfaceRowConfiguration : IEntityTypeConfiguration<DeviceInterfaceRow>
{
    public void Configure(EntityTypeBuilder<DeviceInterfaceRow> builder)
    {
        builder.ToTable("DeviceInterfaces");
        builder.HasKey(i => new { i.DeviceId, i.IfIndex });
        builder.Property(i => i.Name).HasMaxLength(InterfaceCatalog.MaxNameLength);
        builder.Property(i => i.Description).HasMaxLength(InterfaceCatalog.MaxDescriptionLength);
        builder.Property(i => i.Source).HasConversion<string>().HasMaxLength(20);
        builder.HasOne<Device>().WithMany().HasForeignKey(i => i.DeviceId).OnDelete(DeleteBehavior.Cascade);
    }
}
