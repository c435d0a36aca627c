using FlowWeb.Core.Flows;

namespace FlowWeb.Cli.Benchmarks;

/// <summary>
/// A simulated day of ordinary traffic at the edge of a small provider or campus (1-10 Gbit/s), as its router exports
/// it, second by second: a diurnal curve (quiet at 04:00, busiest at 19:00-21:00); 1,024 clients browsing (TCP 443/80 and
/// QUIC, many small flows, 30 % IPv6) and asking a resolver; an authoritative DNS server and an NTP server answering the
/// internet; a web server with two flash crowds (x20 at 12:30, x15 at 21:00, thousands of new sources a second); video
/// streams and an update rush at 10:00 (150 clients at once); nightly backups at 0.9 and 1.2 Gbit/s and an IPv6 one;
/// internet scanners' SYNs and pings. Long flows are exported at <c>activeTimeoutSeconds</c>, short ones 15 s after
/// they ended. Everything is below what the default thresholds call an attack, on purpose: a detector must report none
/// of it. Seeded, so two runs replay the same day.
/// </summary>
internal sealed class NormalDay
{
    public const int DaySeconds = 86_400;

    /// <summary>The simulated network (the sensor's protected networks), so outgoing traffic is watched too.</summary>
    public static readonly string[] ProtectedNetworks = ["10.0.0.0/16", "2001:db8:100::/48"];

    // Share of the busiest hour's traffic, hour by hour from midnight (interpolated between hours).
    private static readonly double[] Hourly =
        [0.40, 0.30, 0.22, 0.18, 0.15, 0.17, 0.25, 0.40, 0.60, 0.72, 0.80, 0.85, 0.90, 0.85, 0.85, 0.85, 0.85, 0.90, 0.95, 1.00, 1.00, 0.95, 0.80, 0.55];

    private static readonly FlowAddress Web = Host(10, 80), AuthDns = Host(10, 54), Ntp = Host(10, 123), Resolver = Host(10, 53);
    private static readonly FlowAddress BackupSource = Host(10, 200), Replica = Host(10, 201);
    private static readonly FlowAddress BackupSourceV6 = new(0x2001_0DB8_0100_0010UL, 0x200);

    private readonly Random _random;
    private readonly LongFlowExporter _long;
    private readonly long _midnight;
    private readonly double _scale;
    private readonly uint _sampling;
    private readonly List<FlowRecord> _buffer = [];

    /// <param name="midnightSecond">Unix second the simulated day starts at.</param>
    /// <param name="samplingRate">1 = unsampled; N = the router samples 1 packet in N (records are thinned as a sampler would).</param>
    public NormalDay(long midnightSecond, int activeTimeoutSeconds, uint samplingRate = 1, double scale = 1, int seed = 1)
    {
        _midnight = midnightSecond;
        _scale = scale;
        _sampling = Math.Max(1, samplingRate);
        _random = new Random(seed);
        _long = new LongFlowExporter(activeTimeoutSeconds, _random);
    }

    /// <summary>Long flows going on now.</summary>
    public int LongFlows => _long.Active;

