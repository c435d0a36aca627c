using FlowWeb.Core.Configuration;
using FlowWeb.Core.Sensors;
using FlowWeb.Core.Storage.History;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FlowWeb.Core.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Options from <c>Storage</c> and <c>ConnectionStrings:FlowWeb</c> (validated at start-up); the EF Core context
    /// factory; <see cref="ISensorStore"/> as <see cref="EfSensorStore"/>; <see cref="TemplatePersistence"/>,
    /// <see cref="HistoryWriter"/>, <see cref="RetentionService"/> and <see cref="HistoryQueryService"/>. Its hosted
    /// services (data directory, migrations, template restore, history writer, retention) are placed ahead of every
    /// hosted service registered so far, so they start before the collector and stop after it whatever the order of
    /// the <c>AddXxx</c> calls.
    /// </summary>
    public static IServiceCollection AddFlowStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<StorageOptions>()
            .Bind(configuration.GetSection(StorageOptions.SectionName))
            .Configure(o => o.ConnectionString = configuration.GetConnectionString(StorageOptions.ConnectionStringName) ?? o.ConnectionString)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageOptions>>(new ErrorListOptionsValidator<StorageOptions>(o => o.Validate()));
        services.TryAddSingleton(TimeProvider.System);

        services.AddDbContextFactory<FlowWebDbContext>((sp, builder) =>
        {
            var storage = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            FlowWebDbContext.Configure(builder, storage.ResolveConnectionString(), storage.BusyTimeout);
        });
        services.AddSingleton<SqliteConnectionFactory>();

        // The database store replaces any other (the in-memory one loses settings at restart).
        services.RemoveAll<ISensorStore>();
        services.AddSingleton<EfSensorStore>();
        services.AddSingleton<ISensorStore>(sp => sp.GetRequiredService<EfSensorStore>());
        services.RemoveAll<Interfaces.IInterfaceStore>();
        services.AddSingleton<Interfaces.IInterfaceStore, EfInterfaceStore>();

        services.AddSingleton<TemplatePersistence>();
        services.AddSingleton<HistoryStatus>();
        // Named constructor: the writer must report to the HistoryStatus singleton that /health and the banner read.
        services.AddSingleton(sp => new HistoryWriter(sp.GetRequiredService<SqliteConnectionFactory>(), sp.GetRequiredService<IOptions<StorageOptions>>(),
            sp.GetRequiredService<HistoryStatus>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<HistoryWriter>>()));
        services.AddHealthChecks().AddCheck<HistoryHealthCheck>("history");
        services.AddSingleton<RetentionService>();
        services.AddSingleton<HistoryQueryService>();
        services.AddSingleton<CollectorHistoryFeed>();
        services.AddSingleton<SFlowCounterStore>();
        services.AddSingleton<SFlowCounterRecorder>();
        services.AddSingleton<Live.IMetricsSource>(sp => sp.GetRequiredService<CollectorHistoryFeed>());

        InsertHostedServicesFirst(services,
        [
            ServiceDescriptor.Singleton<IHostedService, DataDirectoryInitializer>(),
            ServiceDescriptor.Singleton<IHostedService, DatabaseMigrator>(),
            ServiceDescriptor.Singleton<IHostedService, TemplatePersistenceService>(),
            ServiceDescriptor.Singleton<IHostedService>(sp => sp.GetRequiredService<HistoryWriter>()),
            ServiceDescriptor.Singleton<IHostedService>(sp => sp.GetRequiredService<RetentionService>()),
            ServiceDescriptor.Singleton<IHostedService>(sp => sp.GetRequiredService<CollectorHistoryFeed>()),
            ServiceDescriptor.Singleton<IHostedService>(sp => sp.GetRequiredService<SFlowCounterRecorder>()),
        ]);
        return services;
    }

    /// <summary>Hosted services start in registration order and stop in reverse.</summary>
    private static void InsertHostedServicesFirst(IServiceCollection services, ServiceDescriptor[] descriptors)
    {
        var index = 0;
        while (index < services.Count && services[index].ServiceType != typeof(IHostedService))
        {
            index++;
        }

        foreach (var descriptor in descriptors)
        {
            services.Insert(index++, descriptor);
        }
    }
}
