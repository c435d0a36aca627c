using System.Buffers.Binary;

namespace FlowWeb.Core.Encoding;

/// <summary>
/// The one place where the encoders put integers on the wire: big-endian (network order), the mirror of
/// <see cref="Decoding.WireReader"/>. Writes past the end throw: a caller that runs out of room has a sizing
/// bug, which is not network input and should fail loudly.
/// </summary>
internal ref struct WireWriter
{
    private readonly Span<byte> _buffer;
    private int _position;

    public WireWriter(Span<byte> buffer)
    {
        _buffer = buffer;
        _position = 0;
    }

    public readonly int Position => _position;

    public readonly int Remaining => _buffer.Length - _position;

    public void WriteUInt8(byte value) => _buffer[_position++] = value;

    public void WriteUInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(_buffer[_position..], value);
        _position += 2;
    }

    public void WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(_buffer[_position..], value);
        _position += 4;
    }

    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        value.CopyTo(_buffer[_position..]);
        _position += value.Length;
    }

    /// <summary>Reserves <paramref name="count"/> bytes (to be filled later) and returns them.</summary>
    public Span<byte> Reserve(int count)
    {
        var slot = _buffer.Slice(_position, count);
        _position += count;
        return slot;
    }

    /// <summary>
    /// Writes <paramref name="value"/> into all of <paramref name="destination"/> big-endian: RFC 7011 §6.2
    /// reduced-size encoding for 1..8 bytes (the low bytes are kept, as a narrower counter on the exporter
    /// would wrap), zero-extended on the left when the field is wider than 8 bytes.
    /// </summary>
    public static void WriteUnsigned(Span<byte> destination, ulong value)
    {
        switch (destination.Length)
        {
            case 1: destination[0] = (byte)value; return;
            case 2: BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)value); return;
            case 4: BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)value); return;
            case 8: BinaryPrimitives.WriteUInt64BigEndian(destination, value); return;
            case 0: return;
            default:
                if (destination.Length > 8)
                {
                    destination[..^8].Clear();
                    BinaryPrimitives.WriteUInt64BigEndian(destination[^8..], value);
                    return;
                }

                for (var i = destination.Length - 1; i >= 0; i--)
                {
                    destination[i] = (byte)value;
                    value >>= 8;
                }

                return;
        }
    }
}
