using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Channels;
using FlowWeb.Core.Storage.History;

namespace FlowWeb.Components.Shared;

/// <summary>
/// One channel on a history graph: its rate per bucket (bit/s, a value for every bucket, gaps as zero), the bytes of
/// every bucket in the range (the newest, still filling ones included) and the rate summary (whole samples only).
/// </summary>
public sealed record HistoryChannelView(int ChannelId, string Name, string Color, IReadOnlyList<double> BitsPerSecond, double TotalBytes, RateSummary Summary);

/// <summary>What a history graph and its statistics table show, from stored history or from the live per-second series.</summary>
public sealed record HistoryView(DateTimeOffset Start, int BucketSeconds, IReadOnlyList<HistoryChannelView> Channels)
{
    public bool HasTraffic => Channels.Any(c => c.TotalBytes > 0);

    /// <summary>
    /// Stored history as dense per-bucket rates, channels in the sensor's order (Total first) named by
    /// <paramref name="channels"/>; a channel the sensor no longer has is shown by its id.
    /// </summary>
    public static HistoryView From(ChannelHistory history, IReadOnlyList<ChannelInfo> channels)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(channels);
        var seconds = history.BucketSeconds;
        var first = HistoryBuckets.AlignDown(history.From.ToUnixTimeSeconds(), seconds);
        var count = (int)Math.Max(0, (HistoryBuckets.AlignUp(history.To.ToUnixTimeSeconds(), seconds) - first) / seconds);
        var views = new List<HistoryChannelView>();
        foreach (var (id, name, index) in Ordered(history.Channels.Select(c => c.ChannelId), channels))
        {
            var series = history.Channel(id)!;
            var bits = new double[count];
            var total = 0.0;
            foreach (var b in series.Buckets)
            {
                var i = (b.Start.ToUnixTimeSeconds() - first) / seconds;
                if (i >= 0 && i < count)
                {
                    bits[i] += b.Bytes * 8 / seconds;
                    total += b.Bytes;
                }
            }

            views.Add(new HistoryChannelView(id, name, ChannelColors.Of(id, index), bits, total, series.Summary));
        }

        return new HistoryView(DateTimeOffset.FromUnixTimeSeconds(first), seconds, views);
    }

    /// <summary>
    /// The live per-second series of one or more sensors (a device), summed by channel id, the still-filling newest
    /// second left out; the summary treats each second as a sample.
    /// </summary>
    public static HistoryView FromLive(IReadOnlyList<ChannelSnapshot> sensors, IReadOnlyList<IReadOnlyList<ChannelInfo>> sensorChannels,
        IReadOnlyList<ChannelInfo> channels, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(sensors);
        ArgumentNullException.ThrowIfNull(sensorChannels);
        if (sensors.Count == 0)
        {
            return new HistoryView(now, 1, []);
        }

        // Every sensor's series ends at the same second (the same clock); the longest decides where the graph starts.
        var length = sensors.Max(s => s.BytesPerSecond.FirstOrDefault()?.Length ?? 0) - 1;
        var start = sensors.Min(s => s.FirstSecond);
        var sums = new Dictionary<int, double[]>();
        for (var s = 0; s < sensors.Count; s++)
        {
            var snapshot = sensors[s];
            var offset = length + 1 - (snapshot.BytesPerSecond.FirstOrDefault()?.Length ?? 0);
            for (var c = 0; c < snapshot.BytesPerSecond.Length && c < sensorChannels[s].Count; c++)
            {
                var id = sensorChannels[s][c].Id;
                if (!sums.TryGetValue(id, out var sum))
                {
                    sums[id] = sum = new double[Math.Max(0, length)];
                }

                for (var i = 0; i + offset < length && i < snapshot.BytesPerSecond[c].Length; i++)
                {
                    sum[i + offset] += snapshot.BytesPerSecond[c][i];
                }
            }
        }

        var to = start.AddSeconds(Math.Max(0, length));
        var views = new List<HistoryChannelView>();
        foreach (var (id, name, index) in Ordered(sums.Keys, channels))
        {
            var bytes = sums[id];
            var buckets = bytes.Select((b, i) => new HistoryBucket(start.AddSeconds(i), b, 0, 0, b)).ToList();
            views.Add(new HistoryChannelView(id, name, ChannelColors.Of(id, index), [.. bytes.Select(b => b * 8)], bytes.Sum(),
                RateStatistics.Summarize(buckets, 1, start, to, to)));
        }

        return new HistoryView(start, 1, views);
    }

    /// <summary>Channel ids in the sensor's channel order, then any others by id, with their names and colour positions.</summary>
    private static IEnumerable<(int Id, string Name, int Index)> Ordered(IEnumerable<int> ids, IReadOnlyList<ChannelInfo> channels)
    {
        var present = ids.ToHashSet();
        var known = new HashSet<int>();
        for (var i = 0; i < channels.Count; i++)
        {
            if (present.Contains(channels[i].Id) && known.Add(channels[i].Id))
            {
                yield return (channels[i].Id, channels[i].Name, i);
            }
        }

        var next = channels.Count;
        foreach (var id in present.Where(id => !known.Contains(id)).Order())
        {
            yield return (id, $"Channel {id}", next++);
        }
    }
}
