using System.Net;
using System.Net.Sockets;
using FlowWeb.Cli.Benchmarks;
using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Collection;
using FlowWeb.Core.Decoding;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Sensors;
using Microsoft.Extensions.Logging.Abstractions;

namespace FlowWeb.Tests.Hostile;

/// <summary>
/// Issue 11.6: the attacks of issue 11 over real UDP on loopback (forged sources in 127.10.0.0/16) while a legitimate
/// RouterOS-shaped v9 exporter (127.0.0.2) keeps sending to a sensor that expects it. Each test asserts the legitimate
/// exporter's totals are exact, the decoder's tables stay within their caps (the stated memory bound), and every
/// attack datagram is counted somewhere. Bounded in datagrams and time; caps are smaller than the defaults so the
/// tables fill quickly.
/// </summary>
public sealed class HostileTrafficTests : IDisposable
{
    private const string Legit = "127.0.0.2";

    private static readonly DecoderOptions Caps = new()
    {
        MaxExporters = 256,
        ExporterProtectAfter = TimeSpan.FromMilliseconds(300),
        MaxTemplates = 4096,
        MaxTemplateBytes = 4L * 1024 * 1024,
        MaxTemplateBytesPerExporter = 512 * 1024,
        MaxPendingBytes = 1024 * 1024,
        MaxPendingBytesPerExporter = 256 * 1024,
        MaxRecordsPerDatagram = 2048,
    };

    private readonly FlowDecoder _decoder = new(Caps);
    private readonly FlowCollector _collector;
    private readonly int _port = Collection.CollectorHarness.FreeUdpPort();
    private readonly SensorAggregator _sensor;
    private readonly List<(byte[] Bytes, int Records)> _legit = IngestSender.Build(9, 6000, seed: 3, out _, distinctKeys: false);

    public HostileTrafficTests()
    {
        var options = new CollectorOptions { DefaultPort = _port, BindAddress = "0.0.0.0", ReceiveBufferBytes = 16 * 1024 * 1024 };
        _collector = new FlowCollector(_decoder, options, new AggregationOptions(), new CollectorStatus(), TimeProvider.System, NullLogger<FlowCollector>.Instance);
        var definition = new SensorDefinition { Name = "legit", Port = _port, SenderIp = Legit };
        _collector.Apply([definition]);
        _sensor = _collector.Sensor(definition.Id)!;
    }

    public void Dispose() => _collector.Dispose();

    [Fact]
    public async Task SpoofedSourceExporterFlood_LegitimateRouterKeepsItsPlaceAndEveryForgedDatagramIsCounted()
    {
        var attack = HostileTraffic.ExporterFlood(2000);

        var sent = await UnderAttackAsync(attack);

        Assert.True(_decoder.IsProtected(FlowAddress.Parse(Legit)));
        var forgedInTable = _decoder.Exporters.Count(e => e.Address.IsIPv4 && (e.Address.IPv4Value >> 16) == 0x7F0A);
        Assert.Equal(2000, forgedInTable + _decoder.Limits.ExportersEvicted + _decoder.Limits.DatagramsTableFull + sent.KernelDrops);
        Assert.True(_decoder.Limits.ExportersEvicted >= 2000 - Caps.MaxExporters);
        Assert.InRange(_decoder.Limits.Exporters.Used, 1, Caps.MaxExporters);
    }

    [Fact]
    public async Task TemplateFlood_TemplateBytesStayWithinTheCapAndTheLegitimateTemplatesStay()
    {
        var attack = HostileTraffic.TemplateFlood(sources: 24, templates: 48, fields: 1024);

        await UnderAttackAsync(attack);

        Assert.InRange(_decoder.Templates.Bytes, 1, Caps.MaxTemplateBytes + _decoder.Limits.TemplateBytes.Floor);
        Assert.True(_decoder.Limits.TemplatesRefused > 0);
        Assert.True(_decoder.Templates.CountFor(FlowAddress.Parse(Legit)) > 0);
        Assert.DoesNotContain(_decoder.PersistableTemplates(), t => t.Key.Exporter != FlowAddress.Parse(Legit));
    }

