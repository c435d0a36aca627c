namespace FlowWeb.Core.Decoding.SFlow;

/// <summary>Constants that identify sFlow inside FlowWeb.</summary>
public static class SFlowDatagram
{
    /// <summary>
    /// The version number sFlow v5 records and exporters carry in FlowWeb's byte-wide version fields. sFlow's own
    /// datagram version is 5, which NetFlow v5 already means there, so sFlow v5 is 20 (below 32: version sets are bit masks).
    /// </summary>
    public const byte Version = 20;

    /// <summary>The IANA-registered sFlow collector port.</summary>
    public const int DefaultPort = 6343;
}
