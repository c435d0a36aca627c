using System.Globalization;
using FlowWeb.Core.Storage;

namespace FlowWeb.Cli;

/// <summary>
/// <c>bench store [--sensors N] [--channels N] [--days N] [--minute-days N] [--dir PATH] [--keep]</c>: fills a
/// throwaway SQLite history (default 50 sensors × 12 channels, 365 days of hours, 14 days of minutes) and prints its
/// size, the fill rate, the time the history page's query takes per range for a sensor and a device, and the history
/// writer's throughput against what 100 sensors need. <c>--sensors 5 --days 30</c> is a quick run.
/// </summary>
internal static class StoreBenchmark
{
    public const string Usage = "bench store [--sensors N (1-1000, default 50)] [--channels N (1-100, default 12)] [--days N (hour history, 1-3650, default 365)] [--minute-days N (1-14, default 14)] [--dir PATH] [--keep]";

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var errors = new List<string>();
        var sensors = Number(args, "--sensors", 50, 1, 1000, errors);
        var channels = Number(args, "--channels", 12, 1, 100, errors);
        var days = Number(args, "--days", 365, 1, 3650, errors);
        var minuteDays = Number(args, "--minute-days", 14, 1, 14, errors);
        if (minuteDays > days)
        {
            errors.Add($"--minute-days ({minuteDays}) must not exceed --days ({days})");
        }

        var known = new HashSet<string>(StringComparer.Ordinal) { "--sensors", "--channels", "--days", "--minute-days", "--dir", "--keep" };
        errors.AddRange(args.Where((a, i) => a.StartsWith("--", StringComparison.Ordinal) && !known.Contains(a)).Select(a => $"{a}: unknown option"));
        var dirIndex = Array.IndexOf(args, "--dir");
        if (dirIndex >= 0 && (dirIndex + 1 >= args.Length || string.IsNullOrWhiteSpace(args[dirIndex + 1])))
        {
            errors.Add("--dir: give a folder");
        }

        if (errors.Count > 0)
        {
            foreach (var error in errors)
            {
                await stderr.WriteLineAsync(error).ConfigureAwait(false);
            }

            await stderr.WriteLineAsync("usage: " + Usage).ConfigureAwait(false);
            return 2;
        }

        var ownFolder = dirIndex < 0;
        var folder = ownFolder ? Directory.CreateTempSubdirectory("flowweb-store-bench-").FullName : args[dirIndex + 1];
        try
        {
            await StorageBenchmark.RunAsync(stdout, folder, sensors, channels, days, minuteDays, keepDatabase: args.Contains("--keep")).ConfigureAwait(false);
            return 0;
        }
        finally
        {
            if (ownFolder && !args.Contains("--keep"))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private static int Number(string[] args, string name, int fallback, int min, int max, List<string> errors)
    {
        var i = Array.IndexOf(args, name);
        if (i < 0)
        {
            return fallback;
        }

        if (i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        errors.Add($"{name}: expected a whole number from {min} to {max}, got {(i + 1 < args.Length ? $"\"{args[i + 1]}\"" : "nothing")}");
        return fallback;
    }
}
