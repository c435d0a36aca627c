using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Dns;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Storage.History;

namespace FlowWeb.Tests.Storage;

/// <summary>The journal's file format: what goes in comes out, and a damaged or cut file is refused whole, never half-read.</summary>
public sealed class HistoryJournalTests : IDisposable
{
    private static readonly Guid Sensor = Guid.Parse("11111111-2222-3333-4444-555555555555");
    private static readonly DateTimeOffset Day = new(2025, 3, 9, 0, 0, 0, TimeSpan.Zero);

    private readonly string _folder = Directory.CreateTempSubdirectory("flowweb-journal-").FullName;

    [Fact]
    public void Format_MinutesAndToplistWithHostNames_RoundTripExactly()
    {
        var minutes = new HistoryItem(7, [HistoryWriterTests.Row(3, Day, 1234.5, 99), HistoryWriterTests.Row(-1, Day.AddMinutes(1), 0.25, 0)], null);
        var key = new ToplistKey(FlowAddress.Parse("2001:db8::1"), FlowAddress.Parse("192.0.2.7"), 65535, 443, 6, uint.MaxValue, 7);
        var period = new ToplistPeriodResult(Day, Day.AddMinutes(15), [new ToplistRow(key, 9_000_000_000, 6, 5, 4), new ToplistRow(new ToplistKey(FlowAddress.Parse("10.0.0.1")), 1, 1, 1, 0)],
            9_000_000_001, 7, 6, Approximate: true, ErrorBound: 4, DistinctKeys: 3);
        var toplist = new HistoryItem(long.MaxValue, null, new HistoryToplist(Sensor, 4, period, [new HostNamePair("a.example", null), new HostNamePair(null, "ö.example")]));

        var readMinutes = HistoryJournalFormat.Read(HistoryJournalFormat.Write(minutes), out var p1);
        var readToplist = HistoryJournalFormat.Read(HistoryJournalFormat.Write(toplist), out var p2);

        Assert.Null(p1);
        Assert.Null(p2);
        Assert.Equal((7L, true), (readMinutes!.Sequence, readMinutes.Journaled));
        Assert.Equal(minutes.Minutes, readMinutes.Minutes);
        var t = readToplist!.Toplist!;
        Assert.Equal((long.MaxValue, Sensor, 4), (readToplist.Sequence, t.SensorId, t.ToplistId));
        Assert.Equal(period with { Rows = [] }, t.Period with { Rows = [] });
        Assert.Equal(period.Rows, t.Period.Rows);
        Assert.Equal([new HostNamePair("a.example", null), new HostNamePair(null, "ö.example")], t.HostNames);
    }

    [Fact]
    public void Format_ToplistWithRecordedOwners_RoundTripsThemAndTheirAbsence()
    {
        var period = new ToplistPeriodResult(Day, Day.AddMinutes(15),
            [new ToplistRow(new ToplistKey(FlowAddress.Parse("192.168.1.2"), FlowAddress.Parse("8.8.8.8")), 10, 1, 1, 0), new ToplistRow(new ToplistKey(FlowAddress.Parse("10.0.0.1")), 1, 1, 1, 0)],
            11, 2, 2, false, 0, 2);
        var google = new FlowWeb.Core.Enrichment.AddressOwner(15169, "GOOGLE", "US", "United States");
        HostNamePair[] names =
        [
            new("host.example", null) { OwnersRecorded = true, OwnerB = google },
            new(null, null) { OwnersRecorded = true },
        ];

        var read = HistoryJournalFormat.Read(HistoryJournalFormat.Write(new HistoryItem(3, null, new HistoryToplist(Sensor, 1, period, names))), out var problem);

        Assert.Null(problem);
        Assert.Equal(names, read!.Toplist!.HostNames);
        Assert.Equal("15169\tUS\tUnited States\tGOOGLE", FlowWeb.Core.Enrichment.AddressOwner.Store(google));
        Assert.Equal("", FlowWeb.Core.Enrichment.AddressOwner.Store(null));
        Assert.Null(FlowWeb.Core.Enrichment.AddressOwner.Parse(""));
    }

    [Fact]
    public void Format_CutShortAtEveryLengthOrOneBitFlipped_Refused()
    {
        var bytes = HistoryJournalFormat.Write(new HistoryItem(1, null, new HistoryToplist(Sensor, 1, HistoryWriterTests.Period(Day, 20), null)));

        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.Null(HistoryJournalFormat.Read(bytes.AsSpan(0, length), out var problem));
            Assert.NotNull(problem);
        }

        for (var i = 0; i < bytes.Length; i += 7)
        {
            var damaged = bytes.ToArray();
            damaged[i] ^= 0x10;
            Assert.Null(HistoryJournalFormat.Read(damaged, out _));
        }
    }

    [Fact]
    public void Journal_AppendReadDelete_TracksFilesAndBytes_AndRefusesBeyondItsLimit()
    {
        var journal = new HistoryJournal(_folder, maxBytes: 4096);
        var small = new HistoryItem(5, [HistoryWriterTests.Row(1, Day, 1, 1)], null);
        var big = new HistoryItem(6, null, new HistoryToplist(Sensor, 1, HistoryWriterTests.Period(Day, 200), null));

        Assert.True(journal.TryAppend(small, out _));
        Assert.False(journal.TryAppend(big, out var problem));

        Assert.Contains("Storage:HistoryJournalMaxBytes", problem, StringComparison.Ordinal);
        Assert.Equal([5L], journal.Sequences());
        Assert.Equal(small.Minutes, journal.Read(5, out _)!.Minutes);
        Assert.Equal(1, new HistoryJournal(_folder, 4096).Files);
        Assert.True(journal.Delete(5));
        Assert.Equal((0, 0L), (journal.Files, journal.Bytes));
        Assert.Empty(Directory.GetFiles(Path.Combine(_folder, HistoryJournal.FolderName)));
    }

    [Fact]
    public void Journal_FolderCannotBeMade_RefusesEveryItemNamingTheFolder()
    {
        // A file where the folder should be: as an unwritable data folder, the folder cannot be made.
        File.WriteAllText(Path.Combine(_folder, HistoryJournal.FolderName), "in the way");
        var journal = new HistoryJournal(_folder, maxBytes: 4096);

        Assert.False(journal.TryAppend(new HistoryItem(5, [HistoryWriterTests.Row(1, Day, 1, 1)], null), out var problem));

        Assert.Contains($"the journal folder {Path.Combine(_folder, HistoryJournal.FolderName)} cannot be used", problem, StringComparison.Ordinal);
        Assert.Equal((0, 0L), (journal.Files, journal.Bytes));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
