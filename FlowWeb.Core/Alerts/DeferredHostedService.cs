using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FlowWeb.Core.Alerts;

/// <summary>
/// Resolves a hosted service when the host starts it, not when the host builds its list: the host builds hosted
/// services before it validates options, and a service whose construction reads an invalid section would throw that
/// section's error alone, hiding the report of every other invalid setting (as <c>CollectorService</c> notes).
/// </summary>
internal sealed class DeferredHostedService<T>(IServiceProvider services) : IHostedService
    where T : IHostedService
{
    private T? _service;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _service = services.GetRequiredService<T>();
        return _service.StartAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => _service?.StopAsync(cancellationToken) ?? Task.CompletedTask;
}
