using Microsoft.Extensions.DependencyInjection;

namespace FlowWeb.Core.Live;

public static class LiveServiceCollectionExtensions
{
    /// <summary>
    /// What pages, the API and <c>/metrics</c> read of the running collector: the live state of sensors and
    /// exporters, the metrics text and the once-a-second change notification. Needs <c>AddFlowCollector</c>.
    /// </summary>
    public static IServiceCollection AddFlowLive(this IServiceCollection services)
    {
        services.AddSingleton<SensorLiveState>();
        services.AddSingleton<ExporterDirectory>();
        services.AddSingleton<PrometheusMetrics>();
        services.AddSingleton<IMetricsSource, ProcessMetrics>();
        services.AddHostedService<LivePulseService>();
        return services;
    }
}
