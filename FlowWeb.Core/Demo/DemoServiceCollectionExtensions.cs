using FlowWeb.Core.Collection;
using FlowWeb.Core.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FlowWeb.Core.Demo;

public static class DemoServiceCollectionExtensions
{
    /// <summary>
    /// Demo mode, when <see cref="DemoOptions.IsEnabled"/>: options from <c>Demo</c> (validated at start-up) and the
    /// simulated exporter. Otherwise only the clean-up of what an earlier demo run left (<see cref="DemoLeftovers"/>).
    /// Needs storage and the collector (<c>AddFlowCollector</c>) registered first.
    /// </summary>
    public static IServiceCollection AddFlowDemo(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (!DemoOptions.IsEnabled(configuration))
        {
            // Before the collector starts, so the demo sensor is gone before any port opens for it.
            var leftovers = ServiceDescriptor.Singleton<IHostedService, DemoLeftovers>();
            var collector = services.ToList().FindIndex(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(CollectorService));
            if (collector >= 0)
            {
                services.Insert(collector, leftovers);
            }
            else
            {
                services.Add(leftovers);
            }

            return services;
        }

        services.AddOptions<DemoOptions>().Bind(configuration.GetSection(DemoOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DemoOptions>>(new ErrorListOptionsValidator<DemoOptions>(o => o.Validate()));
        services.AddHostedService<DemoExporterService>();
        return services;
    }
}
