using FlowWeb.Core.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FlowWeb.Core.Enrichment;

public static class EnrichmentServiceCollectionExtensions
{
    /// <summary>AS and country enrichment: options from <c>Enrichment</c>, the <see cref="IpEnrichment"/> singleton and the watcher that loads its files.</summary>
    public static IServiceCollection AddEnrichment(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<EnrichmentOptions>().Bind(configuration.GetSection(EnrichmentOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<EnrichmentOptions>>(new ErrorListOptionsValidator<EnrichmentOptions>(o => o.Validate()));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IpEnrichment>();
        services.AddHostedService<EnrichmentWatcher>();
        return services;
    }
}
