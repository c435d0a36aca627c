using System.Runtime.CompilerServices;

namespace FlowWeb.Core.Channels;

/// <summary>
/// A byte per port (0: not mapped) behind a bitmap of the mapped ports. Most ports of real traffic are ephemeral and
/// unmapped: their lookup reads the 8 KiB bitmap, which stays in the cache, instead of a line of the 64 KiB entries,
/// which the aggregation's tables push out between records (two lookups a record were 4 % of the receive thread).
/// </summary>
internal sealed class PortEntries
{
    private readonly ulong[] _mapped = new ulong[65536 / 64];
    private readonly byte[] _entries = new byte[65536];

    public byte this[int port]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => (_mapped[(ushort)port >> 6] & (1UL << port)) == 0 ? (byte)0 : _entries[(ushort)port];
    }

    /// <summary>Maps a port to an entry (1..255); the map is built once, so a port is never unmapped.</summary>
    public void Set(int port, byte entry)
    {
        ArgumentOutOfRangeException.ThrowIfZero(entry);
        _entries[(ushort)port] = entry;
        _mapped[(ushort)port >> 6] |= 1UL << port;
    }
}