    [Fact]
    public async Task WithdrawalStorm_AfterATemplateFlood_TouchesOnlyTheNamedDomains()
    {
        HostileTraffic.Send(HostileTraffic.TemplateFlood(sources: 8, templates: 64, fields: 16), _port, 0);
        await WaitUntilAsync(() => _decoder.Templates.Count >= 8 * 64 - 8, "the flood's templates");
        var attack = HostileTraffic.WithdrawalStorm(sources: 8, messages: 400);

        await UnderAttackAsync(attack);

        Assert.True(_decoder.Templates.CountFor(FlowAddress.Parse(Legit)) > 0);
        Assert.Equal(0, Enumerable.Range(0, 8).Sum(i => _decoder.Templates.CountFor(FlowAddress.FromIPAddress(HostileTraffic.Source(i)))));
    }

    [Fact]
    public async Task HeldDataAmplification_ReleasesInBoundedSlicesAndTheBatchShrinksBack()
    {
        var attack = HostileTraffic.HeldDataAmplification(datagrams: 131, sourceIndex: 7);

        await UnderAttackAsync(attack);

        // 131 x 1,380 held bytes of 1-byte records would be 180,780 records at once: the per-datagram limit releases at
        // most MaxRecordsPerDatagram per datagram and keeps the rest for the exporter's later datagrams.
        var forged = _decoder.StatisticsOf(FlowAddress.FromIPAddress(HostileTraffic.Source(7)));
        Assert.NotNull(forged);
        Assert.InRange(forged.RecordsDecodedFromPending, 1, Caps.MaxRecordsPerDatagram);
        Assert.True(_decoder.Limits.ReleasesDeferred > 0 || forged.PendingSets == 0);
        Assert.InRange(forged.PendingBytes, 0, Caps.MaxPendingBytesPerExporter);
    }

    [Fact]
    public async Task OversizedTemplates_RefusedOrChargedForTheirSizeAndCounted()
    {
        var attack = HostileTraffic.OversizedTemplates(sources: 16, firstSource: 300);

        await UnderAttackAsync(attack);

        var forged = _decoder.Exporters.Where(e => e.Address.IsIPv4 && (e.Address.IPv4Value >> 16) == 0x7F0A).ToList();
        Assert.All(forged, e => Assert.True(e.DecodeErrors >= 1, $"{e.Address}: 1,025 fields must be refused as a bad template"));
        Assert.All(forged, e => Assert.True(_decoder.Templates.BytesFor(e.Address) <= Caps.MaxTemplateBytesPerExporter));
    }

    /// <summary>
    /// Makes the legitimate exporter proven (two datagrams a probation time apart), then sends the attack (paced to
    /// 4 MB/s) while the exporter sends the rest of its datagrams, and waits until the sensor booked every one of its flows.
    /// </summary>
    private async Task<(long Flows, long KernelDrops)> UnderAttackAsync(HostileAttack attack)
    {
        var flows = 0L;
        using var legit = new UdpClient(new IPEndPoint(IPAddress.Parse(Legit), 0));
        var target = new IPEndPoint(IPAddress.Loopback, _port);
        void SendLegit(int i)
        {
            legit.Send(_legit[i].Bytes, _legit[i].Bytes.Length, target);
            flows += _legit[i].Records;
        }

        SendLegit(0);
        await Task.Delay(Caps.ExporterProtectAfter + TimeSpan.FromMilliseconds(100));
        SendLegit(1);
        await WaitUntilAsync(() => _decoder.IsProtected(FlowAddress.Parse(Legit)), "the legitimate exporter to be proven");

        var dropsBefore = _collector.KernelDrops().Values.Sum();
        using var done = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var attacking = Task.Run(() => HostileTraffic.Send(attack, _port, 4 * 1024 * 1024, done.Token));
        for (var i = 2; i < _legit.Count; i++)
        {
            SendLegit(i);
            await Task.Delay(5);
        }

        await attacking;
        var expected = flows;
        await WaitUntilAsync(() => _sensor.FlowsAccepted >= expected, $"all {expected} legitimate flows");
        Assert.Equal(expected, _sensor.FlowsAccepted);
        await Task.Delay(300); // let the loop finish the attack's last datagrams
        return (expected, _collector.KernelDrops().Values.Sum() - dropsBefore);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what, int timeoutMs = 30_000)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.ElapsedMilliseconds < timeoutMs, $"Timed out after {timeoutMs} ms waiting for {what}");
            await Task.Delay(20);
        }
    }
}
