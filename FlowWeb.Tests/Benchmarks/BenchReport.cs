using System.Globalization;
using System.Text;

namespace FlowWeb.Tests.Benchmarks;

/// <summary>The UI benchmark's numbers as text: one column per phase and the difference the live pages make.</summary>
internal static class BenchReport
{
    private const double MB = 1024 * 1024;

    public sealed record Setup(int Sensors, int FlowsPerSecond, int Port, TimeSpan Window, int ServerPid, string LoadAtStart, string LoadAtEnd);

    /// <summary>A marker's delays from the send (ms): until it was in the page's DOM, and until the next frame after that.</summary>
    public sealed record Marker(int Sensor, string Address, long? DomMs, long? FrameMs);

    public sealed record Phase(
        string Name,
        int PagesOpen,
        long Offered,
        long Received,
        double KernelDrops,
        double Seconds,
        double ServerCores,
        double ServerBytesWrittenPerSecond,
        double BrowserCores,
        double MachineBusy,
        IReadOnlyList<long> Rss,
        IReadOnlyList<double> Heap,
        int Subscriptions,
        IReadOnlyList<(int Updates, long MaxGapMs, string Visibility)> Pages,
        IReadOnlyList<Marker> Markers)
    {
        public long Lost => Math.Max(0, Offered - Received);
    }

    public static string Write(Setup setup, Phase without, Phase with, long serverPeakBytes)
    {
        var cores = Environment.ProcessorCount;
        var text = new StringBuilder();
        Line(text, $"UI benchmark: {setup.Sensors} sensor pages open live at {setup.FlowsPerSecond:N0} flows/s");
        Line(text, $"server: published FlowWeb (Release, Production) in its own process (pid {setup.ServerPid}), measured from /proc and /metrics");
        Line(text, $"load: {setup.Sensors} NetFlow v9 sensors on UDP {setup.Port} (127.0.0.1), one per simulated RouterOS 7 exporter 127.0.0.11-{10 + setup.Sensors}, standard channels and six toplists; {setup.FlowsPerSecond / setup.Sensors:N0} flows/s each");
        Line(text, $"pages: one Chromium context per sensor page (headless Debian chromium), Overview tab (live graph, channels, Top Talkers)");
        Line(text, $"window: {setup.Window.TotalSeconds:0} s per phase after 5 s of settling; machine: {cores} cores; load average at start {setup.LoadAtStart}, at end {setup.LoadAtEnd}");
        Line(text, "");
        Line(text, $"{"",-34}{"no page open",16}{setup.Sensors + " live pages",16}{"difference",14}");
        Row(text, "pages open", without.PagesOpen, with.PagesOpen, "0");
        Row(text, "flows offered", without.Offered, with.Offered, "N0");
        Row(text, "offered rate, flows/s", without.Offered / without.Seconds, with.Offered / with.Seconds, "N0", difference: false);
        Row(text, "flows received by the sensors", without.Received, with.Received, "N0");
        Row(text, "flows lost", without.Lost, with.Lost, "N0");
        Row(text, "kernel receive-buffer drops", without.KernelDrops, with.KernelDrops, "N0");
        Row(text, "server CPU, % of one core", 100 * without.ServerCores, 100 * with.ServerCores, "0.0");
        Row(text, $"server CPU, % of the machine ({cores})", 100 * without.ServerCores / cores, 100 * with.ServerCores / cores, "0.0");
        Row(text, "server writes (sockets, files), KB/s", without.ServerBytesWrittenPerSecond / 1024, with.ServerBytesWrittenPerSecond / 1024, "N0");
        Row(text, "server RSS average, MB", without.Rss.Average() / MB, with.Rss.Average() / MB, "0");
        Row(text, "server RSS peak in window, MB", without.Rss.Max() / MB, with.Rss.Max() / MB, "0");
        Row(text, "GC heap average, MB", without.Heap.Average() / MB, with.Heap.Average() / MB, "0.0");
        Row(text, "GC heap peak, MB", without.Heap.Max() / MB, with.Heap.Max() / MB, "0.0");
        Row(text, "live subscriptions on the server", without.Subscriptions, with.Subscriptions, "0");
        Row(text, "browser CPU, % of one core", 100 * without.BrowserCores, 100 * with.BrowserCores, "0.0");
        Row(text, "machine busy, %", 100 * without.MachineBusy, 100 * with.MachineBusy, "0.0");
        Line(text, "");
        Line(text, $"per live page: {100 * (with.ServerCores - without.ServerCores) / setup.Sensors:0.00}% of one core, "
            + $"{(with.Rss.Average() - without.Rss.Average()) / MB / setup.Sensors:0.0} MB RSS, {(with.Heap.Average() - without.Heap.Average()) / MB / setup.Sensors:0.00} MB GC heap");
        Line(text, $"server peak RSS over its whole life (VmHWM): {serverPeakBytes / MB:0} MB");

        if (with.Pages.Count > 0)
        {
            var updates = with.Pages.Select(p => p.Updates).Order().ToList();
            var gaps = with.Pages.Select(p => p.MaxGapMs).Order().ToList();
            Line(text, $"page updates in {with.Seconds:0} s: per page min {updates[0]}, median {updates[updates.Count / 2]}, max {updates[^1]} DOM updates; "
                + $"longest gap between two updates: median {gaps[gaps.Count / 2]} ms, worst page {gaps[^1]} ms; visibility {string.Join(",", with.Pages.Select(p => p.Visibility).Distinct())}");
        }

        if (with.Markers.Count > 0)
        {
            var frame = with.Markers.Where(m => m.FrameMs is not null).Select(m => m.FrameMs!.Value).Order().ToList();
            var dom = with.Markers.Where(m => m.DomMs is not null).Select(m => m.DomMs!.Value).Order().ToList();
            Line(text, $"arrival to screen ({with.Markers.Count} marker flows, {frame.Count} seen; sent through the load's exporters, found in the page's Top Talkers):");
            if (frame.Count > 0)
            {
                Line(text, $"  to the next frame after the DOM update: median {Median(frame)} ms, max {frame[^1]} ms, min {frame[0]} ms");
                Line(text, $"  to the DOM update:                      median {Median(dom)} ms, max {dom[^1]} ms");
            }

            Line(text, $"  samples (ms, frame): {string.Join(" ", with.Markers.Select(m => m.FrameMs?.ToString(CultureInfo.InvariantCulture) ?? "missed"))}");
        }

        return text.ToString();
    }

    private static long Median(List<long> sorted) => sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;

    private static void Row(StringBuilder text, string label, double without, double with, string format, bool difference = true)
    {
        var delta = difference ? (with - without).ToString(format.StartsWith('N') ? "+#,0;-#,0;0" : $"+{format};-{format};0", CultureInfo.InvariantCulture) : "";
        Line(text, $"{label,-34}{without.ToString(format, CultureInfo.InvariantCulture),16}{with.ToString(format, CultureInfo.InvariantCulture),16}{delta,14}");
    }

    private static void Line(StringBuilder text, string line) => text.Append(line).Append('\n');
}
