using System.Runtime.CompilerServices;
using FlowWeb.Core.Channels;

namespace FlowWeb.Core.Aggregation;

/// <summary>
/// Per-second traffic of a sensor's channels over a live window (default one hour), written by the receive loop
/// and read by pages. A record's bytes and packets are spread evenly over the seconds of its [start, end]
/// interval in O(1): the series keeps per-second <em>changes of rate</em> (a difference array) and a page's read
/// adds them up. Flows are counted in the second the record ends. Seconds older than the window are folded into
/// a base so the sums stay exact as the window slides. The ring has one slot more than the window: the next
/// second, where a record ending now puts the end of its rate. Not thread-safe: the owner locks.
/// </summary>
public sealed class ChannelSeries
{
    private readonly int _window;
    private readonly int _slots;
    private readonly int _channels;

    // Ring buffers indexed [second % window, channel]: rate changes for bytes and packets, and flow counts.
    private readonly double[] _byteRateDelta;
    private readonly double[] _packetRateDelta;
    private readonly double[] _flows;

    // Rate in force just before the oldest second of the window, per channel.
    private readonly double[] _byteRateBase;
    private readonly double[] _packetRateBase;

    private long _oldest;  // Unix second of the oldest slot in the window
    private int _oldestSlot; // its slot: Slot(_oldest)
    private long _newest;  // Unix second of the newest slot (the current second)

