using System.CommandLine;

namespace FlowWeb.Cli.Benchmarks;

/// <summary>
/// <c>bench store [--sensors N] [--channels N] [--days N] [--minute-days N] [--dir PATH] [--keep]</c>: fills a
/// throwaway SQLite history (default 50 sensors × 12 channels, 365 days of hours, 14 days of minutes) and prints its
/// size, the fill rate, the time the history page's query takes per range for a sensor and a device, and the history
/// writer's throughput against what 100 sensors need. <c>--sensors 5 --days 30</c> is a quick run.
/// </summary>
internal static class StoreBenchmark
{
    public static Command Create(CliConsole console)
    {
        var sensors = CliOptions.WholeNumber("--sensors", "Sensors", 50, 1, 1000);
        var channels = CliOptions.WholeNumber("--channels", "Channels per sensor", 12, 1, 100);
        var days = CliOptions.WholeNumber("--days", "Days of hour history", 365, 1, 3650);
        var minuteDays = CliOptions.WholeNumber("--minute-days", "Days of minute history (at most --days)", 14, 1, 14);
        var dir = new Option<DirectoryInfo?>("--dir") { Description = "Folder for the database (default: a temporary folder, deleted afterwards)", HelpName = "PATH" };
        var keep = new Option<bool>("--keep") { Description = "Keep the database file afterwards" };
        var command = new Command("store", "History store: database size, fill rate, the history page's range loads for a sensor and a device, history writer throughput against what 100 sensors need.")
        {
            sensors,
            channels,
            days,
            minuteDays,
            dir,
            keep,
        };
        command.Validators.Add(r =>
        {
            // Only when both parsed: a refused value has its own error already.
            if (r.GetResult(minuteDays) is { Errors: var me } && !me.Any() && r.GetResult(days) is { Errors: var de } && !de.Any()
                && r.GetValue(minuteDays) is var m && r.GetValue(days) is var d && m > d)
            {
                r.AddError($"--minute-days ({m}) must not exceed --days ({d})");
            }
        });
        command.SetAction((parse, _) => RunAsync(
            console.Out, parse.GetValue(sensors), parse.GetValue(channels), parse.GetValue(days), parse.GetValue(minuteDays), parse.GetValue(dir)?.FullName, parse.GetValue(keep)));
        return command;
    }

    public static async Task<int> RunAsync(TextWriter stdout, int sensors, int channels, int days, int minuteDays, string? dir, bool keep)
    {
        var ownFolder = dir is null;
        var folder = dir ?? Directory.CreateTempSubdirectory("flowweb-store-bench-").FullName;
        try
        {
            await StorageBenchmark.RunAsync(stdout, folder, sensors, channels, days, minuteDays, keepDatabase: keep).ConfigureAwait(false);
            return 0;
        }
        finally
        {
            if (ownFolder && !keep)
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }
}
