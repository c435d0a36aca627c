using FlowWeb.Core.Live;
using FlowWeb.Core.Alerts.Limits;
using FlowWeb.Core.Sensors;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FlowWeb.Core.Alerts;

/// <summary>
/// Once per <see cref="AlertsOptions.EvaluationInterval"/>: channel limits from the sensors' current values, then the
/// sensors' states (which the limits feed), then the collector's own health. Reads the live snapshots pages read, from
/// the first frame published after the pass began,
/// so it costs the receive path nothing; a failing pass is logged and the next one runs.
/// </summary>
public sealed partial class AlertMonitorService(
    SensorLiveState live, LivePublisher frames, ChannelLimitMonitor limits, SensorStateMonitor states, CollectorHealthMonitor health, IOptions<AlertsOptions> options,
    TimeProvider time, ILogger<AlertMonitorService> logger) : BackgroundService
{
    /// <summary>Passes completed (tests wait for a pass after they changed something).</summary>
    public long Passes => Interlocked.Read(ref _passes);

    private long _passes;

    /// <summary>The longest a pass waits for the collector's next frame (published once a second).</summary>
    private static readonly TimeSpan FrameWait = TimeSpan.FromSeconds(3);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.EvaluationInterval, time);
        try
        {
            do
            {
                try
                {
                    await PassAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogFailed(logger, e);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    public async Task PassAsync(CancellationToken cancellationToken = default)
    {
        // Judge the frame after this moment, not one built before it: what was received until now is in it.
        await frames.NextFrameAsync(FrameWait, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        limits.Evaluate(await live.SnapshotsAsync(cancellationToken).ConfigureAwait(false), now);
        states.Evaluate(await live.SnapshotsAsync(cancellationToken).ConfigureAwait(false));
        health.Evaluate(now);
        Interlocked.Increment(ref _passes);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Evaluating limits and states failed on this pass")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