    public ChannelSeries(int channels, int windowSeconds, long nowSecond)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(windowSeconds, 2);
        _channels = channels;
        _window = windowSeconds;
        _slots = windowSeconds + 1;
        _byteRateDelta = new double[_slots * channels];
        _packetRateDelta = new double[_slots * channels];
        _flows = new double[_slots * channels];
        _byteRateBase = new double[channels];
        _packetRateBase = new double[channels];
        _newest = nowSecond;
        _oldest = nowSecond - windowSeconds + 1;
        _oldestSlot = Slot(_oldest);
    }

    public int Channels => _channels;

    public int WindowSeconds => _window;

    public long NewestSecond => _newest;

    public long OldestSecond => _oldest;

    /// <summary>Records whose interval ended before the window: too late for the live view (history gets them from the minute rollups).</summary>
    public long LateRecords { get; private set; }

    /// <summary>Moves the window so that it ends at <paramref name="nowSecond"/>; seconds leaving it are folded into the base.</summary>
    public void Advance(long nowSecond)
    {
        if (nowSecond <= _newest)
        {
            return;
        }

        // The seconds that leave the window are the oldest ones; after a long gap, every slot (the next second's too).
        var leaving = Math.Min(nowSecond - _newest, _slots);
        for (var s = _oldest; s < _oldest + leaving; s++)
        {
            FoldOldest(s);
        }

        _newest = nowSecond;
        _oldest = nowSecond - _window + 1;
        _oldestSlot = Slot(_oldest);
    }

    private void FoldOldest(long second)
    {
        var row = Slot(second) * _channels;
        for (var c = 0; c < _channels; c++)
        {
            _byteRateBase[c] += _byteRateDelta[row + c];
            _packetRateBase[c] += _packetRateDelta[row + c];
            _byteRateDelta[row + c] = 0;
            _packetRateDelta[row + c] = 0;
            _flows[row + c] = 0;
        }
    }

    /// <summary>
    /// Books a record on a channel: bytes and packets spread over [startSecond, endSecond] (clamped to the
    /// window; what falls before it is lost to the live view and counted), one flow at the end second.
    /// </summary>
    public void Add(int channel, long startSecond, long endSecond, double bytes, double packets) =>
        Add(channel, -1, startSecond, endSecond, bytes, packets);

    /// <summary>
    /// Books a record on the Total channel and on its own (<paramref name="channel"/>, not Total) with one computation
    /// of its seconds: the receive loop's call for every record.
    /// </summary>
    public void AddWithTotal(int channel, long startSecond, long endSecond, double bytes, double packets) =>
        Add(ChannelSet.TotalIndex, channel == ChannelSet.TotalIndex ? -1 : channel, startSecond, endSecond, bytes, packets);

    private void Add(int channel, int alsoChannel, long startSecond, long endSecond, double bytes, double packets)
    {
        if (endSecond > _newest)
        {
            endSecond = _newest;
        }

        if (startSecond > endSecond)
        {
            startSecond = endSecond;
        }

        if (endSecond < _oldest)
        {
            LateRecords++;
            return;
        }

        var seconds = endSecond - startSecond + 1;
        if (startSecond < _oldest)
        {
            // Keep only the share of the interval that lies inside the window.
            var inside = endSecond - _oldest + 1;
            bytes = bytes * inside / seconds;
            packets = packets * inside / seconds;
            seconds = inside;
            startSecond = _oldest;
        }

        var byteRate = bytes / seconds;
        var packetRate = packets / seconds;
        var startRow = WindowSlot(startSecond) * _channels;
        var afterRow = WindowSlot(endSecond + 1) * _channels;
        var endRow = WindowSlot(endSecond) * _channels;
        Book(startRow, afterRow, endRow, channel, byteRate, packetRate);
        if (alsoChannel >= 0)
        {
            Book(startRow, afterRow, endRow, alsoChannel, byteRate, packetRate);
        }
    }

    private void Book(int startRow, int afterRow, int endRow, int c, double byteRate, double packetRate)
    {
        _byteRateDelta[startRow + c] += byteRate;
        _packetRateDelta[startRow + c] += packetRate;
        _byteRateDelta[afterRow + c] -= byteRate;
        _packetRateDelta[afterRow + c] -= packetRate;
        _flows[endRow + c] += 1;
    }

    /// <summary>
    /// <see cref="Slot"/> of a second from the window's oldest to the one after its newest, without Slot's division
    /// (three per record were over a third of the series' time, by perf): the window's slots follow on from the oldest one's.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int WindowSlot(long second)
    {
        var slot = _oldestSlot + (int)(second - _oldest);
        return slot >= _slots ? slot - _slots : slot;
    }

    private int Slot(long second)
    {
        // One division (a second before 1970 only in tests' clocks gives a negative remainder, moved into range).
        var slot = (int)(second % _slots);
        return slot < 0 ? slot + _slots : slot;
    }

    /// <summary>The highest per-second byte rate of a channel within [<paramref name="fromSecond"/>, <paramref name="toSecond"/>] (0 for seconds outside the window).</summary>
    public double PeakBytesPerSecond(int channel, long fromSecond, long toSecond)
    {
        var byteRate = _byteRateBase[channel];
        var peak = 0.0;
        for (var s = _oldest; s <= Math.Min(toSecond, _newest); s++)
        {
            byteRate += _byteRateDelta[(Slot(s) * _channels) + channel];
            if (s >= fromSecond && byteRate > peak)
            {
                peak = byteRate;
            }
        }

        return peak;
    }

    /// <summary>
    /// Makes this series an exact copy of <paramref name="other"/> (same channels and window): a memory copy, so the
    /// collector's tick holds the receive thread's lock only for that long and reads the copy after letting go.
    /// </summary>
    public void CopyFrom(ChannelSeries other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other._channels != _channels || other._window != _window)
        {
            throw new ArgumentException("The series differ in channels or window.", nameof(other));
        }

        other._byteRateDelta.AsSpan().CopyTo(_byteRateDelta);
        other._packetRateDelta.AsSpan().CopyTo(_packetRateDelta);
        other._flows.AsSpan().CopyTo(_flows);
        other._byteRateBase.AsSpan().CopyTo(_byteRateBase);
        other._packetRateBase.AsSpan().CopyTo(_packetRateBase);
        _oldest = other._oldest;
        _oldestSlot = other._oldestSlot;
        _newest = other._newest;
        LateRecords = other.LateRecords;
    }

    /// <summary>Per-second bytes, packets and flows of one channel for the last <paramref name="seconds"/> seconds, oldest first.</summary>
    public void Read(int channel, int seconds, Span<double> bytes, Span<double> packets, Span<double> flows)
    {
        seconds = Math.Min(seconds, _window);
        var byteRate = _byteRateBase[channel];
        var packetRate = _packetRateBase[channel];
        var from = _newest - seconds + 1;
        var i = 0;
        for (var s = _oldest; s <= _newest; s++)
        {
            var cell = (Slot(s) * _channels) + channel;
            byteRate += _byteRateDelta[cell];
            packetRate += _packetRateDelta[cell];
            if (s >= from)
            {
                bytes[i] = Math.Max(0, byteRate);
                packets[i] = Math.Max(0, packetRate);
                flows[i] = _flows[cell];
                i++;
            }
        }
    }
}
