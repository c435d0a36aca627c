using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using FlowWeb.Core.Decoding.Templates;
using FlowWeb.Core.Encoding;
using FlowWeb.Core.Flows;

namespace FlowWeb.Cli.Benchmarks;

/// <summary>One attack: its name and the datagrams it sends, each from a (forged, loopback) source address.</summary>
internal sealed record HostileAttack(string Name, IReadOnlyList<(IPAddress Source, byte[] Datagram)> Datagrams)
{
    public long Bytes => Datagrams.Sum(d => (long)d.Datagram.Length);
}

/// <summary>
/// The attacks of issue 11, built with the project's encoder, sent from 127.10.0.0/16 (forged sources on loopback):
/// a spoofed-source exporter flood, a template flood of 1,024-field templates, a withdrawal storm, held-data
/// amplification (data for an unknown template, then a template of one 1-byte field), and oversized templates.
/// Used by the hostile-traffic tests and by <c>bench hostile</c>.
/// </summary>
internal static class HostileTraffic
{
    public static IPAddress Source(int i) => new([127, 10, (byte)(i >> 8), (byte)i]);

    /// <summary>One small valid v9 template datagram from each of <paramref name="sources"/> forged senders.</summary>
    public static HostileAttack ExporterFlood(int sources)
    {
        var list = new List<(IPAddress, byte[])>(sources);
        var buffer = new byte[2048];
        for (var i = 0; i < sources; i++)
        {
            var packet = new NetFlowV9Encoder((uint)i).Begin(buffer, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            packet.TryAddTemplates(RouterOsTemplates.Ros7NetFlowV9IPv4);
            list.Add((Source(i), buffer[..packet.Finish()]));
        }

        return new HostileAttack("exporter flood", list);
    }

    /// <summary><paramref name="sources"/> × <paramref name="templates"/> IPFIX templates of <paramref name="fields"/> fields, one template per datagram.</summary>
    public static HostileAttack TemplateFlood(int sources, int templates, int fields, int firstSource = 0)
    {
        var list = new List<(IPAddress, byte[])>(sources * templates);
        var buffer = new byte[IpfixEncoder.MaxMessageLength];
        for (var s = 0; s < sources; s++)
        {
            var encoder = new IpfixEncoder((uint)s);
            for (var t = 0; t < templates; t++)
            {
                var template = Wide((ushort)(256 + t), fields, seed: t);
                var message = encoder.Begin(buffer, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                message.TryAddTemplates(template);
                list.Add((Source(firstSource + s), buffer[..message.Finish()]));
            }
        }

        return new HostileAttack("template flood", list);
    }

    /// <summary>
    /// IPFIX messages full of "withdraw all" records (about 170 per 1,400-byte message) for the domains the template flood
    /// filled, <paramref name="messages"/> of them round-robin over <paramref name="sources"/> sources.
    /// </summary>
    public static HostileAttack WithdrawalStorm(int sources, int messages)
    {
        var list = new List<(IPAddress, byte[])>(messages);
        var buffer = new byte[1400];
        for (var m = 0; m < messages; m++)
        {
            var message = new IpfixEncoder((uint)(m % sources)).Begin(buffer, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            while (message.TryAddWithdrawAll())
            {
            }

            list.Add((Source(m % sources), buffer[..message.Finish()]));
        }

        return new HostileAttack("withdrawal storm", list);
    }

    /// <summary>
    /// <paramref name="datagrams"/> IPFIX messages of data for template 300 (unknown yet, so held), then the template of one
    /// 1-byte field: without bounds every held byte becomes a record at once.
    /// </summary>
    public static HostileAttack HeldDataAmplification(int datagrams, int sourceIndex)
    {
        var list = new List<(IPAddress, byte[])>(datagrams + 1);
        var source = Source(sourceIndex);
        var encoder = new IpfixEncoder(99);
        for (var i = 0; i < datagrams; i++)
        {
            // A data set of 1,380 bytes for template 300, written by hand: the encoder writes only for templates it knows.
            var message = new byte[16 + 4 + 1380];
            BinaryPrimitives.WriteUInt16BigEndian(message, 10);
            BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(2), (ushort)message.Length);
            BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(4), (uint)DateTimeOffset.UtcNow.ToUnixTimeSeconds());
            BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(8), (uint)i);
            BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(12), 99);
            BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(16), 300);
            BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(18), 1384);
            message.AsSpan(20).Fill(0x41);
            list.Add((source, message));
        }

        var buffer = new byte[256];
        var tpl = encoder.Begin(buffer, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        tpl.TryAddTemplates(new FlowTemplate(300, [new TemplateField(4, 1)]));
        list.Add((source, buffer[..tpl.Finish()]));
        return new HostileAttack("held-data amplification", list);
    }

    /// <summary>Templates at and past the limits: 1,024 fields of the largest fixed length, 1,025 fields, and fields of length 0.</summary>
    public static HostileAttack OversizedTemplates(int sources, int firstSource)
    {
        var list = new List<(IPAddress, byte[])>();
        var buffer = new byte[IpfixEncoder.MaxMessageLength];
        for (var s = 0; s < sources; s++)
        {
            foreach (var template in new[]
            {
                new FlowTemplate(400, Enumerable.Range(0, 1024).Select(i => new TemplateField((ushort)(1000 + i), 65534)).ToArray()),
                new FlowTemplate(401, Enumerable.Range(0, 1025).Select(i => new TemplateField((ushort)(1000 + i), 4)).ToArray()),
                new FlowTemplate(402, Enumerable.Range(0, 1024).Select(i => new TemplateField((ushort)(1000 + i), 0)).ToArray()),
            })
            {
                var message = new IpfixEncoder((uint)s).Begin(buffer, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                message.TryAddTemplates(template);
                list.Add((Source(firstSource + s), buffer[..message.Finish()]));
            }
        }

        return new HostileAttack("oversized templates", list);
    }

    /// <summary>Sends an attack to 127.0.0.1:<paramref name="port"/>, one socket per forged source, paced to <paramref name="bytesPerSecond"/> (0 = as fast as possible); returns the datagrams sent.</summary>
    public static long Send(HostileAttack attack, int port, long bytesPerSecond, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(attack);
        var target = new IPEndPoint(IPAddress.Loopback, port);
        var sockets = new Dictionary<IPAddress, Socket>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long sent = 0, count = 0;
        try
        {
            foreach (var (source, datagram) in attack.Datagrams)
            {
                if (cancel.IsCancellationRequested)
                {
                    return count;
                }

                if (!sockets.TryGetValue(source, out var socket))
                {
                    // Bounded: one socket per source at a time, closed when the next source starts (sources come in runs).
                    foreach (var old in sockets.Values)
                    {
                        old.Dispose();
                    }

                    sockets.Clear();
                    socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                    socket.Bind(new IPEndPoint(source, 0));
                    sockets[source] = socket;
                }

                socket.SendTo(datagram, target);
                sent += datagram.Length;
                count++;
                while (bytesPerSecond > 0 && sent > bytesPerSecond * clock.Elapsed.TotalSeconds)
                {
                    Thread.Sleep(1);
                }
            }
        }
        finally
        {
            foreach (var socket in sockets.Values)
            {
                socket.Dispose();
            }
        }

        return count;
    }

    /// <summary>A template of <paramref name="fields"/> distinct enterprise-free elements of 4 bytes (element ids vary by seed).</summary>
    private static FlowTemplate Wide(ushort id, int fields, int seed) =>
        new(id, Enumerable.Range(0, fields).Select(i => new TemplateField((ushort)(1 + ((i + seed) % 30000)), 4)).ToArray());
}
