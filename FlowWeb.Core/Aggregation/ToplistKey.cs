using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Aggregation;

/// <summary>
/// The key of a toplist entry: up to two addresses, two ports, two numbers and a protocol, enough for every
/// built-in toplist and for custom ones over chosen fields. Unused parts stay zero. Hashing is hand-rolled over
/// the 64-bit words because this runs once per flow per toplist.
/// </summary>
public readonly struct ToplistKey : IEquatable<ToplistKey>
{
    public ToplistKey(FlowAddress a, FlowAddress b = default, ushort port1 = 0, ushort port2 = 0, byte protocol = 0, uint number1 = 0, uint number2 = 0)
    {
        A = a;
        B = b;
        Port1 = port1;
        Port2 = port2;
        Protocol = protocol;
        Number1 = number1;
        Number2 = number2;
    }

    public FlowAddress A { get; }

    public FlowAddress B { get; }

    public ushort Port1 { get; }

    public ushort Port2 { get; }

    public byte Protocol { get; }

    public uint Number1 { get; }

    public uint Number2 { get; }

    public bool Equals(ToplistKey other) =>
        A.Low == other.A.Low && A.High == other.A.High && B.Low == other.B.Low && B.High == other.B.High &&
        Port1 == other.Port1 && Port2 == other.Port2 && Protocol == other.Protocol &&
        Number1 == other.Number1 && Number2 == other.Number2;

    public override bool Equals(object? obj) => obj is ToplistKey other && Equals(other);

    public override int GetHashCode()
    {
        const ulong Prime = 0x9E37_79B9_7F4A_7C15UL;
        var h = (A.Low * Prime) ^ A.High;
        h = ((h ^ B.Low) * Prime) ^ B.High;
        h = (h ^ ((ulong)Port1 << 48) ^ ((ulong)Port2 << 32) ^ ((ulong)Protocol << 24) ^ Number1) * Prime;
        h ^= Number2;
        h *= Prime;
        return (int)(h ^ (h >> 32));
    }

    public static bool operator ==(ToplistKey left, ToplistKey right) => left.Equals(right);

    public static bool operator !=(ToplistKey left, ToplistKey right) => !left.Equals(right);
}
