using FlowWeb.Core.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FlowWeb.Core.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>Options from <c>Storage</c> (validated at start-up) and the creation of the data directory.</summary>
    public static IServiceCollection AddFlowStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageOptions>>(new ErrorListOptionsValidator<StorageOptions>(o => o.Validate()));
        services.AddHostedService<DataDirectoryInitializer>();
        return services;
    }
}
