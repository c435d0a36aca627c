using FlowWeb.Core.Decoding.Templates;
using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Encoding;

/// <summary>The export protocol of a simulated exporter; the values are the header version numbers.</summary>
public enum ExportProtocol : byte
{
    NetFlowV5 = 5,
    NetFlowV9 = 9,
    Ipfix = 10,
}

/// <summary>Picks the data template a record goes out with (typically by address family).</summary>
public delegate FlowTemplate FlowTemplateSelector(in FlowRecord record);

/// <summary>Receives one finished datagram; the span is only valid during the call.</summary>
public delegate void DatagramHandler(ReadOnlySpan<byte> datagram);
