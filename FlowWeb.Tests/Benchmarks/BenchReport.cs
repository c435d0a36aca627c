using System.Globalization;
using System.Text;

namespace FlowWeb.Tests.Benchmarks;

/// <summary>The UI benchmark's numbers as text: one column per phase and the difference the live pages make.</summary>
internal static class BenchReport
{
    private const double MB = 1024 * 1024;

    public sealed record Setup(int Sensors, int Pages, int FlowsPerSecond, int Port, TimeSpan Window, int ServerPid, string LoadAtStart, string LoadAtEnd, string Browser);

    /// <summary>A marker's delays from the send (ms): until it was in the page's DOM, and until the next frame after that.</summary>
    public sealed record Marker(int Sensor, string Address, long? DomMs, long? FrameMs);

    public sealed record Phase(
        string Name,
        int PagesOpen,
        long Offered,
        double OfferedPerSecond,
        long Received,
        double KernelDrops,
        double LockWaitMs,
        double GcPauseMs,
        double GcCollections,
        double Seconds,
        double ServerCores,
        double ServerBytesWrittenPerSecond,
        double BrowserCores,
        double MachineBusy,
        IReadOnlyList<long> Rss,
        IReadOnlyList<double> Heap,
        int Subscriptions,
        IReadOnlyList<(int Updates, long MaxGapMs, string Visibility)> Pages,
        LivePages.RendererTimes Renderer,
        IReadOnlyList<Marker> Markers)
    {
        public long Lost => Math.Max(0, Offered - Received);
    }

