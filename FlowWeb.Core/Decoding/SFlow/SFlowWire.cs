using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Decoding.SFlow;

/// <summary>The XDR pieces every sFlow structure is made of: tagged opaque structures and addresses.</summary>
internal static class SFlowWire
{
    /// <summary>
    /// Reads <c>data_format</c> (enterprise in the top 20 bits, format in the low 12; FlowWeb knows enterprise 0,
    /// so a vendor structure never matches a standard number), the opaque length and that many bytes, then skips
    /// the XDR padding to the next 4-byte boundary (absent at the very end of a buffer, tolerated there).
    /// False when the length runs past the buffer.
    /// </summary>
    public static bool TryReadStructure(ref WireReader r, out uint format, out ReadOnlySpan<byte> data)
    {
        data = default;
        if (!r.TryReadUInt32(out format) || !r.TryReadUInt32(out var length) || length > (uint)r.Remaining)
        {
            return false;
        }

        r.TryReadSpan((int)length, out data);
        r.TrySkip(Math.Min(Padding(length), r.Remaining));
        return true;
    }

    /// <summary>Bytes of XDR padding after an opaque of <paramref name="length"/> bytes.</summary>
    public static int Padding(uint length) => (int)((4 - (length & 3)) & 3);

    /// <summary>An sFlow address: type 1 IPv4 (4 bytes), 2 IPv6 (16 bytes), 0 unknown (no bytes, read as none). False for any other type or when it does not fit.</summary>
    public static bool TryReadAddress(ref WireReader r, out FlowAddress address)
    {
        address = default;
        if (!r.TryReadUInt32(out var type))
        {
            return false;
        }

        switch (type)
        {
            case 0:
                return true;
            case 1 when r.TryReadSpan(4, out var v4):
                address = FlowAddress.FromIPv4(v4);
                return true;
            case 2 when r.TryReadSpan(16, out var v6):
                address = FlowAddress.FromIPv6(v6);
                return true;
            default:
                return false;
        }
    }
}
