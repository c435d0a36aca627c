using FlowWeb.Core.Live;
using FlowWeb.Core.Collection;
using FlowWeb.Core.Configuration;
using FlowWeb.Core.Notifications;
using FlowWeb.Core.Sensors;
using FlowWeb.Core.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FlowWeb.Core.Alerts;

public static class AlertsServiceCollectionExtensions
{
    /// <summary>Folder under the data directory where Data Protection keeps its keys.</summary>
    public const string KeysFolder = "keys";

    /// <summary>
    /// Events and alarms (<see cref="AlertCenter"/> as <see cref="IAlertSink"/>, its writer), notification channels
    /// and rules (<see cref="NotificationService"/>, the dispatcher with its senders, the rule engine), options from
    /// <c>Alerts</c> and <c>Notifications</c>, channels and rules declared in configuration, and Data Protection with
    /// its keys in the data directory. Call after <c>AddFlowStorage</c> and <c>AddFlowCollector</c>.
    /// </summary>
    public static IServiceCollection AddFlowAlerts(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<AlertsOptions>().Bind(configuration.GetSection(AlertsOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AlertsOptions>>(new ErrorListOptionsValidator<AlertsOptions>(o => o.Validate()));
        services.AddOptions<NotificationsOptions>().Bind(configuration.GetSection(NotificationsOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<NotificationsOptions>>(new ErrorListOptionsValidator<NotificationsOptions>(o => o.Validate()));
        services.TryAddSingleton(TimeProvider.System);

        // Keys in the data directory, not in memory: secrets stored today must decrypt after a restart or an upgrade.
        services.AddDataProtection().SetApplicationName("FlowWeb");
        // The folder is read from configuration, not from the validated StorageOptions: Data Protection is built early,
        // and reading those options here would report a bad Storage setting alone, hiding every other invalid setting.
        services.AddOptions<KeyManagementOptions>().Configure<ILoggerFactory>((o, logs) =>
            o.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(Path.Combine(DataDirectory(configuration), KeysFolder)), logs));

        services.AddSingleton(sp => new AlertCenter(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<AlertsOptions>>().Value.QueueCapacity));
        services.AddSingleton<IAlertSink>(sp => sp.GetRequiredService<AlertCenter>());
        services.AddSingleton<AlertStore>();
        services.AddSingleton<AlertWriter>();
        services.AddSingleton<Limits.ChannelLimitMonitor>();
        services.AddSingleton<ISensorStatusOverlay>(sp => sp.GetRequiredService<Limits.ChannelLimitMonitor>());
        services.AddSingleton<SensorStateMonitor>();
        services.AddSingleton<CollectorHealthMonitor>();
        services.AddSingleton<AlertMonitorService>();
        services.AddSingleton<IMetricsSource>(sp => sp.GetRequiredService<AlertWriter>());

        services.AddHttpClient(WebhookSender.HttpClientName);
        services.AddSingleton<SecretProtector>();
        services.AddSingleton<NotificationStore>();
        services.AddSingleton<INotificationSender, EmailSender>();
        services.AddSingleton<INotificationSender, WebhookSender>();
        services.AddSingleton<INotificationSender, ScriptSender>();
        services.AddSingleton(sp => new NotificationDispatcher(
            id => sp.GetRequiredService<NotificationService>().Channel(id),
            sp.GetServices<INotificationSender>(),
            sp.GetRequiredService<NotificationStore>(),
            sp.GetRequiredService<IAlertSink>(),
            sp.GetRequiredService<IOptions<NotificationsOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<NotificationDispatcher>>()));
        services.AddSingleton<IMetricsSource>(sp => sp.GetRequiredService<NotificationDispatcher>());
        services.AddSingleton<NotificationService>();
        services.AddSingleton(sp =>
        {
            var notifications = sp.GetRequiredService<NotificationService>();
            var sensors = sp.GetRequiredService<SensorService>();
            var center = sp.GetRequiredService<AlertCenter>();
            var engine = new NotificationRuleEngine(
                () => notifications.Rules,
                async (id, ct) => (await sensors.GetSensorAsync(id, ct).ConfigureAwait(false))?.Tags.ToList() ?? [],
                center.ActiveAlarm,
                sp.GetRequiredService<NotificationDispatcher>(),
                sp.GetRequiredService<TimeProvider>());
            center.AddListener(engine);
            return engine;
        });
        services.AddSingleton<NotificationRuleService>();

        // The writer loads the alarms and event ids before anything can raise an event: ahead of the collector.
        InsertBefore<CollectorService>(services, ServiceDescriptor.Singleton<IHostedService>(sp => new DeferredHostedService<AlertWriter>(sp)));
        services.AddHostedService<NotificationsStartup>();
        services.AddSingleton<IHostedService>(sp => new DeferredHostedService<NotificationDispatcher>(sp));
        services.AddSingleton<IHostedService>(sp => new DeferredHostedService<NotificationRuleService>(sp));
        services.AddSingleton<IHostedService>(sp => new DeferredHostedService<AlertMonitorService>(sp));
        return services;
    }

    private static string DataDirectory(IConfiguration configuration)
    {
        var configured = configuration[$"{StorageOptions.SectionName}:{nameof(StorageOptions.DataDirectory)}"];
        try
        {
            return Path.GetFullPath(string.IsNullOrWhiteSpace(configured) ? new StorageOptions().DataDirectory : configured);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            // Storage's own validation reports the setting; start-up stops there.
            return Path.GetFullPath(new StorageOptions().DataDirectory);
        }
    }

    private static void InsertBefore<T>(IServiceCollection services, ServiceDescriptor descriptor)
    {
        var index = 0;
        while (index < services.Count && !(services[index].ServiceType == typeof(IHostedService) && services[index].ImplementationType == typeof(T)))
        {
            index++;
        }

        services.Insert(index, descriptor);
    }
}

/// <summary>Loads channels and rules, then creates or replaces those declared in configuration (after the sensors they may name).</summary>
internal sealed class NotificationsStartup(IServiceProvider services) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var notifications = services.GetRequiredService<NotificationService>();
        services.GetRequiredService<NotificationRuleEngine>();
        await notifications.LoadAsync(cancellationToken).ConfigureAwait(false);
        await DeclaredNotifications.ImportAsync(services.GetRequiredService<IConfiguration>(), notifications,
            services.GetRequiredService<SensorService>(), cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
