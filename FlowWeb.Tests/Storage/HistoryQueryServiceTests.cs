using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Dns;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Storage.History;
using Microsoft.Extensions.Time.Testing;

namespace FlowWeb.Tests.Storage;

public sealed class HistoryQueryServiceTests
{
    private static readonly Guid SensorA = Guid.Parse("aaaaaaaa-1111-0000-0000-000000000001");
    private static readonly Guid SensorB = Guid.Parse("bbbbbbbb-2222-0000-0000-000000000002");
    private static readonly DateTimeOffset Now = TestDatabase.Now;

    [Theory]
    [InlineData(0, 2, HistoryResolution.Minute)]
    [InlineData(0, 48, HistoryResolution.Minute)]
    [InlineData(0, 49, HistoryResolution.Hour)]
    [InlineData(0, 30 * 24, HistoryResolution.Hour)]
    [InlineData(0, 60 * 24, HistoryResolution.Hour)]
    [InlineData(0, (60 * 24) + 1, HistoryResolution.Day)]
    [InlineData(0, 365 * 24, HistoryResolution.Day)]
    [InlineData(20 * 24, 2, HistoryResolution.Hour)]
    [InlineData(800 * 24, 2, HistoryResolution.Day)]
    public async Task ChooseResolution_RangeEndingHoursAgo_ByLengthAndRetention(int endHoursAgo, int lengthHours, HistoryResolution expected)
    {
        using var database = await TestDatabase.CreateAsync(migrate: false);
        var query = database.CreateQuery();
        var to = Now.AddHours(-endHoursAgo);

        Assert.Equal(expected, query.ChooseResolution(to.AddHours(-lengthHours), to));
    }

    [Fact]
    public async Task GetChannelHistory_TwoSensorsOfADevice_SummedPerChannelAndBucket()
    {
        using var database = await TestDatabase.CreateAsync();
        using (var writer = database.CreateWriter())
        {
            var t = Now.AddHours(-1);
            writer.TryWriteMinutes(
            [
                new(SensorA, -1, t, 100, 10, 1, 4), new(SensorB, -1, t, 50, 5, 2, 3),
                new(SensorA, -1, t.AddMinutes(1), 60, 6, 1, 2),
                new(SensorB, 80, t.AddMinutes(1), 20, 2, 1, 1),
                new(SensorA, -1, Now.AddDays(-1), 999, 9, 9, 9),
            ]);
            await writer.FlushAsync();
        }

        var query = database.CreateQuery();
        var device = await query.GetChannelHistoryAsync([SensorA, SensorB], Now.AddHours(-2), Now);
        var single = await query.GetChannelHistoryAsync(SensorA, Now.AddHours(-2), Now);
        var unknown = await query.GetChannelHistoryAsync(Guid.NewGuid(), Now.AddHours(-2), Now);

        Assert.Equal(HistoryResolution.Minute, device.Resolution);
        Assert.Equal([-1, 80], device.Channels.Select(c => c.ChannelId));
        var total = device.Channel(-1)!.Buckets;
        Assert.Equal([(150d, 15d, 3d, 7d), (60d, 6d, 1d, 2d)], total.Select(b => (b.Bytes, b.Packets, b.Flows, b.PeakBytesPerSecond)));
        Assert.Equal(Now.AddHours(-1), total[0].Start);
        Assert.Equal(20, Assert.Single(device.Channel(80)!.Buckets).Bytes);

        // Summed sensors: the sums (and every rate of them) are exact; only the busiest second is an upper bound.
        Assert.True(device.Channel(-1)!.Summary.PeakIsUpperBound);
        Assert.Equal(210, device.Channel(-1)!.Summary.TotalBytes);
        Assert.Equal(150 * 8 / 60.0, device.Channel(-1)!.Summary.MaximumBitsPerSecond, 9);
        Assert.False(single.Channels[0].Summary.PeakIsUpperBound);
        Assert.Equal([100d, 60d], Assert.Single(single.Channels).Buckets.Select(b => b.Bytes));
        Assert.Empty(unknown.Channels);
    }

