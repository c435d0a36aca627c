using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Rules;

/// <summary>
/// One IP value of a rule as a 128-bit test: the address masked with <c>Mask</c> must lie between <c>First</c> and
/// <c>Last</c>. An exact address has a full mask and First = Last; a prefix has a prefix mask; an IPv4 wildcard
/// zeroes the starred octets; a range keeps a full mask (or zeroes the starred octets after a range octet).
/// IPv4 patterns keep the ::ffff:0:0/96 part of the mask, so they never match an IPv6 address.
/// </summary>
internal readonly record struct AddressPattern(ulong MaskHigh, ulong MaskLow, ulong FirstHigh, ulong FirstLow, ulong LastHigh, ulong LastLow)
{
    private const ulong MappedPrefix = 0x0000_FFFF_0000_0000UL;

    public bool Matches(FlowAddress address)
    {
        var high = address.High & MaskHigh;
        var low = address.Low & MaskLow;
        return (high > FirstHigh || (high == FirstHigh && low >= FirstLow))
            && (high < LastHigh || (high == LastHigh && low <= LastLow));
    }

    public static AddressPattern IPv4(uint mask, uint first, uint last) =>
        new(ulong.MaxValue, 0xFFFF_FFFF_0000_0000UL | mask, 0, MappedPrefix | first, 0, MappedPrefix | last);

    public static AddressPattern Exact(FlowAddress address) =>
        new(ulong.MaxValue, ulong.MaxValue, address.High, address.Low, address.High, address.Low);

    public static AddressPattern Range(FlowAddress first, FlowAddress last) =>
        new(ulong.MaxValue, ulong.MaxValue, first.High, first.Low, last.High, last.Low);

    /// <summary>A prefix over the full 128 bits (an IPv4 /n is a /96+n here).</summary>
    public static AddressPattern Prefix(FlowAddress address, int length)
    {
        var maskHigh = length >= 64 ? ulong.MaxValue : length == 0 ? 0 : ulong.MaxValue << (64 - length);
        var maskLow = length <= 64 ? 0 : length == 128 ? ulong.MaxValue : ulong.MaxValue << (128 - length);
        var high = address.High & maskHigh;
        var low = address.Low & maskLow;
        return new(maskHigh, maskLow, high, low, high, low);
    }
}
