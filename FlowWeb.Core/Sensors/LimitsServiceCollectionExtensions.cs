using FlowWeb.Core.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FlowWeb.Core.Sensors;

public static class LimitsServiceCollectionExtensions
{
    /// <summary>The <c>Limits</c> section (<see cref="LimitsOptions"/>), validated at start-up with every problem reported.</summary>
    public static IServiceCollection AddFlowLimits(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<LimitsOptions>().Bind(configuration.GetSection(LimitsOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<LimitsOptions>>(new ErrorListOptionsValidator<LimitsOptions>(o => o.Validate()));
        return services;
    }
}
