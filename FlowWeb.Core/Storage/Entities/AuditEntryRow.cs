using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FlowWeb.Core.Storage.Entities;

/// <summary>One recorded change: when, who (user, and key when through the API), what, and the settings before and after as JSON.</summary>
public sealed class AuditEntryRow
{
    public long Id { get; set; }

    /// <summary>Unix milliseconds (SQLite cannot compare DateTimeOffset columns in queries; retention deletes by time).</summary>
    public long TimeUnixMs { get; set; }

    public string Actor { get; set; } = "";

    public string Action { get; set; } = "";

    public string Subject { get; set; } = "";

    public string? Before { get; set; }

    public string? After { get; set; }
}

internal sealed class AuditEntryRowConfiguration : IEntityTypeConfiguration<AuditEntryRow>
{
    public void Configure(EntityTypeBuilder<AuditEntryRow> builder)
    {
        builder.ToTable("AuditEntries");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Actor).HasMaxLength(300);
        builder.Property(a => a.Action).HasMaxLength(50);
        builder.Property(a => a.Subject).HasMaxLength(400);
        builder.HasIndex(a => a.TimeUnixMs);
    }
}
