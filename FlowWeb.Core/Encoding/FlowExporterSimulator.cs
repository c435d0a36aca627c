using System.Runtime.InteropServices;
using FlowWeb.Core.Decoding.Templates;
using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Encoding;

/// <summary>
/// A whole exporter as a collector sees it: one protocol, a boot time, the sequence numbers its encoder keeps,
/// templates resent every <see cref="TemplateRefreshPackets"/> packets or <see cref="TemplateRefreshInterval"/>
/// (RouterOS: 20 packets / 30 minutes), and datagrams packed with as many records as fit in
/// <see cref="MaxDatagramSize"/>. Records are written into a caller's buffer; nothing is allocated per datagram.
/// Not thread-safe: one simulator per simulated exporter.
/// </summary>
public sealed class FlowExporterSimulator
{
    /// <summary>1500-byte Ethernet MTU − 20 bytes IPv4 header − 8 bytes UDP header.</summary>
    public const int DefaultMaxDatagramSize = 1472;

    private readonly FlowTemplate[] _templates;
    private readonly List<ElementValues> _optionsRecords = [];
    private readonly FlowTemplateSelector _select;
    private long _lastTemplatePacket = -1;
    private long _lastTemplateMs;

    /// <param name="protocol">v5, v9 or IPFIX.</param>
    /// <param name="bootTimeMs">Exporter boot time, ms since the Unix epoch.</param>
    /// <param name="ipv4Template">v9/IPFIX: template for IPv4 records (and for all records when <paramref name="ipv6Template"/> is null).</param>
    /// <param name="ipv6Template">v9/IPFIX: template for IPv6 records.</param>
    /// <param name="observationDomainId">v9 source id / IPFIX observation domain; v5: engine type (high byte) and id (low byte).</param>
    /// <param name="selector">Picks each record's template among the two given; default: IPv4 source → <paramref name="ipv4Template"/>, else <paramref name="ipv6Template"/>.</param>
    public FlowExporterSimulator(ExportProtocol protocol, long bootTimeMs, FlowTemplate? ipv4Template = null, FlowTemplate? ipv6Template = null,
        uint observationDomainId = 0, FlowTemplateSelector? selector = null)
    {
        Protocol = protocol;
        switch (protocol)
        {
            case ExportProtocol.NetFlowV5:
                V5 = new NetFlowV5Encoder { EngineType = (byte)(observationDomainId >> 8), EngineId = (byte)observationDomainId };
                break;
            case ExportProtocol.NetFlowV9:
                V9 = new NetFlowV9Encoder(observationDomainId);
                break;
            case ExportProtocol.Ipfix:
                Ipfix = new IpfixEncoder(observationDomainId);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(protocol), protocol, "Unknown export protocol.");
        }

        if (protocol != ExportProtocol.NetFlowV5 && ipv4Template is null && ipv6Template is null)
        {
            throw new ArgumentException("NetFlow v9 and IPFIX need at least one data template.", nameof(ipv4Template));
        }

