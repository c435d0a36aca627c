using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FlowWeb.Core.Storage.Entities;

/// <summary>
/// A closed toplist period (times in Unix seconds). <see cref="EntryCount"/> is how many rows were stored;
/// fewer than <see cref="DistinctKeys"/> means the stored list is a top N of a longer one.
/// </summary>
public sealed class ToplistPeriodRow
{
    public long Id { get; set; }

    public long SensorKey { get; set; }

    public int ToplistId { get; set; }

    public long PeriodStart { get; set; }

    public long PeriodEnd { get; set; }

    public long TotalBytes { get; set; }

    public long TotalPackets { get; set; }

    public long TotalFlows { get; set; }

    public bool Approximate { get; set; }

    public long ErrorBound { get; set; }

    public int DistinctKeys { get; set; }

    public int EntryCount { get; set; }
}

/// <summary>
/// One row of a stored toplist period. Key parts as <see cref="Aggregation.ToplistKey"/> has them; the 64-bit
/// address halves are stored as their signed reinterpretation (SQLite integers are signed).
/// <see cref="HostName"/> and <see cref="HostNameB"/> are the reverse DNS names of the A and B addresses as they
/// were known when the period closed (null when unknown, or the toplist does not resolve names).
/// </summary>
public sealed class ToplistEntryRow
{
    public long PeriodId { get; set; }

    public int Rank { get; set; }

    public long AHigh { get; set; }

    public long ALow { get; set; }

    public long BHigh { get; set; }

    public long BLow { get; set; }

    public int Port1 { get; set; }

    public int Port2 { get; set; }

    public int Protocol { get; set; }

    public long Number1 { get; set; }

    public long Number2 { get; set; }

    public long Bytes { get; set; }

    public long Packets { get; set; }

    public long Flows { get; set; }

    public long ErrorBytes { get; set; }

    /// <summary>The name of the A address.</summary>
    public string? HostName { get; set; }

    /// <summary>The name of the B address (Top Talkers' second host, Top Connections' destination).</summary>
    public string? HostNameB { get; set; }

    /// <summary>
    /// The AS and country of the A address (or of an AS or country toplist's key) as the databases said when the
    /// period closed, in <see cref="Enrichment.AddressOwner.Store"/>'s form: "" when they knew nothing, null when
    /// not recorded (no database loaded, or written before owners were stored: then they are looked up when read).
    /// </summary>
    public string? OwnerA { get; set; }

    public string? OwnerB { get; set; }
}

internal sealed class ToplistPeriodRowConfiguration : IEntityTypeConfiguration<ToplistPeriodRow>
{
    public void Configure(EntityTypeBuilder<ToplistPeriodRow> builder)
    {
        builder.ToTable(FlowWebDbContext.ToplistPeriodsTable);
        builder.HasKey(p => p.Id);

        // Not unique: a period handed over twice (part before a restart, the rest after) is kept as two rows and
        // summed when read.
        builder.HasIndex(p => new { p.SensorKey, p.ToplistId, p.PeriodStart });
        builder.HasIndex(p => p.PeriodStart);
        builder.HasMany<ToplistEntryRow>().WithOne().HasForeignKey(e => e.PeriodId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ToplistEntryRowConfiguration : IEntityTypeConfiguration<ToplistEntryRow>
{
    public void Configure(EntityTypeBuilder<ToplistEntryRow> builder)
    {
        builder.ToTable(FlowWebDbContext.ToplistEntriesTable);
        builder.HasKey(e => new { e.PeriodId, e.Rank });
        builder.Property(e => e.HostName).HasMaxLength(255);
        builder.Property(e => e.HostNameB).HasMaxLength(255);
        builder.Property(e => e.OwnerA).HasMaxLength(Enrichment.AddressOwner.MaxStoredLength);
        builder.Property(e => e.OwnerB).HasMaxLength(Enrichment.AddressOwner.MaxStoredLength);
    }
}