    /// <summary>Adds the records that arrive at the collector during <paramref name="second"/> (call every second, in order).</summary>
    public void Second(long second, List<FlowRecord> output)
    {
        var t = (int)((second - _midnight) % DaySeconds);
        var d = Diurnal(t) * _scale;
        var buffer = _sampling > 1 ? _buffer : output;
        buffer.Clear();
        StartLongFlows(second, t, d);

        var flash = Flash(t, 12 * 3600 + 1800, 120, 900, 600, 20) + Flash(t, 21 * 3600, 60, 600, 900, 15) - 1;
        for (var n = Count(600 * d); n > 0; n--)
        {
            Browse(second, buffer);
        }

        for (var n = Count(300 * d); n > 0; n--)
        {
            Exchange(second, buffer, Client(ipv6Share: 0), Ephemeral(), Resolver, 53, 17, 70, 1, 150, 1);
            if (_random.Next(10) < 3)
            {
                Exchange(second, buffer, Resolver, Ephemeral(), Internet(_random.Next(50_000)), 53, 17, 80, 1, 300 + _random.Next(1100), 1);
            }
        }

        for (var n = Count(800 * d * (1 + ((flash - 1) * 0.2))); n > 0; n--)
        {
            // Resolvers of the internet: the big ones come back again and again.
            Exchange(second, buffer, Internet((int)(20_000 * Math.Pow(_random.NextDouble(), 3))), Ephemeral(), AuthDns, 53, 17, 80, 1, 200 + _random.Next(500), 1);
        }

        for (var n = Count(500 * d); n > 0; n--)
        {
            Exchange(second, buffer, Internet(100_000 + _random.Next(200_000)), 123, Ntp, 123, 17, 76, 1, 76, 1);
        }

        for (var n = Count(200 * d * flash); n > 0; n--)
        {
            var visitors = flash > 1.5 ? 2_000_000 : 300_000;
            var up = 6 + _random.Next(20);
            Exchange(second, buffer, Internet(1_000_000 + _random.Next(visitors)), Ephemeral(), Web, 443, 6, 80, up, 1400, up + _random.Next(20), durationMs: 200 + _random.Next(3000));
        }

        for (var n = Count(150); n > 0; n--)
        {
            // Scanners: a SYN or two to any address, and pings; the same around the clock.
            var icmp = _random.Next(6) == 0;
            var scan = Record(Internet(5_000_000 + _random.Next(1_000_000)), Ephemeral(), Client(ipv6Share: 0), icmp ? (ushort)2048 : (ushort)_random.Next(1, 65_536),
                icmp ? (byte)1 : (byte)6, (ulong)(1 + _random.Next(2)), icmp ? 84 : 60, second, 0);
            scan.TcpFlags = icmp ? (ushort)0 : (ushort)0x02;
            buffer.Add(scan);
        }

        _long.Export(second, buffer);
        if (_sampling > 1)
        {
            Sample(buffer, output);
        }
    }

    /// <summary>Share of the day's busiest traffic at second <paramref name="t"/> of the day.</summary>
    public static double Diurnal(int t)
    {
        var hour = t / 3600.0;
        var h = (int)hour;
        return Hourly[h] + ((Hourly[(h + 1) % 24] - Hourly[h]) * (hour - h));
    }

    /// <summary>A flash crowd: 1 outside it, rising to <paramref name="factor"/> over the ramp, holding, then falling off.</summary>
    private static double Flash(int t, int start, int ramp, int plateau, int decay, double factor)
    {
        var x = t - start;
        var shape = x < 0 ? 0 : x < ramp ? (double)x / ramp : x < ramp + plateau ? 1 : x < ramp + plateau + decay ? 1 - ((double)(x - ramp - plateau) / decay) : 0;
        return 1 + ((factor - 1) * shape);
    }

    private void StartLongFlows(long second, int t, double d)
    {
        // Video and big downloads by clients, more in the evening.
        if (_random.NextDouble() < 0.1 * d)
        {
            var quic = _random.Next(10) < 6;
            var client = Client();
            _long.Start(second, 600 + _random.Next(3000), Shape(Remote(client, _random.Next(2000)), 443, client, Ephemeral(), quic ? (byte)17 : (byte)6),
                (5 + _random.Next(20)) * 1e6, 1350);
        }

        if (t == 10 * 3600)
        {
            // An update is released: 150 clients fetch it at once from three CDN addresses.
            for (var i = 0; i < 150; i++)
            {
                var client = Client();
                _long.Start(second + _random.Next(5), 600 + _random.Next(600), Shape(Remote(client, i % 3), 443, client, Ephemeral(), 6), 40e6, 1448);
            }
        }

        if (t == 3600)
        {
            _long.Start(second, 7200, Shape(BackupSource, Ephemeral(), Internet(3_000_001), 22, 6), 0.9e9, 1448);
        }

        if (t == 2 * 3600)
        {
            _long.Start(second, 3600, Shape(Internet(3_000_002), 873, Replica, Ephemeral(), 6), 1.2e9, 1448);
        }

        if (t == 3 * 3600)
        {
            _long.Start(second, 3600, Shape(BackupSourceV6, Ephemeral(), new FlowAddress(0x2A00_0000_0000_0001UL, 0x22), 22, 6), 0.8e9, 1428);
        }
    }

    private void Browse(long second, List<FlowRecord> output)
    {
        var kind = _random.Next(20);
        var (port, protocol) = kind < 14 ? ((ushort)443, (byte)6) : kind < 19 ? ((ushort)443, (byte)17) : ((ushort)80, (byte)6);
        var down = (int)Math.Exp(_random.NextDouble() * 7);
        var client = Client();
        Exchange(second, output, client, Ephemeral(), Remote(client, _random.Next(200_000)), port, protocol, 90, Math.Max(1, down / 2), 1250, down, durationMs: 100 + _random.Next(20_000));
    }

