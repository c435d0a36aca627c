using System.Diagnostics;
using FlowWeb.Core.Sensors;
using FlowWeb.Tests.Collection;

namespace FlowWeb.Tests.EndToEndExporters;

/// <summary>
/// A real exporter: Debian's softflowd reads a capture of known traffic and exports it as NetFlow v5, v9 and
/// IPFIX to the collector on loopback; the sensor's totals must equal the traffic in the capture.
/// </summary>
public sealed class SoftflowdEndToEndTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("flowweb-softflowd-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("5", ExpectedProtocol.NetFlowV5)]
    [InlineData("9", ExpectedProtocol.NetFlowV9)]
    [InlineData("10", ExpectedProtocol.Ipfix)]
    public async Task Softflowd_ExportsAKnownCapture_SensorTotalsMatchTheCapture(string version, ExpectedProtocol protocol)
    {
        using var harness = new CollectorHarness();
        var port = CollectorHarness.FreeUdpPort();
        var sensor = await harness.AddSensorAsync(new SensorDefinition { Name = $"softflowd v{version}", Port = port, Protocol = protocol });
        // softflowd keeps only the first 15 characters of -r (an interface name buffer): run it in the capture's folder.
        // Its control socket (-c) is switched off: under the test host softflowd 1.1.0 blocked in accept() on it.
        var pcap = Path.Combine(_dir, "known.pcap");
        KnownTrafficPcap.Write(pcap, DateTimeOffset.UtcNow.AddSeconds(-30));

        var output = RunSoftflowd(pcap, port, version);

        var runtime = harness.Collector.Sensor(sensor.Id)!;
        await CollectorHarness.WaitUntilAsync(() => runtime.Packets >= KnownTrafficPcap.TotalPackets, $"softflowd's flows (softflowd said: {output})");
        await Task.Delay(200);
        Assert.Equal(KnownTrafficPcap.TotalBytes, runtime.Bytes);
        Assert.Equal(KnownTrafficPcap.TotalPackets, runtime.Packets);
        Assert.Equal(KnownTrafficPcap.Streams.Count, runtime.FlowsAccepted);
        var exporter = Assert.Single(harness.Decoder.Exporters);
        Assert.Equal(int.Parse(version, System.Globalization.CultureInfo.InvariantCulture), exporter.Version);
        Assert.Equal(0, exporter.DecodeErrors);
        Assert.Equal(0, exporter.LostFlowsEstimate);

        var connections = runtime.ReadToplist(2, count: 100)!.Value.Running;
        var https = connections.Rows.Single(r => r.Key.Port2 == 443);
        Assert.Equal(12_000, https.Bytes);
        Assert.Equal(12, https.Packets);
    }

    /// <summary>Runs softflowd on the capture in the foreground until it exits (bounded), sending only to 127.0.0.1.</summary>
    private static string RunSoftflowd(string pcap, int port, string version)
    {
        var start = new ProcessStartInfo("softflowd")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(pcap),
        };
        foreach (var arg in new[] { "-r", Path.GetFileName(pcap), "-n", $"127.0.0.1:{port}", "-v", version, "-d",
                     "-p", $"softflowd-{version}.pid", "-c", "none" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("softflowd did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(20)))
        {
            process.Kill();
            process.WaitForExit();
            Assert.Fail($"softflowd did not finish reading the capture within 20 s: {stdout.Result} {stderr.Result}");
        }

        return $"exit {process.ExitCode}: {stdout.Result} {stderr.Result}".Trim();
    }
}
