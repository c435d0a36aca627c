using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FlowWeb.Core.Storage.Entities;

/// <summary>
/// A detected attack (<see cref="Detection.AttackReport"/>): what lists filter and sort by as columns (times in Unix
/// seconds), the rest of the report (top lists, protocol mix, samples, graph, actions) as one bounded JSON document.
/// The id is the detector's, given when the attack starts.
/// </summary>
public sealed class AttackRow
{
    public long Id { get; set; }

    public Guid SensorId { get; set; }

    public string SensorName { get; set; } = "";

    public string Victim { get; set; } = "";

    public string Direction { get; set; } = "";

    public string Type { get; set; } = "";

    public string Vector { get; set; } = "";

    public long Start { get; set; }

    /// <summary>Null while the attack is ongoing.</summary>
    public long? End { get; set; }

    public long LastUpdate { get; set; }

    public double PeakPacketsPerSecond { get; set; }

    public double PeakBitsPerSecond { get; set; }

    public double PeakFlowsPerSecond { get; set; }

    public long DistinctSources { get; set; }

    public string Report { get; set; } = "";
}

internal sealed class AttackRowConfiguration : IEntityTypeConfiguration<AttackRow>
{
    public void Configure(EntityTypeBuilder<AttackRow> builder)
    {
        builder.ToTable("Attacks");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).ValueGeneratedNever();
        builder.Property(a => a.SensorName).HasMaxLength(200);
        builder.Property(a => a.Victim).HasMaxLength(64);
        builder.Property(a => a.Direction).HasMaxLength(16);
        builder.Property(a => a.Type).HasMaxLength(40);
        builder.Property(a => a.Vector).HasMaxLength(40);
        builder.HasIndex(a => a.Start);
        builder.HasIndex(a => new { a.SensorId, a.Start });
        builder.HasIndex(a => a.End);
    }
}

/// <summary>
/// A device's RouterOS REST API settings for automatic mitigation. The password is stored encrypted with ASP.NET
/// Core Data Protection (keys in the data directory); whitelist as a JSON array.
/// </summary>
public sealed class DeviceMitigationRow
{
    public Guid DeviceId { get; set; }

    public bool Automatic { get; set; }

    public string Url { get; set; } = "";

    public string Username { get; set; } = "";

    public string ProtectedPassword { get; set; } = "";

    public string Action { get; set; } = "";

    public string ListName { get; set; } = "";

    public int BanMinutes { get; set; }

    public List<string> Whitelist { get; set; } = [];

    public string CertificateThumbprint { get; set; } = "";
}

internal sealed class DeviceMitigationRowConfiguration : IEntityTypeConfiguration<DeviceMitigationRow>
{
    public void Configure(EntityTypeBuilder<DeviceMitigationRow> builder)
    {
        builder.ToTable("DeviceMitigations");
        builder.HasKey(m => m.DeviceId);
        builder.Property(m => m.Url).HasMaxLength(300);
        builder.Property(m => m.Username).HasMaxLength(100);
        builder.Property(m => m.Action).HasMaxLength(30);
        builder.Property(m => m.ListName).HasMaxLength(64);
        builder.Property(m => m.CertificateThumbprint).HasMaxLength(128);
        builder.PrimitiveCollection(m => m.Whitelist);
    }
}
