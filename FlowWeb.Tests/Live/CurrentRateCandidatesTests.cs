using System.Globalization;
using System.Text;
using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Flows;
using Xunit.Abstractions;

namespace FlowWeb.Tests.Live;

/// <summary>
/// Measures, in simulated time, how close candidate definitions of a sensor's current rate come to the true rate of
/// a steady load (issue 12 item 1): exporters with a 60 s and a 15 s active timeout (15 s inactive), sensors that
/// spread a record over its start–end (active flow timeout set) and that book it at arrival (timeout 0). Prints a
/// table of the error at 2 minutes and over minutes 2–10. Run: dotnet test --filter "FullyQualifiedName~CurrentRateCandidates".
/// </summary>
[Trait("Category", "Benchmark")]
public sealed class CurrentRateCandidatesTests(ITestOutputHelper output)
{
    private const double Rate = 1e9;
    private const long StartMs = 1_800_000_000_000;

    [Fact]
    public void Candidates_SteadyGigabit_ErrorAtTwoMinutesAndAfter()
    {
        var table = new StringBuilder();
        table.AppendLine("exporter active | sensor | candidate | error at 120 s | mean |error| 120-600 s | max |error| 120-600 s");
        foreach (var active in new[] { 60, 15 })
        {
            foreach (var spread in new[] { true, false })
            {
                foreach (var (name, errors) in Run(active, spread).Where(r => r.Errors.Any(e => e.Second >= 120)))
                {
                    var after = errors.Where(e => e.Second >= 120).Select(e => Math.Abs(e.Error)).ToList();
                    var at = errors.Where(e => e.Second == 120).Select(e => e.Error.ToString("P1", CultureInfo.InvariantCulture)).FirstOrDefault() ?? "-";
                    table.AppendLine(CultureInfo.InvariantCulture,
                        $"{active,3} s | {(spread ? "spread" : "arrival"),7} | {name,-30} | {at,8} | {after.Average(),7:P1} | {after.Max(),7:P1}");
                }
            }
        }

        output.WriteLine(table.ToString());
    }

    private static IEnumerable<(string Name, List<(int Second, double Error)> Errors)> Run(int activeSeconds, bool spread)
    {
        var cache = new SteadyFlowCache(Rate, 200, TimeSpan.FromSeconds(activeSeconds), TimeSpan.FromSeconds(15), StartMs, seed: activeSeconds);
        var start = StartMs / 1000;
        var series = new ChannelSeries(1, 3600, start);
        var arrivals = new double[4000];
        var delays = new List<(long Arrival, long Delay)>();
        var ageBytes = new double[4000];
        double ageTotal = 0;
        var results = new Dictionary<string, List<(int, double)>>
        {
            ["naive: last 5 s"] = [], ["settled: 30 s before delay"] = [], ["arrival: last 60 s"] = [],
            ["arrival: last 30 s"] = [], ["corrected: last 30 s / c(age)"] = [],
        };

        for (var t = start + 1; t <= start + 600; t++)
        {
            series.Advance(t);
            foreach (var r in cache.Export(t * 1000))
            {
                var (from, to) = spread ? (r.StartMs / 1000, Math.Min(r.EndMs / 1000, t)) : (t, t);
                series.Add(0, from, to, r.Bytes, r.Packets);
                arrivals[t - start] += r.Bytes;
                delays.Add((t, t - (r.StartMs / 1000)));

                // Bytes by how old their second was when they arrived (for the completeness curve).
                var seconds = to - from + 1;
                for (var s = from; s <= to; s++)
                {
                    ageBytes[Math.Clamp(t - s, 0, ageBytes.Length - 1)] += r.Bytes / (double)seconds;
                }

                ageTotal += r.Bytes;
            }

            var (bytes, _, _) = Read(series, 700);
            double Mean(long fromSecond, long toSecond)
            {
                // [from, to) of the series; seconds before the load started are outside it.
                var sum = 0.0;
                for (var s = fromSecond; s < toSecond; s++)
                {
                    sum += bytes[bytes.Length - 1 - (t - s)];
                }

                return sum * 8 / (toSecond - fromSecond);
            }

            var second = (int)(t - start);
            Add("naive: last 5 s", Mean(t - 5, t));
            var delay = delays.Where(d => d.Arrival > t - 600).Select(d => d.Delay).DefaultIfEmpty(0).Max();
            if (t - delay - 30 >= start)
            {
                Add("settled: 30 s before delay", Mean(t - delay - 30, t - delay));
            }

            Add("arrival: last 60 s", arrivals.Skip(Math.Max(1, second - 59)).Take(Math.Min(60, second)).Sum() * 8 / 60);
            Add("arrival: last 30 s", arrivals.Skip(Math.Max(1, second - 29)).Take(Math.Min(30, second)).Sum() * 8 / 30);

            if (spread && ageTotal > 0)
            {
                var estimate = 0.0;
                var n = 0;
                for (var s = t - 30; s < t; s++)
                {
                    var completeness = ageBytes.Take((int)(t - s) + 1).Sum() / ageTotal;
                    if (completeness >= 0.3 && s > start)
                    {
                        estimate += bytes[bytes.Length - 1 - (t - s)] * 8 / completeness;
                        n++;
                    }
                }

                if (n > 0)
                {
                    Add("corrected: last 30 s / c(age)", estimate / n);
                }
            }

            void Add(string name, double value) => results[name].Add((second, (value / Rate) - 1));
        }

        return results.Select(r => (r.Key, r.Value));
    }

    private static (double[] Bytes, double[] Packets, double[] Flows) Read(ChannelSeries series, int seconds)
    {
        var b = new double[seconds];
        var p = new double[seconds];
        var f = new double[seconds];
        series.Read(0, seconds, b, p, f);
        return (b, p, f);
    }
}
