using FlowWeb.Core.Live;
using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Collection;
using FlowWeb.Core.Configuration;
using FlowWeb.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FlowWeb.Core.Detection;

public static class DetectionServiceCollectionExtensions
{
    /// <summary>
    /// Attack detection: options from <c>Detection</c> (validated at start-up, every error naming its key), the
    /// <see cref="AttackDetection"/> the collector feeds, its once-a-second tick, and the attack records in the database
    /// (needs <c>AddFlowStorage</c>).
    /// </summary>
    public static IServiceCollection AddAttackDetection(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<DetectionOptions>().Bind(configuration.GetSection(DetectionOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DetectionOptions>>(new ErrorListOptionsValidator<DetectionOptions>(o => o.Validate()));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<AttackDetection>();
        services.AddSingleton<IFlowObserverFactory, DetectionObserverFactory>();
        services.AddSingleton<DetectionService>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<DetectionService>());
        services.AddSingleton<IMetricsSource>(sp => sp.GetRequiredService<DetectionService>());
        services.AddSingleton(sp => new AttackStore(new Lazy<IDbContextFactory<FlowWebDbContext>>(sp.GetRequiredService<IDbContextFactory<FlowWebDbContext>>)));
        services.AddSingleton<AttackQueryService>();
        services.AddSingleton<AttackRecorder>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<AttackRecorder>());
        // Attack start and end as alarms, where alerts are on (AddFlowAlerts).
        services.AddSingleton<IHostedService>(sp => new AttackAlerts(sp.GetRequiredService<AttackDetection>(), sp));
        return services;
    }
}
