using FlowWeb.Core.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FlowWeb.Core.Demo;

public static class DemoServiceCollectionExtensions
{
    /// <summary>
    /// Demo mode, when <see cref="DemoOptions.IsEnabled"/>: options from <c>Demo</c> (validated at start-up) and the
    /// simulated exporter. Nothing is registered otherwise. Needs the collector (<c>AddFlowCollector</c>) registered first.
    /// </summary>
    public static IServiceCollection AddFlowDemo(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (!DemoOptions.IsEnabled(configuration))
        {
            return services;
        }

        services.AddOptions<DemoOptions>().Bind(configuration.GetSection(DemoOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DemoOptions>>(new ErrorListOptionsValidator<DemoOptions>(o => o.Validate()));
        services.AddHostedService<DemoExporterService>();
        return services;
    }
}
