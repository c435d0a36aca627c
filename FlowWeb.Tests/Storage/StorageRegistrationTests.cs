using FlowWeb.Core.Collection;
using FlowWeb.Core.Sensors;
using FlowWeb.Core.Storage;
using FlowWeb.Core.Storage.History;
using FlowWeb.Tests.Web;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FlowWeb.Tests.Storage;

public sealed class StorageRegistrationTests
{
    private static IConfiguration Configuration(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();

    [Fact]
    public void AddFlowStorage_AfterCollector_StorageHostedServicesStartFirstAndSensorStoreIsEf()
    {
        var configuration = Configuration(("Storage:DataDirectory", Path.GetTempPath()));
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<ISensorStore, InMemorySensorStore>();
        services.AddFlowCollector(configuration);
        services.AddFlowStorage(configuration);
        using var provider = services.BuildServiceProvider();

        var hosted = provider.GetServices<IHostedService>().Select(s => s.GetType().Name).ToList();

        Assert.IsType<EfSensorStore>(provider.GetRequiredService<ISensorStore>());
        Assert.Equal(
            ["DataDirectoryInitializer", "DatabaseMigrator", "TemplatePersistenceService", nameof(HistoryWriter), nameof(RetentionService), nameof(CollectorHistoryFeed), nameof(SFlowCounterRecorder),
                nameof(CollectorService)],
            hosted.Take(8));
        Assert.Same(provider.GetRequiredService<HistoryWriter>(), provider.GetServices<IHostedService>().OfType<HistoryWriter>().Single());
        Assert.NotNull(provider.GetRequiredService<HistoryQueryService>());
    }

    [Fact]
    public void HostedServices_InvalidStorageSettings_ConstructedWithoutReadingOptions()
    {
        // Hosts construct hosted services before start-up validation, which must see every section's errors together.
        var configuration = Configuration(("Storage:DataDirectory", " "), ("Storage:HistoryQueueCapacity", "0"));
        var services = new ServiceCollection().AddLogging();
        services.AddFlowStorage(configuration);
        using var provider = services.BuildServiceProvider();

        var hosted = provider.GetServices<IHostedService>().ToList();
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<StorageOptions>>().Value);

        Assert.Equal(8, hosted.Count); // seven of storage's, and the health checks' publisher (storage adds the history check)
        Assert.Contains("Storage:HistoryQueueCapacity", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_ConnectionStringWithDataDirectoryToken_Resolved()
    {
        var folder = Path.Combine(Path.GetTempPath(), "flowweb-options");
        var configuration = Configuration(("Storage:DataDirectory", folder), ("ConnectionStrings:FlowWeb", "Data Source={DataDirectory}/other.db;Cache=Shared"));
        using var provider = new ServiceCollection().AddFlowStorage(configuration).BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<StorageOptions>>().Value;

        Assert.Equal($"Data Source={folder}/other.db;Cache=Shared", options.ResolveConnectionString());
        Assert.Equal($"Data Source={folder}/flowweb.db", new StorageOptions { DataDirectory = folder }.ResolveConnectionString());
    }

    [Fact]
    public void Validate_EveryBadSetting_ReportedTogetherNamingItsKey()
    {
        var options = new StorageOptions
        {
            ConnectionString = "Data Source=",
            MinuteRetention = TimeSpan.Zero,
            HistoryQueueCapacity = 0,
            RetentionBatchRows = 0,
            ToplistMaxBytes = 10,
            TemplateSaveInterval = TimeSpan.FromSeconds(-1),
        };

        var errors = string.Join("\n", options.Validate());

        foreach (var key in new[] { "ConnectionStrings:FlowWeb", "Storage:MinuteRetention", "Storage:HistoryQueueCapacity", "Storage:RetentionBatchRows", "Storage:ToplistMaxBytes", "Storage:TemplateSaveInterval" })
        {
            Assert.Contains(key, errors, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task App_Started_DatabaseFileMigratedInDataDirectory()
    {
        using var factory = new FlowWebFactory();
        using var client = factory.CreateClient();

        var health = await client.GetAsync(new Uri("/health", UriKind.Relative));
        var store = factory.Services.GetRequiredService<ISensorStore>();
        await store.SaveDeviceAsync(new DeviceDefinition { Name = "router" });

        Assert.True(health.IsSuccessStatusCode);
        Assert.True(File.Exists(Path.Combine(factory.DataDirectory, "flowweb.db")));
        Assert.Equal("router", Assert.Single(await store.GetDevicesAsync()).Name);
    }
}
