using FlowWeb.Core.Aggregation;

namespace FlowWeb.Tests.Aggregation;

public sealed class MinuteRollupTests
{
    /// <summary>
    /// Records booked into eight minutes in turn (two per cache entry of the rollup), spread over minute boundaries,
    /// then a late record after its minute was handed over: every minute holds exactly what a direct sum gives.
    /// </summary>
    [Fact]
    public void Records_OverManyOpenMinutes_AndAfterAClose_LandInTheirMinutes()
    {
        const long t0 = 1_800_000_000 - (1_800_000_000 % 60);
        var rollup = new MinuteRollup(channels: 2);
        var expected = new Dictionary<long, double[]>();
        void Book(int channel, long start, long end, double bytes, double packets)
        {
            rollup.Add(channel, start, end, bytes, packets);
            var seconds = end - start + 1;
            for (var s = start; s <= end; s++)
            {
                var minute = s - (s % 60);
                var v = expected.TryGetValue(minute, out var x) ? x : expected[minute] = new double[6];
                v[(channel * 3) + 0] += bytes / seconds;
                v[(channel * 3) + 1] += packets / seconds;
            }

            var last = end - (end % 60);
            (expected.TryGetValue(last, out var y) ? y : expected[last] = new double[6])[(channel * 3) + 2] += 1;
        }

        var random = new Random(7);
        for (var i = 0; i < 4000; i++)
        {
            var minute = t0 + (60 * (i % 8));
            var start = minute + random.Next(0, 60);
            Book(i % 2, start, start + random.Next(0, 90), random.Next(40, 1500), random.Next(1, 10));
        }

        var closed = rollup.Close(t0 + (60 * 9) + 30, graceSeconds: 15)!;
        Book(1, t0 + 5, t0 + 20, 1000, 4); // late: reopens the first minute
        closed.AddRange(rollup.CloseAll());

        var got = new Dictionary<long, double[]>();
        foreach (var (minute, values) in closed)
        {
            var sum = got.TryGetValue(minute, out var x) ? x : got[minute] = new double[6];
            for (var c = 0; c < 2; c++)
            {
                sum[(c * 3) + 0] += MinuteRollup.Bytes(values, c);
                sum[(c * 3) + 1] += MinuteRollup.Packets(values, c);
                sum[(c * 3) + 2] += MinuteRollup.Flows(values, c);
            }
        }

        Assert.Equal(expected.Keys.Order(), got.Keys.Order());
        Assert.Equal(2, closed.Count(c => c.Minute == t0));
        foreach (var (minute, values) in expected)
        {
            for (var k = 0; k < 6; k++)
            {
                Assert.Equal(values[k], got[minute][k], 6);
            }
        }

        Assert.Equal(4001, got.Values.Sum(v => v[2] + v[5]));
    }
}
