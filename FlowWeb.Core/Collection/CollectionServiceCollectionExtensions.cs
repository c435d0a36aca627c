using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Live;
using FlowWeb.Core.Configuration;
using FlowWeb.Core.Decoding;
using FlowWeb.Core.Enrichment;
using FlowWeb.Core.Sensors;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FlowWeb.Core.Collection;

public static class CollectionServiceCollectionExtensions
{
    /// <summary>
    /// The UDP collector and its sensors: options from <c>Collector</c>, <c>Decoder</c> and <c>Aggregation</c>
    /// (validated at start-up), one <see cref="FlowDecoder"/>, the <see cref="FlowCollector"/> with its listeners,
    /// the <see cref="SensorService"/> (in-memory store unless storage registers another) and a health check named
    /// <c>collector</c>. What pages, the API and metrics read is registered by <c>AddFlowLive</c>.
    /// </summary>
    public static IServiceCollection AddFlowCollector(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<CollectorOptions>().Bind(configuration.GetSection(CollectorOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<CollectorOptions>>(new ErrorListOptionsValidator<CollectorOptions>(o => o.Validate()));
        services.AddOptions<DecoderOptions>().Bind(configuration.GetSection(DecoderOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DecoderOptions>>(new ErrorListOptionsValidator<DecoderOptions>(o => o.Validate()));

        services.TryAddSingleton(TimeProvider.System);
        // One DecoderLimits for the process: every decoder (one per receive thread) shares its totals and allow list.
        services.AddSingleton(sp => new DecoderLimits(
            sp.GetRequiredService<IOptions<DecoderOptions>>().Value,
            ExporterAllowList.Parse(sp.GetRequiredService<IOptions<CollectorOptions>>().Value.AllowedExporters, [])));
        services.AddSingleton(sp => new FlowDecoder(time: sp.GetRequiredService<TimeProvider>(), limits: sp.GetRequiredService<DecoderLimits>()));
        services.AddOptions<AggregationOptions>().Bind(configuration.GetSection(AggregationOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AggregationOptions>>(new ErrorListOptionsValidator<AggregationOptions>(o => o.Validate()));

        services.AddSingleton<CollectorStatus>();
        services.AddSingleton(sp => new FlowCollector(
            sp.GetRequiredService<FlowDecoder>(),
            sp.GetRequiredService<IOptions<CollectorOptions>>().Value,
            sp.GetRequiredService<IOptions<AggregationOptions>>().Value,
            sp.GetRequiredService<CollectorStatus>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<FlowCollector>>(),
            sp.GetServices<IFlowObserverFactory>(),
            sp.GetService<IpEnrichment>()));
        services.AddSingleton<ISensorRunner>(sp => sp.GetRequiredService<FlowCollector>());
        services.AddSingleton<IMetricsSource>(sp => new ToplistMemoryMetrics(sp.GetRequiredService<FlowCollector>().ToplistMemory));
        services.AddSingleton<IPortAvailability>(sp => new PortAvailability(sp.GetRequiredService<FlowCollector>(), sp.GetRequiredService<IOptions<CollectorOptions>>().Value));
        services.AddFlowLimits(configuration);
        services.AddSingleton<SensorValidator>();
        services.TryAddSingleton<ISensorStore, InMemorySensorStore>();
        services.AddSingleton<SensorService>();
        services.AddHostedService<CollectorService>();
        services.AddHealthChecks().AddCheck<CollectorHealthCheck>("collector");
        return services;
    }
}
