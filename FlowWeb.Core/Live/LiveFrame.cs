using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Sensors;

namespace FlowWeb.Core.Live;

/// <summary>A channel's current value: the mean of the last few complete seconds.</summary>
public sealed record ChannelValue(int ChannelId, string Name, string? Unit, double BitsPerSecond, double PacketsPerSecond, double FlowsPerSecond);

/// <summary>What a page shows of a sensor right now.</summary>
public sealed record SensorLiveSnapshot(
    SensorDefinition Definition,
    SensorStatus Status,
    IReadOnlyList<ChannelValue> Channels,
    DateTimeOffset? LastDataAt,
    long FlowsAccepted,
    long FlowsFiltered,
    double Bytes,
    double Packets);

/// <summary>
/// A toplist in a frame: its running period (rows as last read: every tick for a small table, every few seconds for
/// a large one) and its completed periods, newest first. <see cref="RowsRead"/> is how many rows that read asked for
/// (0: none read in this period yet), <see cref="RowsReadAt"/> when.
/// </summary>
public sealed record ToplistFrame(ToplistDefinition Definition, ToplistPeriodResult Running, int RowsRead, DateTimeOffset? RowsReadAt, IReadOnlyList<ToplistPeriodResult> Completed);

/// <summary>
/// One running sensor in a frame: state and current values, the per-second series tail (as long as anyone watching
/// asked for; a few seconds otherwise), the flow tail while watched, and the toplists.
/// </summary>
public sealed record SensorFrame(SensorLiveSnapshot Snapshot, ChannelSnapshot Series, IReadOnlyList<TailedFlow> Tail, IReadOnlyList<ToplistFrame> Toplists)
{
    public ToplistFrame? Toplist(int toplistId) => Toplists.FirstOrDefault(t => t.Definition.Id == toplistId);
}

/// <summary>One UDP port's receive thread: datagrams, those no sensor took, and the longest it waited for a lock in the last minute.</summary>
public sealed record ListenerFrame(int Port, long Datagrams, long Unrouted, TimeSpan LongestLockWait);

/// <summary>
/// Everything the collector shows, published once a second as one immutable object (<see cref="LivePublisher"/>):
/// pages, the API and <c>/metrics</c> read it and nothing else of the receive path, so that the cost of a reader
/// to the collector is the same whether one page is open or fifty.
/// </summary>
public sealed class LiveFrame
{
    private readonly Dictionary<FlowAddress, ExporterFrame> _exporters;

    public LiveFrame(long sequence, DateTimeOffset at, IReadOnlyDictionary<Guid, SensorFrame> sensors, IReadOnlyList<ExporterFrame> exporters,
        long exportersRefused, IReadOnlyDictionary<int, long> kernelDrops, IReadOnlyList<ListenerFrame> listeners, long decoderFaults)
    {
        Sequence = sequence;
        At = at;
        Sensors = sensors;
        Exporters = exporters;
        ExportersRefused = exportersRefused;
        KernelDrops = kernelDrops;
        Listeners = listeners;
        DecoderFaults = decoderFaults;
        _exporters = exporters.ToDictionary(e => e.Address);
    }

    public static LiveFrame Empty { get; } = new(0, DateTimeOffset.MinValue, new Dictionary<Guid, SensorFrame>(), [], 0, new Dictionary<int, long>(), [], 0);

    /// <summary>Counts up by one per published frame (0: nothing published yet).</summary>
    public long Sequence { get; }

    public DateTimeOffset At { get; }

    /// <summary>Running sensors by id (paused ones are not running).</summary>
    public IReadOnlyDictionary<Guid, SensorFrame> Sensors { get; }

    /// <summary>Every exporter heard from, by address.</summary>
    public IReadOnlyList<ExporterFrame> Exporters { get; }

    /// <summary>Datagrams refused because the exporter table was full (<c>Decoder:MaxExporters</c>).</summary>
    public long ExportersRefused { get; }

    /// <summary>Datagrams the kernel dropped because a socket's receive buffer was full, by port (read every few seconds).</summary>
    public IReadOnlyDictionary<int, long> KernelDrops { get; }

    public IReadOnlyList<ListenerFrame> Listeners { get; }

    /// <summary>Datagrams whose handling failed in a receive loop.</summary>
    public long DecoderFaults { get; }

    public ExporterFrame? Exporter(FlowAddress address) => _exporters.GetValueOrDefault(address);

    public SensorFrame? Sensor(Guid id) => Sensors.GetValueOrDefault(id);

    /// <summary>When any exporter last sent a datagram.</summary>
    public DateTimeOffset? LastDatagramAt => Exporters.Count == 0 ? null : Exporters.Max(e => e.LastSeen);
}
