using Microsoft.Extensions.DependencyInjection;

namespace FlowWeb.Core.Live;

public static class LiveServiceCollectionExtensions
{
    /// <summary>
    /// What pages, the API and <c>/metrics</c> read of the running collector: the live state of sensors and
    /// exporters, the metrics text, and the publisher of the once-a-second frames they read. Needs <c>AddFlowCollector</c>.
    /// </summary>
    public static IServiceCollection AddFlowLive(this IServiceCollection services)
    {
        services.AddSingleton<LiveInterest>();
        services.AddSingleton<LivePublisher>();
        services.AddHostedService(sp => sp.GetRequiredService<LivePublisher>());
        services.AddSingleton<SensorLiveState>();
        services.AddSingleton<PrometheusMetrics>();
        services.AddSingleton<IMetricsSource, ProcessMetrics>();
        return services;
    }
}
