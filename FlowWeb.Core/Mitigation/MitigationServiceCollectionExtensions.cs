using FlowWeb.Core.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FlowWeb.Core.Mitigation;

public static class MitigationServiceCollectionExtensions
{
    /// <summary>
    /// Mitigation through the RouterOS REST API: the devices' settings (passwords encrypted with ASP.NET Core Data
    /// Protection, whose keys are kept in the data directory's <c>keys</c> folder so that they survive restarts and
    /// container rebuilds with the data volume) and the service that bans and removes. Needs <c>AddFlowStorage</c>
    /// and <c>AddAttackDetection</c>.
    /// </summary>
    public static IServiceCollection AddMitigation(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName("FlowWeb");
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => new ConfigureOptions<KeyManagementOptions>(o =>
        {
            // Read from configuration, not IOptions<StorageOptions>: the key manager is built before start-up validation,
            // which then reports every section's problems together (a bad data directory among them).
            var directory = sp.GetRequiredService<IConfiguration>()[$"{StorageOptions.SectionName}:{nameof(StorageOptions.DataDirectory)}"] ?? new StorageOptions().DataDirectory;
            if (!string.IsNullOrWhiteSpace(directory) && new StorageOptions { DataDirectory = directory }.Validate().All(e => !e.Contains(nameof(StorageOptions.DataDirectory), StringComparison.Ordinal)))
            {
                var folder = Path.Combine(Path.GetFullPath(directory), "keys");
                o.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(folder), sp.GetRequiredService<ILoggerFactory>());
            }
        }));
        services.AddSingleton(sp => new MitigationSettingsStore(
            new Lazy<IDbContextFactory<FlowWebDbContext>>(sp.GetRequiredService<IDbContextFactory<FlowWebDbContext>>),
            new Lazy<IDataProtectionProvider>(sp.GetRequiredService<IDataProtectionProvider>)));
        services.AddSingleton<MitigationService>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<MitigationService>());
        return services;
    }
}
