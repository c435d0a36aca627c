using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FlowWeb.Core.Storage.Entities;

/// <summary>
/// The sequence number of a history journal item, inserted in the same transaction as the item's rows: an item
/// whose journal file outlived its commit (the process died before deleting it) is recognised at the next start and
/// not written twice. Rows are removed once their files are gone, so the table holds about one batch's numbers.
/// </summary>
public sealed class HistoryJournalEntry
{
    public long Sequence { get; set; }
}

internal sealed class HistoryJournalEntryConfiguration : IEntityTypeConfiguration<HistoryJournalEntry>
{
    public void Configure(EntityTypeBuilder<HistoryJournalEntry> builder)
    {
        builder.ToTable(FlowWebDbContext.HistoryJournalTable);
        builder.HasKey(e => e.Sequence);
        builder.Property(e => e.Sequence).ValueGeneratedNever();
    }
}