        _templates = ipv4Template is not null && ipv6Template is not null && !ReferenceEquals(ipv4Template, ipv6Template)
            ? [ipv4Template, ipv6Template]
            : ipv4Template is not null ? [ipv4Template] : ipv6Template is not null ? [ipv6Template] : [];
        var v4 = ipv4Template ?? ipv6Template;
        var v6 = ipv6Template ?? ipv4Template;
        _select = selector ?? ((in FlowRecord r) => r.SrcAddr.IsIPv4 ? v4! : v6!);
        BootTimeMs = bootTimeMs;
    }

    public ExportProtocol Protocol { get; }

    /// <summary>The v5 encoder (engine, sampling and flow sequence settings) when <see cref="Protocol"/> is v5.</summary>
    public NetFlowV5Encoder? V5 { get; }

    /// <summary>The v9 encoder (source id, packet sequence) when <see cref="Protocol"/> is v9.</summary>
    public NetFlowV9Encoder? V9 { get; }

    /// <summary>The IPFIX encoder (observation domain, record sequence) when <see cref="Protocol"/> is IPFIX.</summary>
    public IpfixEncoder? Ipfix { get; }

    /// <summary>The data templates this exporter announces.</summary>
    public IReadOnlyList<FlowTemplate> DataTemplates => _templates;

    public long BootTimeMs
    {
        get => V5?.BootTimeMs ?? V9?.BootTimeMs ?? Ipfix!.BootTimeMs;
        set
        {
            if (V5 is not null)
            {
                V5.BootTimeMs = value;
            }

            if (V9 is not null)
            {
                V9.BootTimeMs = value;
            }

            if (Ipfix is not null)
            {
                Ipfix.BootTimeMs = value;
            }
        }
    }

    public int MaxDatagramSize { get; set; } = DefaultMaxDatagramSize;

    /// <summary>Templates go out in the first packet and then every this many packets (0: only on <see cref="TemplateRefreshInterval"/>).</summary>
    public int TemplateRefreshPackets { get; set; } = RouterOsTemplates.TemplateRefreshPackets;

    /// <summary>Templates also go out when this much export time has passed since the last time (zero: never by time).</summary>
    public TimeSpan TemplateRefreshInterval { get; set; } = RouterOsTemplates.TemplateTimeout;

    /// <summary>An options template sent with the data templates, followed by <see cref="OptionsRecords"/>.</summary>
    public FlowTemplate? OptionsTemplate { get; set; }

    public IList<ElementValues> OptionsRecords => _optionsRecords;

    /// <summary>Datagrams written so far.</summary>
    public long PacketsSent { get; private set; }

    /// <summary>Sends templates (and options) with the next datagram whatever the refresh counters say.</summary>
    public void ForceTemplateRefresh() => _lastTemplatePacket = -1;

    /// <summary>
    /// Writes the next datagram: templates when due, then as many of <paramref name="records"/> as fit.
    /// Returns its length (0 when there was nothing to send) and how many records went into it.
    /// </summary>
    public int WriteDatagram(ReadOnlySpan<FlowRecord> records, long exportTimeMs, Span<byte> datagram, out int consumed)
    {
        var room = datagram[..Math.Min(datagram.Length, MaxDatagramSize)];
        consumed = 0;
        int length;
        if (V5 is not null)
        {
            length = V5.Encode(records, exportTimeMs, room, out consumed);
        }
        else
        {
            var withTemplates = TemplatesDue(exportTimeMs);
            if (records.IsEmpty && !withTemplates)
            {
                return 0;
            }

            length = V9 is not null
                ? WriteV9(records, exportTimeMs, room, withTemplates, out consumed)
                : WriteIpfix(records, exportTimeMs, room, withTemplates, out consumed);
            if (withTemplates)
            {
                _lastTemplatePacket = PacketsSent;
                _lastTemplateMs = exportTimeMs;
            }
        }

        if (length > 0)
        {
            PacketsSent++;
        }

        return length;
    }

    /// <summary>Writes datagrams into <paramref name="buffer"/> until every record is out, handing each to <paramref name="handler"/>; returns how many.</summary>
    public int ExportAll(ReadOnlySpan<FlowRecord> records, long exportTimeMs, Span<byte> buffer, DatagramHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var datagrams = 0;
        do
        {
            var length = WriteDatagram(records, exportTimeMs, buffer, out var consumed);
            if (length == 0)
            {
                break;
            }

            handler(buffer[..length]);
            datagrams++;
            records = records[consumed..];
        }
        while (!records.IsEmpty);

        return datagrams;
    }

    private bool TemplatesDue(long exportTimeMs) =>
        _lastTemplatePacket < 0 ||
        (TemplateRefreshPackets > 0 && PacketsSent - _lastTemplatePacket >= TemplateRefreshPackets) ||
        (TemplateRefreshInterval > TimeSpan.Zero && exportTimeMs - _lastTemplateMs >= (long)TemplateRefreshInterval.TotalMilliseconds);

    private int WriteV9(ReadOnlySpan<FlowRecord> records, long exportTimeMs, Span<byte> room, bool withTemplates, out int consumed)
    {
        var packet = V9!.Begin(room, exportTimeMs);
        if (withTemplates)
        {
            var options = OptionsTemplate is null ? 0 : 1;
            var ok = packet.TryAddTemplates(_templates) && (options == 0 || packet.TryAddTemplates(OptionsTemplate!));
            if (!ok || (options == 1 && packet.AddOptionsRecords(OptionsTemplate!, OptionsRecordSpan()) < OptionsRecords.Count))
            {
                throw TooSmall();
            }
        }

        consumed = 0;
        while (consumed < records.Length)
        {
            var template = _select(records[consumed]);
            var run = RunLength(records[consumed..], template);
            var written = packet.AddDataRecords(template, records.Slice(consumed, run));
            consumed += written;
            if (written < run)
            {
                break;
            }
        }

        return packet.Finish();
    }

    private int WriteIpfix(ReadOnlySpan<FlowRecord> records, long exportTimeMs, Span<byte> room, bool withTemplates, out int consumed)
    {
        var message = Ipfix!.Begin(room, exportTimeMs);
        if (withTemplates)
        {
            var options = OptionsTemplate is null ? 0 : 1;
            var ok = message.TryAddTemplates(_templates) && (options == 0 || message.TryAddTemplates(OptionsTemplate!));
            if (!ok || (options == 1 && message.AddOptionsRecords(OptionsTemplate!, OptionsRecordSpan()) < OptionsRecords.Count))
            {
                throw TooSmall();
            }
        }

        consumed = 0;
        while (consumed < records.Length)
        {
            var template = _select(records[consumed]);
            var run = RunLength(records[consumed..], template);
            var written = message.AddDataRecords(template, records.Slice(consumed, run));
            consumed += written;
            if (written < run)
            {
                break;
            }
        }

        return message.Finish();
    }

    /// <summary>Consecutive records that share a template go into one data set.</summary>
    private int RunLength(ReadOnlySpan<FlowRecord> records, FlowTemplate template)
    {
        var run = 1;
        while (run < records.Length && ReferenceEquals(_select(records[run]), template))
        {
            run++;
        }

        return run;
    }

    private ReadOnlySpan<ElementValues?> OptionsRecordSpan() => CollectionsMarshal.AsSpan(_optionsRecords)!;

    private InvalidOperationException TooSmall() =>
        new($"MaxDatagramSize {MaxDatagramSize} cannot hold the templates and options records of this exporter.");
}
