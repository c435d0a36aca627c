using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FlowWeb.Core.Live;

/// <summary>Tells subscribed pages once a second that the live state may have moved (<see cref="SensorLiveState.Pulse"/>).</summary>
public sealed class LivePulseService(IServiceProvider services, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Resolved here rather than injected, as the collector service does: options errors must be reported together at start-up.
        var live = services.GetRequiredService<SensorLiveState>();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                live.Pulse();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }
}
