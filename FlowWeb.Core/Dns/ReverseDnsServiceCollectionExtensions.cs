using FlowWeb.Core.Configuration;
using FlowWeb.Core.Live;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FlowWeb.Core.Dns;

public static class ReverseDnsServiceCollectionExtensions
{
    /// <summary>
    /// Reverse DNS: options from <c>ReverseDns</c> (validated at start-up), the <see cref="ReverseDnsResolver"/>
    /// singleton that pages ask for names, and the worker that runs its lookups.
    /// </summary>
    public static IServiceCollection AddReverseDns(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<ReverseDnsOptions>().Bind(configuration.GetSection(ReverseDnsOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ReverseDnsOptions>>(new ErrorListOptionsValidator<ReverseDnsOptions>(o => o.Validate()));

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ReverseDnsResolver>();
        services.AddHostedService<ReverseDnsWorker>();
        services.AddSingleton<IMetricsSource, ReverseDnsMetrics>();
        return services;
    }
}
