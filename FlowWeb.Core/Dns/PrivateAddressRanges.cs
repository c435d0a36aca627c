using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Dns;

/// <summary>
/// Addresses that mean something only inside one network: RFC 1918 (10/8, 172.16/12, 192.168/16), shared address
/// space for carrier-grade NAT (100.64/10, RFC 6598), link-local (169.254/16, fe80::/10), loopback (127/8, ::1) and
/// IPv6 unique local addresses (fc00::/7, RFC 4193).
/// </summary>
public static class PrivateAddressRanges
{
    // IPv4 ranges as (network, prefix length) over host-order values.
    private static readonly (uint Network, int Bits)[] IPv4 =
    [
        (0x0A00_0000, 8),   // 10.0.0.0/8
        (0xAC10_0000, 12),  // 172.16.0.0/12
        (0xC0A8_0000, 16),  // 192.168.0.0/16
        (0x6440_0000, 10),  // 100.64.0.0/10
        (0xA9FE_0000, 16),  // 169.254.0.0/16
        (0x7F00_0000, 8),   // 127.0.0.0/8
    ];

    public static bool Contains(FlowAddress address)
    {
        if (address.IsIPv4)
        {
            var value = address.IPv4Value;
            foreach (var (network, bits) in IPv4)
            {
                if ((value & (uint.MaxValue << (32 - bits))) == network)
                {
                    return true;
                }
            }

            return false;
        }

        var top = address.High;
        return (top & 0xFE00_0000_0000_0000UL) == 0xFC00_0000_0000_0000UL // fc00::/7
            || (top & 0xFFC0_0000_0000_0000UL) == 0xFE80_0000_0000_0000UL // fe80::/10
            || (top == 0 && address.Low == 1); // ::1
    }
}