    [Theory]
    [InlineData(HistoryResolution.Minute)]
    [InlineData(HistoryResolution.Hour)]
    public async Task Summary_RandomMinutesWithGaps_MatchesBruteForceAverageMaxAndP95(HistoryResolution resolution)
    {
        using var database = await TestDatabase.CreateAsync();
        var random = new Random(42);
        var from = Now.AddHours(-30).AddMinutes(-7);
        var minutes = new Dictionary<long, (double Bytes, double Peak)>();
        using (var writer = database.CreateWriter())
        {
            var rows = new List<ChannelMinute>();
            for (var m = Now.AddHours(-31); m < Now.AddMinutes(3); m = m.AddMinutes(1))
            {
                if (random.Next(10) == 0)
                {
                    continue;
                }

                var bytes = Math.Round(random.NextDouble() * 1e9, 3);
                var peak = (bytes / 60) * (1 + random.NextDouble());
                minutes[m.ToUnixTimeSeconds()] = (bytes, peak);
                rows.Add(new ChannelMinute(SensorA, 5, m, bytes, 1, 1, peak));
            }

            writer.TryWriteMinutes(rows);
            await writer.FlushAsync();
        }

        // "Now" is inside a minute: the sample that holds it is still filling and left out of the percentile.
        var now = Now.AddSeconds(30);
        var query = database.CreateQuery(new FakeTimeProvider(now));
        var to = Now.AddHours(1);
        var history = await query.GetChannelHistoryAsync(SensorA, from, to, resolution);
        var summary = history.Channel(5)!.Summary;

        // Buckets: every minute (or hour, summed) from the bucket holding "from" on; an hour still filling covers its
        // complete minutes so far (at least one).
        var bucket = resolution == HistoryResolution.Minute ? 60 : 3600;
        var fromBucket = from.ToUnixTimeSeconds() / bucket * bucket;
        var buckets = minutes.Where(m => m.Key >= fromBucket && m.Key < to.ToUnixTimeSeconds())
            .GroupBy(m => m.Key / bucket * bucket)
            .Select(g => (Start: g.Key, Bytes: g.Sum(m => m.Value.Bytes), Peak: g.Max(m => m.Value.Peak),
                Seconds: bucket == 60 ? 60 : (int)Math.Clamp((now.ToUnixTimeSeconds() / 60 * 60) - g.Key, 60, bucket)))
            .ToList();
        var total = buckets.Sum(b => b.Bytes);
        var coveredTo = Math.Min(to.ToUnixTimeSeconds(), Math.Max(now.ToUnixTimeSeconds() / 60 * 60, buckets.Max(b => b.Start + b.Seconds)));

        // Percentile: whole samples only, 5 minutes (minute data) or one bucket, from the first boundary at or after
        // the bucket holding "from", up to the sample holding "now" (12:00:30, so samples end at 12:00).
        var width = resolution == HistoryResolution.Minute ? 300 : 3600;
        var first = (fromBucket + width - 1) / width * width;
        var rates = new List<double>();
        for (var s = first; s < Now.ToUnixTimeSeconds(); s += width)
        {
            rates.Add(minutes.Where(m => m.Key >= s && m.Key < s + width).Sum(m => m.Value.Bytes) * 8 / width);
        }

        rates.Sort();
        var p95 = rates[(int)Math.Ceiling(rates.Count * 0.95) - 1];
        Assert.Equal(resolution, history.Resolution);
        Assert.Equal((rates.Count, width), (summary.Samples, summary.SampleSeconds));
        Assert.Equal((DateTimeOffset.FromUnixTimeSeconds(first), Now), (summary.SamplesFrom, summary.SamplesTo));
        Assert.Equal(p95, summary.Percentile95BitsPerSecond, 1e-6);
        Assert.Equal(total, summary.TotalBytes, 1e-3);
        Assert.Equal(total, history.Channel(5)!.Buckets.Sum(b => b.Bytes), 1e-3);
        Assert.Equal(total * 8 / (coveredTo - fromBucket), summary.AverageBitsPerSecond, 1e-6);
        Assert.Equal((DateTimeOffset.FromUnixTimeSeconds(fromBucket), DateTimeOffset.FromUnixTimeSeconds(coveredTo)), (summary.CoveredFrom, summary.CoveredTo));
        Assert.Equal(buckets.Max(b => b.Bytes * 8 / b.Seconds), summary.MaximumBitsPerSecond, 1e-6);
        Assert.Equal(buckets.Max(b => b.Peak) * 8, summary.PeakBitsPerSecond, 1e-6);
        Assert.False(summary.PeakIsUpperBound);
        Assert.All(history.Channel(5)!.Buckets, b => Assert.True(b.BitsPerSecond <= summary.MaximumBitsPerSecond));
        Assert.True(summary.Percentile95BitsPerSecond < summary.MaximumBitsPerSecond);
    }

