using System.CommandLine;
using System.Globalization;

namespace FlowWeb.Cli.Benchmarks;

/// <summary>
/// <c>bench detection false-positives [--hours 24] [--timeouts 60,1800] [--sampling 1]</c>: replays a simulated day of
/// ordinary, bursty traffic (<see cref="NormalDay"/>) through the detector with the default thresholds, once per
/// active timeout, in accelerated time, and prints the attacks reported (there should be none), the records replayed,
/// the run time and how close ordinary traffic came to each threshold.
/// </summary>
internal static class FalsePositiveBenchmark
{
    public static Command Create(CliConsole console)
    {
        var hours = CliOptions.WholeNumber("--hours", "Simulated hours replayed per active timeout, from midnight", 24, 1, 24 * 7);
        var timeouts = CliOptions.WholeNumbers("--timeouts", "Exporter active timeouts to replay, in seconds", [60, 1800], 1, 3600);
        var sampling = CliOptions.WholeNumber("--sampling", "Packet sampling 1:N applied to the day's records (1 = unsampled)", 1, 1, 65_535);
        var command = new Command("false-positives", "A simulated day of bursty normal traffic (flash crowds, backups, long downloads, DNS/NTP servers) through the detector in accelerated time, default thresholds: attacks reported (should be 0), records, run time.")
        {
            hours, timeouts, sampling,
        };
        command.SetAction(parse => Run(console.Out, parse.GetValue(hours), parse.GetRequiredValue(timeouts), (uint)parse.GetValue(sampling)));
        return command;
    }

    public static int Run(TextWriter stdout, int hours, int[] timeouts, uint sampling)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(timeouts);
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"false-positive replay: {hours} simulated h per active timeout, default thresholds (N = 3 s, M = 60 s), protected {string.Join(", ", NormalDay.ProtectedNetworks)}, {(sampling > 1 ? $"1:{sampling} sampling" : "unsampled")}; load average {LoadAverage()}"));
        var found = 0;
        foreach (var timeout in timeouts)
        {
            var result = FalsePositiveReplay.Run(new FalsePositiveReplay.Options(hours * 3600, timeout, sampling));
            found += result.Attacks.Count;
            var d = result.Detector;
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"active timeout {timeout,5} s: {result.Attacks.Count} attacks reported; {result.Records:N0} records over {result.Seconds:N0} simulated s ({result.Records / (double)result.Seconds:N0}/s) in {result.Elapsed.TotalSeconds:0.0} s ({result.Seconds / result.Elapsed.TotalSeconds:N0}x real time); dropped: keys {d.KeysDropped}, holds {d.HoldsRefused}, tracking {d.TrackRefused}, evictions {d.Evictions}, without flow identity {d.FlowsWithoutIdentity}; held rates replaced by their flow's next record {d.HoldsReplaced:N0}; light long records not counted, sampled out {d.RecordsEstimated:N0}"));
            foreach (var attack in result.Attacks)
            {
                var triggers = string.Join(", ", attack.Triggers.Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Label} {t.Value:N0} >= {t.Threshold:N0}")));
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  FALSE POSITIVE at {attack.Start:HH:mm:ss}: {attack.Direction} {attack.Type} on {attack.Victim} ({triggers})"));
            }

            stdout.WriteLine("  closest approach of ordinary traffic to each threshold (largest value / threshold, where, when):");
            foreach (var peak in d.Headroom.Where(p => p.Threshold > 0))
            {
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"    {peak.Label,-20} {peak.Value,16:N0} of {peak.Threshold,16:N0} = {peak.Value / peak.Threshold,4:P0}  {peak.Key} at {DateTimeOffset.FromUnixTimeSeconds(peak.Second):HH:mm:ss}"));
            }
        }

        return found == 0 ? 0 : 1;
    }

    internal static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";
}
