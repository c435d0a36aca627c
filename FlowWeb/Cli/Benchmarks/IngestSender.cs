using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using FlowWeb.Core.Encoding;
using FlowWeb.Core.Flows;

namespace FlowWeb.Cli.Benchmarks;

/// <summary>
/// <c>bench send --port P --version 5|9|10 --rate FLOWS_PER_S --seconds S [--distinct N]</c>: the load generator
/// of <c>bench ingest</c>, run as a child process on the other core. Sends RouterOS-shaped datagrams from the
/// encoder to 127.0.0.1 only, paced to the rate, for a bounded time, and prints the flows it sent.
/// </summary>
internal static class IngestSender
{
    public const int MaxSeconds = 120;

    public static Command Create(CliConsole console)
    {
        var port = CliOptions.RequiredWholeNumber("--port", "UDP port on 127.0.0.1 to send to", 1, 65535);
        var version = CliOptions.Choice("--version", "NetFlow version (10 = IPFIX)", 9, [5, 9, 10]);
        var rate = CliOptions.WholeNumber("--rate", "Flows per second", 100_000, 1, 100_000_000);
        var seconds = CliOptions.WholeNumber("--seconds", "Seconds to send", 3, 1, MaxSeconds);
        var distinct = CliOptions.WholeNumber("--distinct", "Send this many distinct connections once each instead of cycling (0 = cycle)", 0, 0, 10_000_000);
        var maxPackets = CliOptions.WholeNumber("--max-packets", "Cap each record at this many packets, its bytes in proportion (0 = as generated: 5 % of the records carry up to 50,000)", 0, 0, 1_000_000);
        var command = new Command("send", "The ingest benchmark's load generator (started by bench ingest as a child process).")
        {
            port,
            version,
            rate,
            seconds,
            distinct,
            maxPackets,
        };
        command.Hidden = true;
        command.SetAction(parse => Run(console.Out, parse.GetValue(port), parse.GetValue(version), parse.GetValue(rate), parse.GetValue(seconds), parse.GetValue(distinct),
            parse.GetValue(maxPackets)));
        return command;
    }

    public static int Run(TextWriter stdout, int port, int version, int rate, int seconds, int distinct, int maxPackets = 0)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var datagrams = Build(version, distinct > 0 ? distinct : 60_000, seed: distinct > 0 ? 7 : 1, out var recordsPerDatagram, distinctKeys: distinct > 0, maxPackets);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.SendBufferSize = 4 * 1024 * 1024;
        var target = new IPEndPoint(IPAddress.Loopback, port);
        socket.Connect(target);

        // The benchmark starts its CPU clock at this line, so the sender's own start-up is not counted.
        stdout.WriteLine("sending");
        stdout.Flush();

        // With --distinct every datagram goes out once (a million distinct connections) at the rate; otherwise cycle.
        var total = distinct > 0 ? datagrams.Count : (long)rate * seconds / recordsPerDatagram;
        var perMs = (double)rate / recordsPerDatagram / 1000;
        var clock = Stopwatch.StartNew();
        long sent = 0, flows = 0, refused = 0;
        while (sent < total && clock.Elapsed.TotalSeconds < MaxSeconds)
        {
            var due = Math.Min(total, (long)(clock.Elapsed.TotalMilliseconds * perMs) + 1);
            while (sent < due)
            {
                var datagram = datagrams[(int)(sent % datagrams.Count)];
                if (TrySend(socket, datagram.Bytes))
                {
                    flows += datagram.Records;
                }
                else
                {
                    refused++;
                }

                sent++;
            }

            Thread.SpinWait(50);
        }

        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sent {flows} flows in {sent - refused} datagrams in {clock.Elapsed.TotalSeconds:0.000} s"));
        if (refused > 0)
        {
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{refused} datagrams refused: nothing listened on {target} when they arrived (their flows are not counted as sent)"));
        }

        return refused > 0 ? 1 : 0;
    }

    /// <summary>
    /// Sends one datagram; false when the kernel reports that an earlier one was refused (the ICMP port unreachable a
    /// connected UDP socket receives when nothing listens on the port, reported on a later send). Refused is an
    /// outcome to count, not a crash: the collector may be starting or stopping.
    /// </summary>
    private static bool TrySend(Socket socket, byte[] datagram)
    {
        try
        {
            socket.Send(datagram);
            return true;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return false;
        }
    }

    /// <summary>Datagrams of one exporter (templates where the protocol has them), carrying <paramref name="records"/> flows.</summary>
    public static List<(byte[] Bytes, int Records)> Build(int version, int records, int seed, out double recordsPerDatagram, bool distinctKeys, int maxPackets = 0)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var boot = now - 86_400_000;
        var exporter = version switch
        {
            5 => RouterOsExporters.NetFlowV5(boot),
            10 => RouterOsExporters.Ros7Ipfix(boot),
            _ => RouterOsExporters.Ros7NetFlowV9(boot),
        };
        var flows = new FlowRecord[records];
        SyntheticTraffic.Fill(flows, seed, now, internalHosts: 60_000);
        if (maxPackets > 0)
        {
            // As the UI benchmark's routers: normal traffic, without the few records that are floods on their own.
            SyntheticTraffic.CapPackets(flows, (ulong)maxPackets);
        }

        if (distinctKeys)
        {
            // Make every 5-tuple unique: a running counter in the source address and port.
            for (var i = 0; i < flows.Length; i++)
            {
                flows[i].SrcAddr = FlowAddress.FromIPv4(0x0A00_0000u + (uint)(i / 50_000));
                flows[i].SrcPort = (ushort)(1024 + (i % 50_000));
            }
        }

        var result = Encode(exporter, flows, now);
        recordsPerDatagram = (double)records / result.Count;
        return result;
    }

    /// <summary>The records as <paramref name="exporter"/> sends them: datagrams of at most the default size, with the records each holds.</summary>
    public static List<(byte[] Bytes, int Records)> Encode(FlowExporterSimulator exporter, ReadOnlySpan<FlowRecord> records, long now)
    {
        var result = new List<(byte[], int)>();
        var buffer = new byte[FlowExporterSimulator.DefaultMaxDatagramSize];
        var rest = records;
        while (!rest.IsEmpty)
        {
            // A bounded slice: the simulator looks at everything it is given, so a million records at once is quadratic.
            var length = exporter.WriteDatagram(rest[..Math.Min(rest.Length, 256)], now, buffer, out var consumed);
            result.Add((buffer[..length], consumed));
            rest = rest[consumed..];
        }

        return result;
    }
}