    /// <summary>A request and its answer: two records, as a router sees both directions.</summary>
    private void Exchange(long second, List<FlowRecord> output, FlowAddress client, ushort clientPort, FlowAddress server, ushort serverPort, byte protocol,
        int requestBytes, int requestPackets, int answerBytes, int answerPackets, int durationMs = 0)
    {
        var request = Record(client, clientPort, server, serverPort, protocol, (ulong)requestPackets, requestBytes, second, durationMs);
        var answer = Record(server, serverPort, client, clientPort, protocol, (ulong)answerPackets, answerBytes, second, durationMs);
        if (protocol == 6)
        {
            request.TcpFlags = answer.TcpFlags = 0x1B;
        }

        output.Add(request);
        output.Add(answer);
    }

    private FlowRecord Record(FlowAddress src, ushort srcPort, FlowAddress dst, ushort dstPort, byte protocol, ulong packets, int packetBytes, long second, int durationMs)
    {
        var r = Shape(src, srcPort, dst, dstPort, protocol);
        r.Packets = packets;
        r.Bytes = packets * (ulong)packetBytes;
        r.EndMs = (second * 1000) - (LongFlowExporter.InactiveTimeoutSeconds * 1000) - _random.Next(1000);
        r.StartMs = r.EndMs - durationMs;
        return r;
    }

    private static FlowRecord Shape(FlowAddress src, ushort srcPort, FlowAddress dst, ushort dstPort, byte protocol) => new()
    {
        SrcAddr = src, DstAddr = dst, SrcPort = srcPort, DstPort = dstPort, Protocol = protocol, TcpFlags = protocol == 6 ? (ushort)0x1B : (ushort)0,
        InIf = 1, OutIf = 2, SamplingRate = 1, Direction = FlowRecord.DirectionUnknown,
    };

    /// <summary>Thins records as a 1-in-N packet sampler does: each keeps about packets/N of its packets, or vanishes.</summary>
    private void Sample(List<FlowRecord> records, List<FlowRecord> output)
    {
        foreach (var record in records)
        {
            var r = record;
            var kept = (ulong)Count(r.Packets / (double)_sampling);
            if (kept == 0)
            {
                continue;
            }

            r.Bytes = Math.Max(kept, r.Bytes / r.Packets * kept);
            r.Packets = kept;
            r.SamplingRate = _sampling;
            output.Add(r);
        }
    }

    /// <summary>A Poisson count with this mean (normal approximation above 30).</summary>
    private int Count(double mean)
    {
        if (mean > 30)
        {
            var gauss = Math.Sqrt(-2 * Math.Log(1 - _random.NextDouble())) * Math.Cos(2 * Math.PI * _random.NextDouble());
            return Math.Max(0, (int)Math.Round(mean + (Math.Sqrt(mean) * gauss)));
        }

        var limit = Math.Exp(-mean);
        var n = 0;
        for (var p = _random.NextDouble(); p > limit; p *= _random.NextDouble())
        {
            n++;
        }

        return n;
    }

    private ushort Ephemeral() => (ushort)_random.Next(32_768, 61_000);

    /// <summary>One of 1,024 clients (10.0.1.0-10.0.4.255, or the same hosts' IPv6 addresses for <paramref name="ipv6Share"/>).</summary>
    private FlowAddress Client(double ipv6Share = 0.3)
    {
        var i = _random.Next(1024);
        return _random.NextDouble() < ipv6Share ? new FlowAddress(0x2001_0DB8_0100_0000UL | (uint)(1 + (i >> 8)), (uint)(i & 255) + 1UL) : Host(1 + (i >> 8), i & 255);
    }

    private static FlowAddress Host(int subnet, int host) => FlowAddress.FromIPv4(0x0A00_0000u | ((uint)subnet << 8) | (uint)host);

    /// <summary>Internet host number <paramref name="n"/>: a fixed, well-spread public-looking IPv4 address (never 10/8).</summary>
    private static FlowAddress Internet(int n) => FlowAddress.FromIPv4(0x2000_0000u + (uint)((n * 2_654_435_761L) & 0x7FFF_FFFF) % 0xBE00_0000u);

    /// <summary>Internet host number <paramref name="n"/> of the same family as <paramref name="peer"/>.</summary>
    private static FlowAddress Remote(FlowAddress peer, int n) => peer.IsIPv4 ? Internet(n) : new(0x2A00_0000_0000_0000UL | (ulong)(uint)n, 1);
}
