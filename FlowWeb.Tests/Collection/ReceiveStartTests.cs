using FlowWeb.Core.Collection;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Sensors;
using FlowWeb.Tests.Web;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using static FlowWeb.Tests.Collection.CollectorHarness;

namespace FlowWeb.Tests.Collection;

/// <summary>When the collector's ports open (after the host has started) and at what priority its receive threads run.</summary>
public sealed class ReceiveStartTests : IDisposable
{
    private readonly CollectorHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    private static List<FlowRecord> Flows(int count) => [.. Enumerable.Range(0, count).Select(i =>
        Flow("10.0.0." + (1 + (i % 200)), "192.0.2.7", (ushort)(1024 + i), 443, 6, 1500, 3, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 1000))];

    [Fact]
    public async Task HeldPorts_StayClosed_UntilOpened_ThenReceiveForTheSensorsAppliedMeanwhile()
    {
        var port = FreeUdpPort();
        _harness.Collector.HoldPorts();
        var sensor = await _harness.AddSensorAsync(new SensorDefinition { Name = "Held", Port = port });

        Assert.False(_harness.Collector.OwnsPort(port));
        Assert.True(CanBind(port), "a held port is not bound");
        Assert.NotNull(_harness.Collector.Sensor(sensor.Id));

        _harness.Collector.OpenPorts();
        Assert.True(_harness.Collector.OwnsPort(port));
        Assert.False(CanBind(port), "an opened port is bound");
        Send("127.0.0.2", port, V5(Flows(60)));
        var runtime = _harness.Collector.Sensor(sensor.Id)!;
        await WaitUntilAsync(() => runtime.FlowsAccepted == 60, $"60 flows, got {runtime.FlowsAccepted}");
        Assert.Equal(60 * 1500.0, runtime.Bytes);
    }

    /// <summary>A hosted service registered after the app's own starts while the collector's port is still free; once the host has started it is bound.</summary>
    [Fact]
    public void TheApp_OpensItsPort_OnlyAfterEveryHostedServiceHasStarted()
    {
        using var app = new FlowWebFactory();
        var probe = new PortProbe(app.UdpPort);
        using var factory = app.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IHostedService>(probe)));
        using var client = factory.CreateClient();

        Assert.True(probe.FreeWhileStarting, "the port was already bound while hosted services were still starting");
        Assert.False(CanBind(app.UdpPort), "the port is bound once the host has started");
        var collector = factory.Services.GetRequiredService<FlowCollector>();
        Assert.True(collector.OwnsPort(app.UdpPort));
    }

    [Fact]
    public async Task ReceiveThreads_RunAtTheConfiguredNice_OrTheListenerSaysWhyNot()
    {
        var listener = _harness.Collector.Listeners.Single(l => l.Port == _harness.DefaultPort);
        await WaitUntilAsync(() => listener.ThreadIds.All(id => id != 0) && listener.ThreadIds.Count == _harness.Collector.ReceiveThreads, "every receive thread started");
        await WaitUntilAsync(() => listener.PriorityRefused is not null || listener.ThreadIds.All(id => Nice(id) == _harness.Options.ReceiveThreadNice), "the priority set or refused");

        var processNice = Nice(Environment.ProcessId);
        foreach (var id in listener.ThreadIds)
        {
            // The kernel's own record of the thread (field 19 of /proc/<pid>/task/<tid>/stat).
            Assert.Equal(listener.PriorityRefused is null ? _harness.Options.ReceiveThreadNice : processNice, Nice(id));
        }

        Assert.Equal(-10, _harness.Options.ReceiveThreadNice);
    }

    private static int Nice(int threadId)
    {
        var stat = File.ReadAllText($"/proc/{Environment.ProcessId}/task/{threadId}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[16], System.Globalization.CultureInfo.InvariantCulture); // field 19 counted from the state (field 3)
    }

    private sealed class PortProbe(int port) : IHostedService
    {
        public bool FreeWhileStarting { get; private set; }

        public Task StartAsync(CancellationToken cancellationToken)
        {
            FreeWhileStarting = CanBind(port);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
