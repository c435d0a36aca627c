using System.Net;
using System.Net.Sockets;
using FlowWeb.Core.Channels;
using FlowWeb.Core.Collection;
using FlowWeb.Core.Encoding;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Sensors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FlowWeb.Core.Demo;

/// <summary>
/// Demo mode's simulated MikroTik: at start-up it creates the demo device and sensor if they are missing (through
/// <see cref="SensorService"/>, like the UI), then every second it exports that second of <see cref="DemoTraffic"/>
/// with the RouterOS 7 encoder to FlowWeb's own collector on 127.0.0.1, from 127.0.0.1. Sends go to loopback only.
/// </summary>
public sealed partial class DemoExporterService(IServiceProvider services, TimeProvider time, ILogger<DemoExporterService> logger) : BackgroundService
{
    public const string DeviceName = "Demo MikroTik (simulated)";
    public const string SensorName = "Demo traffic";
    public const string Tag = "demo";
    public const string DeviceNotes =
        "Simulated by FlowWeb's demo mode (--demo, FLOWWEB_DEMO=true or Demo:Enabled): a built-in RouterOS 7 exporter sending " +
        "made-up traffic over loopback. Not a real router; its addresses are documentation ranges.";

    private DemoOptions _options = new();
    private int _port;
    private long _sendFailures;

    /// <summary>Datagrams the loopback socket refused (the collector's buffer full, the port closed...).</summary>
    public long SendFailures => Interlocked.Read(ref _sendFailures);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Resolved here, not injected: options are validated when the host starts, after hosted services are built.
        _options = services.GetRequiredService<IOptions<DemoOptions>>().Value;
        _port = _options.Port != 0 ? _options.Port : services.GetRequiredService<IOptions<CollectorOptions>>().Value.DefaultPort;
        await EnsureDeviceAndSensorAsync(services.GetRequiredService<SensorService>(), cancellationToken).ConfigureAwait(false);
        LogDemoOn(logger, _options.Protocol, _port, _options.PeakFlowsPerSecond);
        if (_options.AttackEveryMinutes > 0)
        {
            LogAttacksOn(logger, DemoAttack.Victim.ToString(), _options.AttackSeconds, _options.AttackEveryMinutes);
        }
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The collector opens its ports once the host has started (CollectorService): a template sent before that would
        // be lost, and the demo's data would wait for the next template.
        var started = services.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted;
        if (!started.IsCancellationRequested)
        {
            var opened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using (started.Register(() => opened.TrySetResult()))
            {
                await opened.Task.WaitAsync(stoppingToken).ConfigureAwait(false);
            }
        }

        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var target = new IPEndPoint(IPAddress.Loopback, _port).Serialize();
        var bootMs = time.GetUtcNow().AddHours(-(3 * 24) - 5).ToUnixTimeMilliseconds();
        var exporter = _options.Protocol == ExportProtocol.Ipfix ? RouterOsExporters.Ros7Ipfix(bootMs) : RouterOsExporters.Ros7NetFlowV9(bootMs);
        var traffic = new DemoTraffic(_options.Seed ?? Random.Shared.Next(), _options.PeakFlowsPerSecond);
        var records = new FlowRecord[_options.PeakFlowsPerSecond + DemoAttack.RecordsPerSecond];
        var attack = _options.AttackEveryMinutes > 0
            ? new DemoAttack(_options.AttackEveryMinutes, _options.AttackSeconds, time.GetUtcNow().ToUnixTimeMilliseconds(), _options.Seed ?? Random.Shared.Next())
            : null;
        var buffer = new byte[FlowExporterSimulator.DefaultMaxDatagramSize];
        var lastFailureLog = DateTimeOffset.MinValue;

        var lastSent = DateTimeOffset.MinValue;

