using System.Globalization;
using FlowWeb.Core.Flows;

namespace FlowWeb.Tests.Decoding.TestData;

/// <summary>Field-by-field checks of decoded records against reference values.</summary>
internal static class FlowAssert
{
    /// <summary>The 5-tuple and counters every reference decoder reports.</summary>
    public static void Flow(in FlowRecord r, string src, int srcPort, string dst, int dstPort, int protocol, ulong bytes, ulong packets)
    {
        Assert.Equal(src, r.SrcAddr.ToString());
        Assert.Equal(srcPort, r.SrcPort);
        Assert.Equal(dst, r.DstAddr.ToString());
        Assert.Equal(dstPort, r.DstPort);
        Assert.Equal(protocol, r.Protocol);
        Assert.Equal(bytes, r.Bytes);
        Assert.Equal(packets, r.Packets);
    }

    public static void Interfaces(in FlowRecord r, uint input, uint output)
    {
        Assert.Equal(input, r.InIf);
        Assert.Equal(output, r.OutIf);
    }

    /// <summary>Unix milliseconds of an ISO-8601 UTC time ("2016-07-21T13:51:42.254Z").</summary>
    public static long Ms(string iso) =>
        DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).ToUnixTimeMilliseconds();

    /// <summary>
    /// Absolute time of a v5/v9 uptime-relative timestamp, from the raw header and record values tshark prints:
    /// export time minus the signed 32-bit distance between the header's sysUptime and the timestamp.
    /// </summary>
    public static long FromUptime(long unixSecs, long unixNsecs, uint sysUptimeMs, uint timestampMs) =>
        (unixSecs * 1000) + (unixNsecs / 1_000_000) - unchecked((int)(sysUptimeMs - timestampMs));

    public static void Times(in FlowRecord r, long startMs, long endMs, FlowTimeSource source)
    {
        Assert.Equal(source, r.TimeSource);
        Assert.Equal(startMs, r.StartMs);
        Assert.Equal(endMs, r.EndMs);
    }
}