    [Fact]
    public async Task MergeToplistPeriods_ThreePeriodsOneTruncated_SummedByKeyApproximateWithErrorBound()
    {
        using var database = await TestDatabase.CreateAsync();
        var a = new ToplistKey(FlowAddress.Parse("10.0.0.1"));
        var b = new ToplistKey(FlowAddress.Parse("10.0.0.2"));
        var c = new ToplistKey(FlowAddress.Parse("2001:db8::3"));
        var start = Now.AddHours(-1);
        using (var writer = database.CreateWriter())
        {
            writer.TryWriteToplist(SensorA, 1, new ToplistPeriodResult(start, start.AddMinutes(15),
                [new(a, 500, 5, 1, 0), new(b, 300, 3, 1, 0)], 800, 8, 2, false, 0, 2));
            writer.TryWriteToplist(SensorA, 1, new ToplistPeriodResult(start.AddMinutes(15), start.AddMinutes(30),
                [new(c, 900, 9, 2, 0), new(a, 100, 1, 1, 0)], 1200, 12, 5, false, 0, 4));
            writer.TryWriteToplist(SensorA, 1, new ToplistPeriodResult(start.AddMinutes(30), start.AddMinutes(45),
                [new(b, 400, 4, 1, 7), new(a, 350, 3, 1, 0)], 750, 7, 2, true, 7, 2));
            writer.TryWriteToplist(SensorA, 2, new ToplistPeriodResult(start, start.AddMinutes(15), [new(a, 1, 1, 1, 0)], 1, 1, 1, false, 0, 1));
            writer.TryWriteToplist(SensorA, 1, new ToplistPeriodResult(start.AddHours(-3), start.AddHours(-3).AddMinutes(15), [new(a, 1, 1, 1, 0)], 1, 1, 1, false, 0, 1));
            await writer.FlushAsync();
        }

        var query = database.CreateQuery();
        var periods = await query.GetToplistPeriodsAsync(SensorA, 1, start, Now);
        var merged = await query.MergeToplistPeriodsAsync(SensorA, 1, start, Now);
        var top2 = await query.MergeToplistPeriodsAsync(SensorA, 1, start, Now, top: 2);
        var exact = await query.MergeToplistPeriodsAsync(SensorA, 1, start, start.AddMinutes(15));

        Assert.Equal(3, periods.Count);
        Assert.Equal([false, true, false], periods.Select(p => p.Truncated));
        Assert.Equal([(a, 950L, 9L, 3L, 0L), (c, 900L, 9L, 2L, 0L), (b, 700L, 7L, 2L, 7L)], merged.Rows.Select(r => (r.Key, r.Bytes, r.Packets, r.Flows, r.ErrorBytes)));
        Assert.Equal((3, 2750L, 27L, 9L), (merged.Periods, merged.TotalBytes, merged.TotalPackets, merged.TotalFlows));
        Assert.Equal((start, start.AddMinutes(45)), (merged.Start, merged.End));
        Assert.True(merged.Approximate);

        // The periods' own bound (7) plus the truncated period's smallest stored row (100).
        Assert.Equal(107, merged.ErrorBound);
        Assert.Equal([a, c], top2.Rows.Select(r => r.Key));
        Assert.False(exact.Approximate);
        Assert.Equal(0, exact.ErrorBound);
    }

    [Fact]
    public async Task ExportCsv_ChannelsAndToplist_ExpectedHeaderAndRows()
    {
        using var database = await TestDatabase.CreateAsync();
        var start = Now.AddMinutes(-10);
        using (var writer = database.CreateWriter())
        {
            writer.TryWriteMinutes([new(SensorA, -1, start, 7500, 10, 2, 250), new(SensorA, 3, start, 60, 1, 1, 1.5)]);
            writer.TryWriteToplist(SensorA, 1, new ToplistPeriodResult(start, start.AddMinutes(15),
                [new(new ToplistKey(FlowAddress.Parse("192.0.2.1"), FlowAddress.Parse("2001:db8::1"), 51000, 443, 6), 4096, 4, 1, 0)], 4096, 4, 1, false, 0, 1),
                [new HostNamePair(null, "v6.example")]);
            await writer.FlushAsync();
        }

        var query = database.CreateQuery();
        var channels = new StringWriter();
        await query.ExportChannelHistoryCsvAsync(channels, [SensorA], Now.AddHours(-1), Now, channelNames: new Dictionary<int, string> { [-1] = "Total", [3] = "DNS, \"udp\"" });
        var toplist = new StringWriter();
        var periods = await query.ExportToplistCsvAsync(toplist, SensorA, 1, Now.AddHours(-1), Now);

        var at = start.ToUnixTimeSeconds();
        Assert.Equal(
            $"{HistoryCsv.ChannelHeader}\r\n" +
            $"2025-03-10T11:50:00Z,{at},-1,Total,7500,10,2,1000,2000,60\r\n" +
            $"2025-03-10T11:50:00Z,{at},3,\"DNS, \"\"udp\"\"\",60,1,1,8,12,60\r\n",
            channels.ToString());
        Assert.Equal(1, periods);
        Assert.Equal(
            $"{HistoryCsv.ToplistHeader}\r\n" +
            "2025-03-10T11:50:00Z,2025-03-10T12:05:00Z,1,192.0.2.1,2001:db8::1,51000,443,6,0,0,4096,4,1,0,,v6.example,,,,,,\r\n",
            toplist.ToString());
    }
}
