using FlowWeb.Core.Decoding;
using FlowWeb.Core.Decoding.SFlow;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Live;
using FlowWeb.Core.Storage.History;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace FlowWeb.Tests.Storage;

/// <summary>
/// The sFlow counters recorder's caps against a real SQLite file: agents from addresses that are no sensor's sender
/// are stored up to <see cref="SFlowCounterRecorder.MaxUnconfiguredAgents"/>, interfaces up to
/// <see cref="SFlowCounterRecorder.MaxInterfacesPerAgent"/> per agent; the rest is refused and counted, never stored.
/// </summary>
public sealed class SFlowCounterRecorderTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.UtcNow;

    [Fact]
    public async Task Caps_UnconfiguredAgentsAndInterfacesPerAgent_RefusedAndCounted()
    {
        using var database = await TestDatabase.CreateAsync();
        var store = new SFlowCounterStore(database.Connections);
        var recorder = new SFlowCounterRecorder(new ServiceCollection().BuildServiceProvider(), store, TimeProvider.System, NullLogger<SFlowCounterRecorder>.Instance);

        // Ten outsiders with one interface each, and one of them with more interfaces than an agent may store.
        var exporters = Enumerable.Range(1, 10).Select(i => Exporter($"198.51.100.{i}", i == 1 ? SFlowCounterRecorder.MaxInterfacesPerAgent + 3 : 1)).ToList();
        await recorder.RecordAsync(Frame(exporters), CancellationToken.None);

        var status = recorder.Status;
        Assert.Equal(SFlowCounterRecorder.MaxUnconfiguredAgents, status.AgentsStored);
        Assert.Equal(SFlowCounterRecorder.MaxInterfacesPerAgent + SFlowCounterRecorder.MaxUnconfiguredAgents - 1, status.InterfacesStored);
        Assert.Equal(2, status.InterfacesOfRefusedAgents);
        Assert.Equal(3, status.InterfacesRefused);
        var stored = await store.InterfacesAsync([.. exporters.Select(e => e.Address.ToString())], At.AddHours(-1), At.AddHours(1));
        Assert.Equal(status.InterfacesStored, stored.Count);
        Assert.Equal(SFlowCounterRecorder.MaxUnconfiguredAgents, stored.Select(s => s.Agent).Distinct().Count());
        var first = (await store.QueryAsync("198.51.100.1", 0, 1, At.AddHours(-1), At.AddHours(1), 60)).Buckets;
        Assert.Equal((30_000L, 1_000L), (Assert.Single(first).CoveredMs, first[0].InOctets));

        // The same totals again add nothing; a further 30 s interval adds its increase to the same minute.
        await recorder.RecordAsync(Frame(exporters), CancellationToken.None);
        await recorder.RecordAsync(Frame([Exporter("198.51.100.1", 1, intervals: 2)]), CancellationToken.None);
        var again = Assert.Single((await store.QueryAsync("198.51.100.1", 0, 1, At.AddHours(-1), At.AddHours(1), 60)).Buckets);
        Assert.Equal((60_000L, 2_000L, 2L), (again.CoveredMs, again.InOctets, again.Intervals));
    }

    [Fact]
    public async Task RecordAsync_StoreFailsForTwoMinutes_EveryPassCaughtLoggedOncePerMinuteAndTheMinuteWrittenAfter()
    {
        using var database = await TestDatabase.CreateAsync();
        var store = new SFlowCounterStore(database.Connections);
        var time = new FakeTimeProvider(At);
        var log = new ListLogger();
        var recorder = new SFlowCounterRecorder(new ServiceCollection().BuildServiceProvider(), store, time, log);
        await database.ScalarAsync("ALTER TABLE SFlowCounterMinutes RENAME TO Away");

        // 25 passes 5 s apart over two minutes: logged at 0 s, 60 s and 120 s only.
        for (var pass = 0; pass <= 24; pass++)
        {
            await recorder.RecordAsync(Frame([Exporter("198.51.100.1", 1)]), CancellationToken.None);
            time.Advance(SFlowCounterRecorder.Every);
        }

        Assert.Equal(25, recorder.FailedPasses);
        Assert.Equal(3, log.Entries.Count);
        Assert.All(log.Entries, e => Assert.IsType<Microsoft.Data.Sqlite.SqliteException>(e.Exception));
        Assert.Contains("11 failed pass(es) since the last", log.Entries[1].Message, StringComparison.Ordinal);

        // A frame that cannot be read (no sensor table) is caught too, and the kept minute is written once the store is back.
        await recorder.RecordAsync(new LiveFrame(2, At, null!, [Exporter("198.51.100.1", 1)], 0, new Dictionary<int, long>(), [], 0), CancellationToken.None);
        Assert.Equal(26, recorder.FailedPasses);
        await database.ScalarAsync("ALTER TABLE Away RENAME TO SFlowCounterMinutes");
        await recorder.RecordAsync(Frame([Exporter("198.51.100.1", 1)]), CancellationToken.None);
        var stored = Assert.Single((await store.QueryAsync("198.51.100.1", 0, 1, At.AddHours(-1), At.AddHours(1), 60)).Buckets);
        Assert.Equal((30_000L, 1_000L, 1L), (stored.CoveredMs, stored.InOctets, recorder.Status.RowsWritten));
    }

    private sealed class ListLogger : ILogger<SFlowCounterRecorder>
    {
        public List<(string Message, Exception? Exception)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((formatter(state, exception), exception));
    }

    private static ExporterFrame Exporter(string address, int interfaces, int intervals = 1)
    {
        var agent = FlowAddress.Parse(address);
        var readings = Enumerable.Range(1, interfaces).Select(i => new SFlowInterfaceReading(agent, 0, (uint)i, 1_000_000_000, true, true, 0, 0, 0, 0, 0, 0, At,
            null, null, null, null, null, null, null)
        {
            Totals = new SFlowCounterTotals(1_000UL * (ulong)intervals, 0, 0, 0, 0, 0, 30_000UL * (ulong)intervals, intervals, 0),
        }).ToList();
        return new ExporterFrame(agent, SFlowDatagram.Version, 1, 0, 0, 0, 0, 0, 0, 0, 0, new Dictionary<DecodeStatus, long>(), 0, 0, 0, 0, 0, 0, 0, At, At, readings);
    }

    private static LiveFrame Frame(IReadOnlyList<ExporterFrame> exporters) =>
        new(1, At, new Dictionary<Guid, SensorFrame>(), exporters, 0, new Dictionary<int, long>(), [], 0);
}
