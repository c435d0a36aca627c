using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FlowWeb.Core.Dns;

/// <summary>Hosts the resolver's lookup loop for the life of the app.</summary>
internal sealed class ReverseDnsWorker(IServiceProvider services) : BackgroundService
{
    // Resolved here rather than injected: the host builds hosted services before it validates options, and an
    // options error thrown from a constructor would hide the report of every other invalid setting.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        services.GetRequiredService<ReverseDnsResolver>().RunAsync(stoppingToken);
}
