using FlowWeb.Core.Aggregation;

namespace FlowWeb.Tests.Aggregation;

public sealed class ChannelSeriesTests
{
    private const long Now = 1_700_000_000;

    private static (double[] Bytes, double[] Packets, double[] Flows) Read(ChannelSeries series, int channel, int seconds)
    {
        var b = new double[seconds];
        var p = new double[seconds];
        var f = new double[seconds];
        series.Read(channel, seconds, b, p, f);
        return (b, p, f);
    }

    [Fact]
    public void Add_RecordOverTenSeconds_SpreadsBytesEvenly()
    {
        var series = new ChannelSeries(channels: 2, windowSeconds: 60, nowSecond: Now);

        series.Add(1, Now - 9, Now, bytes: 10_000, packets: 10);

        var (bytes, packets, flows) = Read(series, 1, 12);
        Assert.Equal([0, 0, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000], bytes);
        Assert.Equal(1, packets[^1]);
        Assert.Equal(1, flows[^1]);
        Assert.Equal(1, flows.Sum());
        Assert.All(Read(series, 0, 12).Bytes, v => Assert.Equal(0, v));
    }

    [Fact]
    public void Advance_AfterRecordEnded_RateStopsAndTotalsStayExact()
    {
        var series = new ChannelSeries(1, 30, Now);
        series.Add(0, Now - 4, Now, 500, 5);

        series.Advance(Now + 3);

        var (bytes, _, _) = Read(series, 0, 10);
        Assert.Equal([0, 0, 100, 100, 100, 100, 100, 0, 0, 0], bytes);
        Assert.Equal(500, bytes.Sum());
    }

    [Fact]
    public void Advance_PastTheWindow_FoldsOldSecondsWithoutLosingRunningRates()
    {
        var series = new ChannelSeries(1, 10, Now);
        series.Add(0, Now - 5, Now, 600, 6);
        series.Advance(Now + 1);
        series.Add(0, Now - 2, Now + 1, 400, 4); // overlaps the first record

        series.Advance(Now + 25); // everything leaves the window

        var (bytes, _, flows) = Read(series, 0, 10);
        Assert.All(bytes, v => Assert.Equal(0, v, 9));
        Assert.All(flows, v => Assert.Equal(0, v));
    }

    [Fact]
    public void Add_StartBeforeWindow_KeepsOnlyTheShareInsideIt()
    {
        var series = new ChannelSeries(1, 10, Now);

        series.Add(0, Now - 19, Now, 2000, 20); // 20 s, half of it inside the 10 s window

        var (bytes, _, _) = Read(series, 0, 10);
        Assert.All(bytes, v => Assert.Equal(100, v, 9));
        Assert.Equal(0, series.LateRecords);
    }

    [Fact]
    public void Add_EndedBeforeWindow_IsCountedLate()
    {
        var series = new ChannelSeries(1, 10, Now);

        series.Add(0, Now - 30, Now - 20, 100, 1);

        Assert.Equal(1, series.LateRecords);
        Assert.All(Read(series, 0, 10).Bytes, v => Assert.Equal(0, v));
    }

    [Fact]
    public void AddAndAdvance_RandomRecords_MatchBruteForce()
    {
        var random = new Random(42);
        const int Window = 120;
        var series = new ChannelSeries(3, Window, Now);
        var expected = new Dictionary<(int Channel, long Second), double>();
        var clock = Now;
        for (var i = 0; i < 2000; i++)
        {
            if (random.Next(10) == 0)
            {
                clock += random.Next(1, 5);
                series.Advance(clock);
            }

            var channel = random.Next(3);
            var end = clock - random.Next(0, 20);
            var start = end - random.Next(0, 30);
            var bytes = random.Next(1, 100_000);
            series.Add(channel, start, end, bytes, 1);
            var from = Math.Max(start, clock - Window + 1);
            var share = (double)bytes / (end - start + 1);
            for (var s = from; s <= end; s++)
            {
                expected[(channel, s)] = expected.GetValueOrDefault((channel, s)) + share;
            }
        }

        for (var c = 0; c < 3; c++)
        {
            var (bytes, _, _) = Read(series, c, Window);
            for (var k = 0; k < Window; k++)
            {
                var second = clock - Window + 1 + k;
                Assert.Equal(expected.GetValueOrDefault((c, second)), bytes[k], 6);
            }
        }
    }
}
