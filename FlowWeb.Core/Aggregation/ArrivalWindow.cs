using FlowWeb.Core.Channels;

namespace FlowWeb.Core.Aggregation;

/// <summary>
/// What a sensor shard received in each of the last seconds, by the second it arrived (not by the time span the
/// record describes): the basis of a sensor's current rate. A router reports a long flow at each active timeout,
/// with the bytes of the whole minute (or 15 s) before it, so the newest seconds of the per-second series are always
/// incomplete and read low; the bytes that arrived over the last <see cref="Seconds"/> seconds divided by that many
/// seconds are, for steady traffic, within a few percent of the true rate whatever the exporter's active timeout
/// (measured in FlowWeb.Tests/Live/CurrentRateCandidatesTests: at most 5 % off from two minutes on, for 60 s and
/// 15 s active timeouts). A fixed ring of <see cref="Ring"/> seconds per channel; not thread-safe (the shard's lock).
/// </summary>
public sealed class ArrivalWindow
{
    /// <summary>Seconds a current rate averages over.</summary>
    public const int Seconds = 60;

    private const int Ring = 64;

    private readonly double[] _bytes;
    private readonly double[] _packets;
    private readonly double[] _flows;
    private readonly long[] _stamps = new long[Ring];
    private readonly int _channels;

    public ArrivalWindow(int channels, long nowSecond)
    {
        _channels = channels;
        _bytes = new double[channels * Ring];
        _packets = new double[channels * Ring];
        _flows = new double[channels * Ring];
        Since = nowSecond;
        Array.Fill(_stamps, long.MinValue);
    }

    /// <summary>The second this window started counting (a sensor younger than a window averages over its age).</summary>
    public long Since { get; }

    /// <summary>Books a record on the Total channel and on its own (<paramref name="channel"/>).</summary>
    public void AddWithTotal(int channel, long arrivalSecond, double bytes, double packets)
    {
        Add(ChannelSet.TotalIndex, arrivalSecond, bytes, packets);
        if (channel != ChannelSet.TotalIndex)
        {
            Add(channel, arrivalSecond, bytes, packets);
        }
    }

    public void Add(int channel, long arrivalSecond, double bytes, double packets)
    {
        var slot = (int)(arrivalSecond & (Ring - 1));
        if (_stamps[slot] != arrivalSecond)
        {
            _stamps[slot] = arrivalSecond;
            Array.Clear(_bytes, slot * _channels, _channels);
            Array.Clear(_packets, slot * _channels, _channels);
            Array.Clear(_flows, slot * _channels, _channels);
        }

        var i = (slot * _channels) + channel;
        _bytes[i] += bytes;
        _packets[i] += packets;
        _flows[i]++;
    }

    /// <summary>
    /// Sums per channel of what arrived in the complete seconds before <paramref name="nowSecond"/>, at most
    /// <see cref="Seconds"/> of them (fewer while the window is younger); the seconds summed are returned with them.
    /// </summary>
    public ArrivalTotals Read(long nowSecond)
    {
        var totals = new ArrivalTotals(new double[_channels], new double[_channels], new double[_channels], 0);
        AddTo(totals, nowSecond);
        return totals with { Seconds = (int)Math.Clamp(nowSecond - Since, 1, Seconds) };
    }

    /// <summary>Adds this window's complete seconds before <paramref name="nowSecond"/> to <paramref name="totals"/> (another shard's).</summary>
    public void AddTo(ArrivalTotals totals, long nowSecond)
    {
        ArgumentNullException.ThrowIfNull(totals);
        for (var second = nowSecond - Seconds; second < nowSecond; second++)
        {
            var slot = (int)(second & (Ring - 1));
            if (_stamps[slot] != second)
            {
                continue;
            }

            for (var c = 0; c < _channels; c++)
            {
                var i = (slot * _channels) + c;
                totals.Bytes[c] += _bytes[i];
                totals.Packets[c] += _packets[i];
                totals.Flows[c] += _flows[i];
            }
        }
    }
}

/// <summary>Per channel: bytes, packets and flows that arrived over <see cref="Seconds"/> seconds.</summary>
public sealed record ArrivalTotals(double[] Bytes, double[] Packets, double[] Flows, int Seconds)
{
    public static ArrivalTotals Sum(IReadOnlyList<ArrivalTotals> shards, int channels)
    {
        ArgumentNullException.ThrowIfNull(shards);
        var sum = new ArrivalTotals(new double[channels], new double[channels], new double[channels], shards.Count == 0 ? 1 : shards.Max(s => s.Seconds));
        foreach (var s in shards)
        {
            for (var c = 0; c < channels; c++)
            {
                sum.Bytes[c] += s.Bytes[c];
                sum.Packets[c] += s.Packets[c];
                sum.Flows[c] += s.Flows[c];
            }
        }

        return sum;
    }
}
