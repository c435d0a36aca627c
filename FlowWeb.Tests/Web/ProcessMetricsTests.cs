using System.Globalization;
using FlowWeb.Core.Live;
using Microsoft.Extensions.DependencyInjection;

namespace FlowWeb.Tests.Web;

/// <summary>The server process in /metrics: what the UI benchmark and an operator read from outside.</summary>
public sealed class ProcessMetricsTests
{
    [Fact]
    public async Task Metrics_RunningApp_ReportCpuMemoryGcHeapAndLiveSubscriptions()
    {
        using var factory = new FlowWebFactory();
        using var client = factory.CreateClient();
        using var subscription = factory.Services.GetRequiredService<SensorLiveState>().Subscribe(() => { });

        GC.Collect();
        var text = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative));

        Assert.True(Sample(text, "process_cpu_seconds_total") > 0);
        Assert.True(Sample(text, "process_resident_memory_bytes") > 10_000_000);
        Assert.True(Sample(text, "dotnet_gc_heap_size_bytes") >= 0);
        Assert.True(Sample(text, "dotnet_gc_committed_bytes") > 0);
        Assert.True(Sample(text, "dotnet_gc_allocated_bytes_total") > 0);
        Assert.Contains("dotnet_gc_collections_total{generation=\"gen0\"} ", text, StringComparison.Ordinal);
        // A collection forced here pauses the process, so the total cannot be zero.
        Assert.True(Sample(text, "dotnet_gc_pause_seconds_total") > 0);
        Assert.Equal(1, Sample(text, "flowweb_live_subscriptions"));
    }

    private static double Sample(string text, string name)
    {
        var line = text.Split('\n').Single(l => l.StartsWith(name + " ", StringComparison.Ordinal));
        return double.Parse(line[(name.Length + 1)..], CultureInfo.InvariantCulture);
    }
}
