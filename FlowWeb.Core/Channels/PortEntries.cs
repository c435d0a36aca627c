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

    public void Set(int port, byte entry)
    {
        _entries[(ushort)port] = entry;
        if (entry == 0)
        {
            _mapped[(ushort)port >> 6] &= ~(1UL << port);
        }
        else
        {
            _mapped[(ushort)port >> 6] |= 1UL << port;
        }
    }
}
