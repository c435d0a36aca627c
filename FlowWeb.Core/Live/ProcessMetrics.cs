using System.Diagnostics;
using System.Text;

namespace FlowWeb.Core.Live;

/// <summary>
/// The server process itself in <c>/metrics</c>: CPU time, resident memory, the GC heap, collections and pauses, and how
/// many live page parts are subscribed to the live state, so that the cost of open pages can be watched (and
/// measured by <c>.ci/bench-ui</c>) from outside the process. Read at scrape time; nothing runs in between.
/// </summary>
public sealed class ProcessMetrics(SensorLiveState live) : IMetricsSource
{
    public void WriteMetrics(StringBuilder text)
    {
        using var process = Process.GetCurrentProcess();
        var gc = GC.GetGCMemoryInfo();

        PrometheusMetrics.Family(text, "process_cpu_seconds_total", "counter", "User and system CPU time of the server process, in seconds.");
        PrometheusMetrics.Sample(text, "process_cpu_seconds_total", process.TotalProcessorTime.TotalSeconds);
        PrometheusMetrics.Family(text, "process_resident_memory_bytes", "gauge", "Resident memory of the server process (VmRSS on Linux).");
        PrometheusMetrics.Sample(text, "process_resident_memory_bytes", Environment.WorkingSet);
        PrometheusMetrics.Family(text, "dotnet_gc_heap_size_bytes", "gauge", "Size of the managed heap after the last garbage collection, fragmentation included.");
        PrometheusMetrics.Sample(text, "dotnet_gc_heap_size_bytes", gc.HeapSizeBytes);
        PrometheusMetrics.Family(text, "dotnet_gc_committed_bytes", "gauge", "Memory the garbage collector has committed.");
        PrometheusMetrics.Sample(text, "dotnet_gc_committed_bytes", gc.TotalCommittedBytes);
        PrometheusMetrics.Family(text, "dotnet_gc_allocated_bytes_total", "counter", "Bytes allocated on the managed heap since the process started.");
        PrometheusMetrics.Sample(text, "dotnet_gc_allocated_bytes_total", GC.GetTotalAllocatedBytes());
        PrometheusMetrics.Family(text, "dotnet_gc_collections_total", "counter", "Garbage collections since the process started, by generation.");
        for (var generation = 0; generation <= GC.MaxGeneration; generation++)
        {
            PrometheusMetrics.Sample(text, "dotnet_gc_collections_total", GC.CollectionCount(generation), ("generation", $"gen{generation}"));
        }

        PrometheusMetrics.Family(text, "dotnet_gc_pause_seconds_total", "counter", "Time the garbage collector paused the process's threads (receive threads included) since the process started.");
        PrometheusMetrics.Sample(text, "dotnet_gc_pause_seconds_total", GC.GetTotalPauseDuration().TotalSeconds);
        PrometheusMetrics.Family(text, "flowweb_live_subscriptions", "gauge", "Live page components subscribed to the collector's change notifications (open, connected pages).");
        PrometheusMetrics.Sample(text, "flowweb_live_subscriptions", live.SubscriberCount);
    }
}