    public static string Write(Setup setup, Phase before, Phase live, Phase after, long serverPeakBytes,
        LossFreeSearch.Result? searchWithout = null, LossFreeSearch.Result? searchWith = null)
    {
        var cores = ProcFs.OnlineCpus();
        var text = new StringBuilder();
        Line(text, $"UI benchmark: {setup.Pages} sensor pages open live at {setup.FlowsPerSecond:N0} flows/s");
        Line(text, $"server: published FlowWeb (Release, Production) in its own process (pid {setup.ServerPid}){(cores >= 2 ? " pinned to CPU 0" : "")}, measured from /proc and /metrics");
        Line(text, $"load: {setup.Sensors} NetFlow v9 sensors on UDP {setup.Port} (127.0.0.1), one per simulated RouterOS 7 exporter 127.0.0.11-{10 + setup.Sensors}, standard channels and six toplists; {setup.FlowsPerSecond / setup.Sensors:N0} flows/s each");
        Line(text, $"pages: one Chromium context per sensor page (headless Debian chromium on every core at the lowest priority, in {setup.Browser}: it takes the time the others leave), Overview tab (live graph, channels, Top Talkers); sender and test on CPU {ProcFs.AllowedCpus()}");
        Line(text, $"phases: no page open, {setup.Pages} pages open, pages closed again; {setup.Window.TotalSeconds:0} s measured in each after 5 s of load");
        Line(text, $"machine: {cores} cores; load average at start {setup.LoadAtStart}, at end {setup.LoadAtEnd}");
        Line(text, "");
        Line(text, $"{"",-38}{"no page open",14}{setup.Pages + " live pages",16}{"pages closed",14}{"live - before",15}");
        Row(text, "flows offered", before.Offered, live.Offered, after.Offered, "N0");
        Row(text, "offered rate, flows/s", before.OfferedPerSecond, live.OfferedPerSecond, after.OfferedPerSecond, "N0", difference: false);
        Row(text, "flows received by the sensors", before.Received, live.Received, after.Received, "N0");
        Row(text, "flows lost", before.Lost, live.Lost, after.Lost, "N0");
        Row(text, "kernel receive-buffer drops", before.KernelDrops, live.KernelDrops, after.KernelDrops, "N0");
        Row(text, "longest receive lock wait (1 min), ms", before.LockWaitMs, live.LockWaitMs, after.LockWaitMs, "0.000");
        Row(text, "GC pauses in the phase, ms", before.GcPauseMs, live.GcPauseMs, after.GcPauseMs, "0");
        Row(text, "GC collections in the phase", before.GcCollections, live.GcCollections, after.GcCollections, "N0");
        Row(text, "server CPU, % of one core", 100 * before.ServerCores, 100 * live.ServerCores, 100 * after.ServerCores, "0.0");
        Row(text, $"server CPU, % of the machine ({cores} cores)", 100 * before.ServerCores / cores, 100 * live.ServerCores / cores, 100 * after.ServerCores / cores, "0.0");
        Row(text, "server writes (sockets, files), KB/s", before.ServerBytesWrittenPerSecond / 1024, live.ServerBytesWrittenPerSecond / 1024, after.ServerBytesWrittenPerSecond / 1024, "N0");
        Row(text, "server RSS average, MB", before.Rss.Average() / MB, live.Rss.Average() / MB, after.Rss.Average() / MB, "0");
        Row(text, "server RSS peak in window, MB", before.Rss.Max() / MB, live.Rss.Max() / MB, after.Rss.Max() / MB, "0");
        Row(text, "GC heap average, MB", before.Heap.Average() / MB, live.Heap.Average() / MB, after.Heap.Average() / MB, "0.0");
        Row(text, "GC heap peak, MB", before.Heap.Max() / MB, live.Heap.Max() / MB, after.Heap.Max() / MB, "0.0");
        Row(text, "live subscriptions on the server", before.Subscriptions, live.Subscriptions, after.Subscriptions, "0");
        Row(text, "browser CPU, % of one core", 100 * before.BrowserCores, 100 * live.BrowserCores, 100 * after.BrowserCores, "0.0");
        Row(text, "machine busy (everything), %", 100 * before.MachineBusy, 100 * live.MachineBusy, 100 * after.MachineBusy, "0.0");
        Line(text, "");
        Line(text, $"per live page (live - before) / {setup.Pages}: {100 * (live.ServerCores - before.ServerCores) / setup.Pages:0.00}% of one core, "
            + $"{(live.Rss.Average() - before.Rss.Average()) / MB / setup.Pages:0.0} MB RSS, {(live.Heap.Average() - before.Heap.Average()) / MB / setup.Pages:0.00} MB GC heap, "
            + $"{(live.ServerBytesWrittenPerSecond - before.ServerBytesWrittenPerSecond) / 1024 / setup.Pages:0.0} KB/s written");
        Line(text, $"server peak RSS over its whole life (VmHWM): {serverPeakBytes / MB:0} MB");
        if (searchWithout is not null && searchWith is not null)
        {
            Line(text, $"highest loss-free rate (flowbench's method: doubling, then bisection to within 5 %; {setup.Sensors} sensors, the sender on CPU {ProcFs.AllowedCpus()}, the browser at the lowest priority on every core):");
            Line(text, $"  no page open:        {searchWithout.Describe()}");
            Line(text, $"  {setup.Pages} live pages open: {searchWith.Describe()}");
            Line(text, string.Create(CultureInfo.InvariantCulture, $"  with pages / without: {(double)searchWith.Rate / Math.Max(1, searchWithout.Rate):0.00}"));
        }

        var unanswered = live.Pages.Count(p => p.Updates < 0);
        if (unanswered > 0)
        {
            Line(text, $"{unanswered} of {live.Pages.Count} pages did not answer within 30 s (the browser is starved)");
        }

        if (live.Pages.Count > unanswered)
        {
            var updates = live.Pages.Where(p => p.Updates >= 0).Select(p => p.Updates).Order().ToList();
            var gaps = live.Pages.Where(p => p.Updates >= 0).Select(p => p.MaxGapMs).Order().ToList();
            Line(text, $"page updates in {live.Seconds:0} s: per page min {updates[0]}, median {updates[updates.Count / 2]}, max {updates[^1]} DOM updates; "
                + $"longest gap between two updates: median page {gaps[gaps.Count / 2]} ms, worst page {gaps[^1]} ms; visibility {string.Join(",", live.Pages.Select(p => p.Visibility).Distinct())}");
        }

        if (live.Pages.Count > 0)
        {
            var perPage = 1000 / live.Seconds / live.Pages.Count;
            var m = live.Renderer;
            Line(text, $"renderer per page (DevTools metrics), per second: {m.ProcessCpu * perPage:0.0} ms CPU, of which {m.ThreadCpu * perPage:0.0} ms on the main thread; "
                + $"main-thread tasks {m.Tasks * perPage:0.0} ms wall clock, of which script {m.Script * perPage:0.0}, layout {m.Layout * perPage:0.0}, style {m.Style * perPage:0.0}; "
                + $"{m.Layouts / live.Seconds / live.Pages.Count:0.0} layouts");
        }

        if (live.Markers.Count > 0)
        {
            var frame = live.Markers.Where(m => m.FrameMs is not null).Select(m => m.FrameMs!.Value).Order().ToList();
            var dom = live.Markers.Where(m => m.DomMs is not null).Select(m => m.DomMs!.Value).Order().ToList();
            Line(text, $"arrival to screen ({live.Markers.Count} marker flows, {dom.Count} seen; each sent by a sensor's exporter amid the load, found in that page's Top Talkers):");
            if (dom.Count > 0)
            {
                Line(text, $"  send to the DOM update:                      median {Median(dom)} ms, max {dom[^1]} ms, min {dom[0]} ms");
            }

            if (frame.Count > 0)
            {
                Line(text, $"  send to the next frame after the DOM update: median {Median(frame)} ms, max {frame[^1]} ms ({frame.Count} with a frame within 2 s)");
            }

            Line(text, $"  samples (ms, to the DOM): {string.Join(" ", live.Markers.Select(m => m.DomMs?.ToString(CultureInfo.InvariantCulture) ?? "missed"))}");
        }

        return text.ToString();
    }

    private static long Median(List<long> sorted) => sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;

    private static void Row(StringBuilder text, string label, double before, double live, double after, string format, bool difference = true)
    {
        var delta = difference ? (live - before).ToString(format.StartsWith('N') ? "+#,0;-#,0;0" : $"+{format};-{format};0", CultureInfo.InvariantCulture) : "";
        Line(text, $"{label,-38}{Cell(before),14}{Cell(live),16}{Cell(after),14}{delta,15}");

        string Cell(double value) => value.ToString(format, CultureInfo.InvariantCulture);
    }

    private static void Line(StringBuilder text, string line) => text.Append(line).Append('\n');
}