        void SendSecond()
        {
            var now = time.GetUtcNow();

            // A tick the timer fires late is followed by one at once (PeriodicTimer catches up once): two seconds of
            // demo traffic would then arrive within one, and the staged attack read twice its rate (300,000 packets/s
            // on a loaded CI machine). The catching-up tick is skipped; a late second is sent late, not doubled.
            if (now - lastSent < TimeSpan.FromMilliseconds(500))
            {
                return;
            }

            lastSent = now;
            var count = traffic.Next(now.ToUnixTimeMilliseconds(), DemoTraffic.Activity(time.GetLocalNow().TimeOfDay), records.AsSpan(0, _options.PeakFlowsPerSecond));
            count += attack?.Next(now.ToUnixTimeMilliseconds(), records.AsSpan(count)) ?? 0;
            var failures = 0L;
            exporter.ExportAll(records.AsSpan(0, count), now.ToUnixTimeMilliseconds(), buffer, datagram =>
            {
                try
                {
                    socket.SendTo(datagram, SocketFlags.None, target);
                }
                catch (SocketException)
                {
                    failures++;
                }
            });

            if (failures > 0)
            {
                Interlocked.Add(ref _sendFailures, failures);
                if (now - lastFailureLog >= ProblemLogThrottle.Interval)
                {
                    lastFailureLog = now;
                    LogSendFailed(logger, failures, _port);
                }
            }
        }

        // The first second goes out at once, so the demo sensor has data as soon as the UI is up.
        SendSecond();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                SendSecond();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>The demo device and sensor, found by name so that a user's changes to them (or their deletion of one) stick until restart.</summary>
    private async Task EnsureDeviceAndSensorAsync(SensorService sensors, CancellationToken cancellationToken)
    {
        var devices = await sensors.ListDevicesAsync(cancellationToken).ConfigureAwait(false);
        var device = devices.FirstOrDefault(d => d.Name == DeviceName);
        if (device is null)
        {
            device = new DeviceDefinition { Name = DeviceName, Address = IPAddress.Loopback.ToString(), Notes = DeviceNotes };
            Report(await sensors.SaveDeviceAsync(device, cancellationToken).ConfigureAwait(false), DeviceName);
        }

        if ((await sensors.ListSensorsAsync(cancellationToken).ConfigureAwait(false)).Any(s => s.Name == SensorName))
        {
            return;
        }

        var sensor = new SensorDefinition
        {
            Name = SensorName,
            Tags = [Tag],
            DeviceId = device.Id,
            Protocol = _options.Protocol == ExportProtocol.Ipfix ? ExpectedProtocol.Ipfix : ExpectedProtocol.NetFlowV9,
            Port = _port,
            SenderIp = IPAddress.Loopback.ToString(),
            ChannelGroups = new Dictionary<StandardChannelGroup, ChannelGroupMode>
            {
                [StandardChannelGroup.Web] = ChannelGroupMode.Detail,
                [StandardChannelGroup.Mail] = ChannelGroupMode.Detail,
                [StandardChannelGroup.RemoteControl] = ChannelGroupMode.Detail,
                [StandardChannelGroup.Infrastructure] = ChannelGroupMode.Detail,
            },

            // The demo's addresses are documentation ranges: nobody has PTR records for them, so don't ask.
            Toplists = [.. ToplistDefinition.Defaults().Select(t => t with { ReverseDns = false })],
        };
        Report(await sensors.SaveSensorAsync(sensor, cancellationToken).ConfigureAwait(false), SensorName);
    }

    private void Report(SaveResult result, string what)
    {
        if (!result.Saved)
        {
            LogNotCreated(logger, what, string.Join("; ", result.Errors));
        }
    }

    [LoggerMessage(EventId = 40, Level = LogLevel.Warning, Message = "Demo mode is on: a simulated MikroTik sends made-up {Protocol} traffic to 127.0.0.1:{Port} (up to {PeakFlowsPerSecond} flows/s). Turn it off for real use")]
    private static partial void LogDemoOn(ILogger logger, ExportProtocol protocol, int port, int peakFlowsPerSecond);

    [LoggerMessage(EventId = 45, Level = LogLevel.Warning, Message = "Demo mode stages a UDP flood on {Victim} for {Seconds} s every {Minutes} minutes (Demo:AttackEveryMinutes), the first within a minute")]
    private static partial void LogAttacksOn(ILogger logger, string victim, int seconds, double minutes);

    [LoggerMessage(EventId = 41, Level = LogLevel.Error, Message = "Demo mode could not create {What}: {Errors}")]
    private static partial void LogNotCreated(ILogger logger, string what, string errors);

    [LoggerMessage(EventId = 42, Level = LogLevel.Warning, Message = "Demo mode: {Failures} datagrams to 127.0.0.1:{Port} could not be sent; more are counted, not logged, for a minute")]
    private static partial void LogSendFailed(ILogger logger, long failures, int port);
}
