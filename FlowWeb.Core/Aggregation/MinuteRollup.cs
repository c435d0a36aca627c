using FlowWeb.Core.Channels;

namespace FlowWeb.Core.Aggregation;

/// <summary>
/// A sensor's traffic per channel and minute, for history. Records are spread over their interval the same way
/// as in the live series; a minute is handed over once <c>grace</c> seconds have passed after its end, so that
/// flows still in exporters' caches can land in it. Traffic that arrives for a minute already handed over opens
/// it again and is handed over at the next close as an additional row (history adds rows up). Not thread-safe.
/// </summary>
public sealed class MinuteRollup
{
    private const int Values = 3; // bytes, packets, flows
    private readonly int _channels;
    private readonly SortedDictionary<long, double[]> _open = [];

    // The open minutes most recently booked into, by minute number modulo CacheSize: records of a busy sensor span
    // the current minute and the few before it, which are then found without a walk of the sorted tree per record.
    private const int CacheSize = 4;
    private readonly long[] _cachedMinute = new long[CacheSize];
    private readonly double[]?[] _cachedValues = new double[CacheSize][];

    // The minute booked into last, tested before any division: a busy sensor's records mostly fall in it.
    private long _lastMinute;
    private double[]? _lastValues;

    public MinuteRollup(int channels)
    {
        _channels = channels;
        ForgetCache();
    }

    public int OpenMinutes => _open.Count;

    /// <summary>Books bytes and packets spread over the seconds [start, end] and one flow in the end second.</summary>
    public void Add(int channel, long startSecond, long endSecond, double bytes, double packets) =>
        Add(channel, -1, startSecond, endSecond, bytes, packets);

    /// <summary>Books a record on the Total channel and on its own (<paramref name="channel"/>) with one split into minutes.</summary>
    public void AddWithTotal(int channel, long startSecond, long endSecond, double bytes, double packets) =>
        Add(ChannelSet.TotalIndex, channel == ChannelSet.TotalIndex ? -1 : channel, startSecond, endSecond, bytes, packets);

    private void Add(int channel, int alsoChannel, long startSecond, long endSecond, double bytes, double packets)
    {
        var seconds = endSecond - startSecond + 1;
        var endMinute = Floor(endSecond);
        double[] values;
        for (var minute = Floor(startSecond); minute < endMinute; minute += 60)
        {
            var from = Math.Max(startSecond, minute);
            var share = (double)(minute + 60 - from) / seconds;
            values = ValuesOf(minute);
            Book(values, channel, bytes * share, packets * share, 0);
            if (alsoChannel >= 0)
            {
                Book(values, alsoChannel, bytes * share, packets * share, 0);
            }
        }

        // The end minute takes the rest of the interval and the flow.
        var last = (double)(endSecond - Math.Max(startSecond, endMinute) + 1) / seconds;
        values = ValuesOf(endMinute);
        Book(values, channel, bytes * last, packets * last, 1);
        if (alsoChannel >= 0)
        {
            Book(values, alsoChannel, bytes * last, packets * last, 1);
        }
    }

    private static void Book(double[] values, int channel, double bytes, double packets, double flows)
    {
        var i = channel * Values;
        values[i] += bytes;
        values[i + 1] += packets;
        values[i + 2] += flows;
    }

    /// <summary>Hands over every open minute that ended at least <paramref name="graceSeconds"/> before <paramref name="nowSecond"/>, oldest first.</summary>
    public List<(long Minute, double[] Values)>? Close(long nowSecond, long graceSeconds)
    {
        List<(long, double[])>? closed = null;
        foreach (var (minute, values) in _open)
        {
            if (minute + 60 + graceSeconds > nowSecond)
            {
                break;
            }

            (closed ??= []).Add((minute, values));
        }

        if (closed is not null)
        {
            foreach (var (minute, _) in closed)
            {
                _open.Remove(minute);
            }

            ForgetCache();
        }

        return closed;
    }

    /// <summary>Everything still open (graceful shutdown).</summary>
    public List<(long Minute, double[] Values)> CloseAll()
    {
        var all = _open.Select(kv => (kv.Key, kv.Value)).ToList();
        _open.Clear();
        ForgetCache();
        return all;
    }

    public static double Bytes(double[] values, int channel) => values[channel * Values];

    public static double Packets(double[] values, int channel) => values[(channel * Values) + 1];

    public static double Flows(double[] values, int channel) => values[(channel * Values) + 2];

    private double[] ValuesOf(long minute)
    {
        if (minute == _lastMinute)
        {
            return _lastValues!;
        }

        var entry = (int)((ulong)(minute / 60) % CacheSize);
        if (_cachedMinute[entry] == minute)
        {
            _lastMinute = minute;
            _lastValues = _cachedValues[entry];
            return _lastValues!;
        }

        if (!_open.TryGetValue(minute, out var values))
        {
            values = new double[_channels * Values];
            _open[minute] = values;
        }

        _cachedMinute[entry] = minute;
        _cachedValues[entry] = values;
        _lastMinute = minute;
        _lastValues = values;
        return values;
    }

    private void ForgetCache()
    {
        Array.Fill(_cachedMinute, long.MinValue);
        Array.Clear(_cachedValues);
        _lastMinute = long.MinValue;
        _lastValues = null;
    }

    /// <summary>The minute of a second: the last minute booked into without a division when the second is in it.</summary>
    private long Floor(long second) =>
        (ulong)(second - _lastMinute) < 60 ? _lastMinute : second - (((second % 60) + 60) % 60);
}
