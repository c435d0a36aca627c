using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FlowWeb.Core.Interfaces;

public static class InterfaceServiceCollectionExtensions
{
    /// <summary>Interface names per device (<see cref="InterfaceCatalog"/>), kept in memory unless storage registered its store.</summary>
    public static IServiceCollection AddInterfaceNames(this IServiceCollection services)
    {
        services.TryAddSingleton<IInterfaceStore, InMemoryInterfaceStore>();
        services.AddSingleton<InterfaceCatalog>();
        return services;
    }
}
