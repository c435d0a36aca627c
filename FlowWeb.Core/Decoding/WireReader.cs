using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace FlowWeb.Core.Decoding;

/// <summary>
/// The one place where integers are read from the wire: big-endian (network order), bounds-checked,
/// never throwing. Callers check the returned bool (or <see cref="Remaining"/>) before trusting a value.
/// </summary>
public ref struct WireReader
{
    private readonly ReadOnlySpan<byte> _buffer;
    private int _position;

    public WireReader(ReadOnlySpan<byte> buffer)
    {
        _buffer = buffer;
        _position = 0;
    }

    public readonly int Position => _position;

    public readonly int Remaining => _buffer.Length - _position;

    public readonly ReadOnlySpan<byte> Rest => _buffer[_position..];

    public bool TryReadUInt8(out byte value)
    {
        if (Remaining < 1)
        {
            value = 0;
            return false;
        }

        value = _buffer[_position++];
        return true;
    }

    public bool TryReadUInt16(out ushort value)
    {
        if (Remaining < 2)
        {
            value = 0;
            return false;
        }

        value = BinaryPrimitives.ReadUInt16BigEndian(_buffer[_position..]);
        _position += 2;
        return true;
    }

    public bool TryReadUInt32(out uint value)
    {
        if (Remaining < 4)
        {
            value = 0;
            return false;
        }

        value = BinaryPrimitives.ReadUInt32BigEndian(_buffer[_position..]);
        _position += 4;
        return true;
    }

    public bool TrySkip(int count)
    {
        if (count < 0 || Remaining < count)
        {
            return false;
        }

        _position += count;
        return true;
    }

    public bool TryReadSpan(int count, out ReadOnlySpan<byte> value)
    {
        if (count < 0 || Remaining < count)
        {
            value = default;
            return false;
        }

        value = _buffer.Slice(_position, count);
        _position += count;
        return true;
    }

    /// <summary>
    /// Reads an unsigned integer of any length 1..8 (RFC 7011 §6.2 reduced-size encoding). Longer values keep
    /// their low 8 bytes; an empty span reads as 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong ReadUnsigned(ReadOnlySpan<byte> value) => value.Length switch
    {
        1 => value[0],
        2 => BinaryPrimitives.ReadUInt16BigEndian(value),
        4 => BinaryPrimitives.ReadUInt32BigEndian(value),
        8 => BinaryPrimitives.ReadUInt64BigEndian(value),
        _ => ReadUnsignedOtherLength(value),
    };

    /// <summary>The lengths templates rarely use (0, 3, 5-7, over 8): kept out of line so that the common ones inline.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ulong ReadUnsignedOtherLength(ReadOnlySpan<byte> value)
    {
        if (value.Length > 8)
        {
            value = value[^8..];
        }

        ulong result = 0;
        foreach (var b in value)
        {
            result = (result << 8) | b;
        }

        return result;
    }

    /// <summary>Reads 1..8 bytes as a little-endian unsigned integer (RouterOS 6 sampling-interval quirk).</summary>
    public static ulong ReadUnsignedLittleEndian(ReadOnlySpan<byte> value)
    {
        ulong result = 0;
        for (var i = Math.Min(value.Length, 8) - 1; i >= 0; i--)
        {
            result = (result << 8) | value[i];
        }

        return result;
    }
}
