using FlowWeb.Core.Configuration;
using FlowWeb.Core.Decoding;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FlowWeb.Core.Collection;

public static class CollectionServiceCollectionExtensions
{
    /// <summary>
    /// The UDP collector: options from <c>Collector</c> and <c>Decoder</c> (validated at start-up), one
    /// <see cref="FlowDecoder"/>, the receive loop, <see cref="ExporterDirectory"/> for the UI and a health
    /// check named <c>collector</c>.
    /// </summary>
    public static IServiceCollection AddFlowCollector(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<CollectorOptions>().Bind(configuration.GetSection(CollectorOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<CollectorOptions>>(new ErrorListOptionsValidator<CollectorOptions>(o => o.Validate()));
        services.AddOptions<DecoderOptions>().Bind(configuration.GetSection(DecoderOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DecoderOptions>>(new ErrorListOptionsValidator<DecoderOptions>(o => o.Validate()));

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new FlowDecoder(sp.GetRequiredService<IOptions<DecoderOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<CollectorStatus>();
        services.AddSingleton<ExporterDirectory>();
        services.AddHostedService<UdpFlowListener>();
        services.AddHealthChecks().AddCheck<CollectorHealthCheck>("collector");
        return services;
    }
}
