using System.Diagnostics;
using System.Globalization;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Rules;

namespace FlowWeb.Cli.Benchmarks;

/// <summary>
/// The filters of issue 11's attack: huge address lists and long chains of <c>or</c> and <c>and</c>, as an API caller
/// could send them before limits existed. For each: parse and compile time, nanoseconds per record (timed for a
/// second, not a fixed count: before the interval tables one record took hundreds of microseconds), the compiled
/// cost (comparisons per record at most) and whether the default <c>Limits:</c> refuse it. Only
/// <see cref="FilterRule.Parse(string)"/> and <see cref="FilterRule.Matches"/> are timed, so the same cases can be
/// run against an older build for a before/after comparison.
/// </summary>
public static partial class RulesBenchmark
{
    private static readonly TimeSpan HostileTime = TimeSpan.FromSeconds(1);

    /// <summary>The default limits (<c>Limits:MaxFilterLength</c> 65,536, <c>Limits:MaxFilterCost</c> 1,000).</summary>
    internal static readonly FilterLimits DefaultLimits = new(65_536, 1000);

    internal static IEnumerable<(string Name, string Text)> HostileFilters()
    {
        yield return ("2,000 ranges in one SourceIP[...] (~60 KB)", SourceRanges(2_000));
        yield return ("100,000 ranges in one SourceIP[...]", SourceRanges(100_000));
        yield return ("100,000 SourceIP[range] joined by or", string.Join(" or ", Enumerable.Range(0, 100_000).Select(i => $"SourceIP[{Range(i)}]")));
        yield return ("200,000 Protocol[TCP] joined by and", string.Join(" and ", Enumerable.Repeat("Protocol[TCP]", 200_000)));
        yield return ("200,000 distinct Interface[0-n] joined by and", string.Join(" and ", Enumerable.Range(0, 200_000).Select(i => $"Interface[0-{4_294_967_295L - i}]")));
        yield return ("500 distinct Interface[0-n] joined by and", string.Join(" and ", Enumerable.Range(0, 500).Select(i => $"Interface[0-{4_294_967_295L - i}]")));
    }

    private static void RunHostile(TextWriter output, FlowRecord[] records, FlowAddress exporter)
    {
        output.WriteLine();
        output.WriteLine("hostile filters (no limits applied while timing; 'default limits' says what Limits: would answer)");
        output.WriteLine($"{"case",-50} {"ns/record",11} {"parse ms",9} {"cost",8}  default limits");
        foreach (var (name, text) in HostileFilters())
        {
            var started = Stopwatch.GetTimestamp();
            var rule = FilterRule.Parse(text).Rule!;
            var parse = Stopwatch.GetElapsedTime(started);
            var nanoseconds = TimeMatches(rule, records, exporter);
            var errors = FilterRule.Parse(text, DefaultLimits).Errors;
            var refusal = errors.Count > 0 ? errors[0].Message : null;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-50} {nanoseconds,11:N1} {parse.TotalMilliseconds,9:N0} {rule.Cost,8:N0}  {(refusal is null ? "accepted" : "refused: " + Shorten(refusal))}"));
        }
    }

    /// <summary>Best of three one-second runs after a quarter-second warm-up, at least one pass over the records each.</summary>
    private static double TimeMatches(FilterRule rule, FlowRecord[] records, FlowAddress exporter)
    {
        long hits = 0;
        var warmUpEnd = Stopwatch.GetTimestamp() + (Stopwatch.Frequency / 4);
        for (var n = 0; n < records.Length || Stopwatch.GetTimestamp() < warmUpEnd; n++)
        {
            hits += rule.Matches(in records[n & (DistinctRecords - 1)], exporter) ? 1 : 0;
        }

        var best = double.MaxValue;
        for (var repeat = 0; repeat < 3; repeat++)
        {
            var started = Stopwatch.GetTimestamp();
            var n = 0;
            for (; n < records.Length || Stopwatch.GetElapsedTime(started) < HostileTime; n++)
            {
                hits += rule.Matches(in records[n & (DistinctRecords - 1)], exporter) ? 1 : 0;
            }

            best = Math.Min(best, Stopwatch.GetElapsedTime(started).TotalNanoseconds / n);
        }

        GC.KeepAlive(hits);
        return best;
    }

    /// <summary>Four addresses each, 16 apart, from 1.0.0.0: none overlap, so nothing can be merged away.</summary>
    private static string SourceRanges(int count) => "SourceIP[" + string.Join(',', Enumerable.Range(0, count).Select(Range)) + "]";

    private static string Range(int i)
    {
        var first = 0x0100_0000u + ((uint)i * 16);
        return $"{Ip(first)}-{Ip(first + 3)}";
    }

    private static string Ip(uint v) => string.Create(CultureInfo.InvariantCulture, $"{v >> 24}.{(v >> 16) & 255}.{(v >> 8) & 255}.{v & 255}");
}
