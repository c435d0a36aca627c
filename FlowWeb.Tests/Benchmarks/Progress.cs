using System.Globalization;
using FlowWeb.Tests.EndToEnd;

namespace FlowWeb.Tests.Benchmarks;

/// <summary>What the benchmark is doing, line by line in TestResults/bench-ui/progress.log (the test runner shows output only at the end).</summary>
internal static class Progress
{
    public static string Folder { get; } = Directory.CreateDirectory(Path.Combine(Artifacts.RepositoryRoot, "TestResults", "bench-ui")).FullName;

    private static readonly Lock Sync = new();

    public static void Log(string line)
    {
        lock (Sync)
        {
            File.AppendAllText(Path.Combine(Folder, "progress.log"),
                $"{DateTime.Now.ToString("HH:mm:ss", CultureInfo.InvariantCulture)} {line}\n");
        }
    }
}
