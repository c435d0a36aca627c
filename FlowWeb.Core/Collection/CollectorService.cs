using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Detection;
using FlowWeb.Core.Sensors;
using FlowWeb.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FlowWeb.Core.Collection;

/// <summary>
/// Starts the collector with the stored and declared sensors, moves the sensors' clocks on every second (live
/// window, toplist periods, minutes for history), retries ports that could not be opened, and at shutdown hands
/// everything still in memory to history before closing the sockets.
/// <para>
/// The ports open once the whole host has started (<see cref="StartedAsync"/>), not when this service starts: the
/// services after this one and the web server still start up (and compile their code) on the same cores, and ports
/// opened before that had their first seconds of datagrams compete with start-up work (measured with the benchmark's
/// load: a quarter of the core went to the rest of start-up while the socket filled). A start-up that fails later
/// never opens a port.
/// </para>
/// </summary>
public sealed partial class CollectorService(IServiceProvider services, TimeProvider time) : BackgroundService, IHostedLifecycleService
{
    private static readonly TimeSpan PortRetry = TimeSpan.FromSeconds(10);
    private FlowCollector? _collector;
    private readonly Lock _stopSync = new();
    private Task? _stopping;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Resolved here rather than injected: the host builds hosted services before it validates options, and
        // an options error thrown from a constructor would hide the report of every other invalid setting.
        _collector = services.GetRequiredService<FlowCollector>();
        _collector.HoldPorts();
        var sensors = services.GetRequiredService<SensorService>();
        await DeclaredSensors.ImportAsync(services.GetRequiredService<IConfiguration>(), sensors, cancellationToken).ConfigureAwait(false);
        await sensors.ApplyAsync(cancellationToken).ConfigureAwait(false);
        if (services.GetRequiredService<IOptions<CollectorOptions>>().Value.WarmUp)
        {
            await WarmUpAsync(cancellationToken).ConfigureAwait(false);
        }

        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Compiles, before the ports open, what the first load would otherwise compile beside the receive thread: the
    /// receive path (<see cref="CollectorWarmUp"/>) and, with detection on, a first attack and alert (<see cref="AttackPathWarmUp"/>).
    /// Only a head start: a failure is logged and start-up goes on.
    /// </summary>
    private async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        var logger = services.GetRequiredService<ILogger<CollectorService>>();
        var detection = services.GetRequiredService<IOptions<DetectionOptions>>().Value;
#pragma warning disable CA1031 // A bug in a warm-up must not keep the collector from starting.
        try
        {
            var warm = CollectorWarmUp.Run(services.GetRequiredService<IOptions<AggregationOptions>>().Value, detection, time);
            LogWarmedUp(logger, warm.Took.TotalMilliseconds, warm.Datagrams, warm.Records);
        }
        catch (Exception e)
        {
            LogWarmUpFailed(logger, e);
        }

        if (!detection.Enabled)
        {
            return;
        }

        try
        {
            var warm = await AttackPathWarmUp.RunAsync(detection, time, services.GetService<IDbContextFactory<FlowWebDbContext>>(), cancellationToken).ConfigureAwait(false);
            LogAttackPathWarmedUp(logger, warm.Took.TotalMilliseconds, warm.Attack, warm.AttackWrites, warm.AlertWrites);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogAttackPathWarmUpFailed(logger, e);
        }
#pragma warning restore CA1031
    }

    [LoggerMessage(EventId = 12, Level = LogLevel.Information, Message = "Receive path warmed up in {Milliseconds:F0} ms ({Datagrams} datagrams, {Records} records of its own)")]
    private static partial void LogWarmedUp(ILogger logger, double milliseconds, int datagrams, long records);

    [LoggerMessage(EventId = 13, Level = LogLevel.Warning, Message = "Receive path warm-up failed; the first datagrams will wait for its compilation")]
    private static partial void LogWarmUpFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 14, Level = LogLevel.Information, Message = "Attack path warmed up in {Milliseconds:F0} ms (attack {Attack}, {AttackWrites} attack and {AlertWrites} alert writes to a private database)")]
    private static partial void LogAttackPathWarmedUp(ILogger logger, double milliseconds, AttackType? attack, int attackWrites, int alertWrites);

    [LoggerMessage(EventId = 15, Level = LogLevel.Warning, Message = "Attack path warm-up failed; the first attack will wait for its compilation")]
    private static partial void LogAttackPathWarmUpFailed(ILogger logger, Exception exception);

    /// <summary>Every hosted service, the web server included, has started: the sensors' ports open now.</summary>
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        _collector?.OpenPorts();
        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// The tick runs on a thread of its own at the receive threads' priority (<see cref="CollectorOptions.ReceiveThreadNice"/>):
    /// it holds their sensor locks for a copy and a toplist scan each second, and on the thread pool, among the pages'
    /// rendering at the process's priority, it could be preempted while holding them, and the receive threads wait for
    /// it (a priority inversion: with 20 live pages on the collector's core and the receive thread saturated, waits of
    /// up to 99 ms showed in <c>flowweb_receive_lock_wait_max_seconds</c>).
    /// </summary>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        DedicatedThread.Run("flowweb-tick", () => TickLoop(stoppingToken));

    private void TickLoop(CancellationToken stoppingToken)
    {
        var options = services.GetRequiredService<IOptions<CollectorOptions>>().Value;

        // Refused without root or CAP_SYS_NICE: the receive threads then keep the process's priority too, and say so.
        ReceivePriority.TrySet(options.ReceiveThreadNice);

        // The tick's pace is wall-clock time (pages refresh once a second) whatever clock the data is stamped with: a
        // test's fake clock then moves the data on when it is advanced, and the live frames keep coming meanwhile.
        using var timer = new PeriodicTimer(options.FrameInterval, TimeProvider.System);
        var lastRetry = time.GetUtcNow();
        try
        {
            // A thread of its own waits for the timer by blocking: nothing else runs on it.
            while (timer.WaitForNextTickAsync(stoppingToken).AsTask().GetAwaiter().GetResult())
            {
                _collector!.Tick();
                if (time.GetUtcNow() - lastRetry >= PortRetry)
                {
                    lastRetry = time.GetUtcNow();
                    _collector.RetryFailedPorts();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>Drains once: a host may stop twice at once (a test factory and the app's own run loop), and a second drain must not hand anything over again.</summary>
    public override Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_stopSync)
        {
            return _stopping ??= StopOnceAsync(cancellationToken);
        }
    }

    private async Task StopOnceAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (_collector is not null)
        {
            _collector.DrainToHistory();
            _collector.Dispose();
        }
    }
}
