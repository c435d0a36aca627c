
namespace FlowWeb.Core.Encoding;

/// <summary>
/// Values for template elements that <see cref="Flows.FlowRecord"/> has no field for: options data (sampler
/// tables, scopes), enterprise elements, variable-length strings, or any element whose wire bytes a test wants
/// to dictate. A value set here wins over the record's own field. Keyed by element id and private enterprise
/// number (0 = IANA). Reusable: <see cref="Clear"/> keeps the buffers. Not thread-safe.
/// </summary>
public sealed class ElementValues
{
    private Entry[] _entries = new Entry[4];
    private byte[] _bytes = [];
    private int _bytesUsed;

    public int Count { get; private set; }

    /// <summary>An unsigned value, written into whatever length the template gives the field (reduced-size encoding); 8 bytes in a variable-length field.</summary>
    public ElementValues SetUnsigned(ushort elementId, ulong value, uint enterpriseNumber = 0)
    {
        Put(new Entry(elementId, enterpriseNumber, IsBytes: false, value, 0, 0));
        return this;
    }

    /// <summary>Raw bytes: a fixed-length field must have exactly this length; a variable-length field takes any length up to 65535.</summary>
    public ElementValues SetBytes(ushort elementId, ReadOnlySpan<byte> value, uint enterpriseNumber = 0)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value.Length, ushort.MaxValue - 1, nameof(value));
        if (_bytesUsed + value.Length > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _bytesUsed + value.Length));
        }

        value.CopyTo(_bytes.AsSpan(_bytesUsed));
        Put(new Entry(elementId, enterpriseNumber, IsBytes: true, 0, _bytesUsed, value.Length));
        _bytesUsed += value.Length;
        return this;
    }

    /// <summary>A string element (IPFIX type string is UTF-8, RFC 7011 §6.1.6).</summary>
    public ElementValues SetString(ushort elementId, string value, uint enterpriseNumber = 0)
    {
        ArgumentNullException.ThrowIfNull(value);
        return SetBytes(elementId, System.Text.Encoding.UTF8.GetBytes(value), enterpriseNumber);
    }

    public void Clear()
    {
        Count = 0;
        _bytesUsed = 0;
    }

    internal bool TryGet(ushort elementId, uint enterpriseNumber, out ulong unsignedValue, out ReadOnlySpan<byte> bytes, out bool isBytes)
    {
        for (var i = 0; i < Count; i++)
        {
            ref readonly var e = ref _entries[i];
            if (e.ElementId == elementId && e.EnterpriseNumber == enterpriseNumber)
            {
                unsignedValue = e.Value;
                isBytes = e.IsBytes;
                bytes = e.IsBytes ? _bytes.AsSpan(e.Offset, e.Length) : default;
                return true;
            }
        }

        unsignedValue = 0;
        bytes = default;
        isBytes = false;
        return false;
    }

    private void Put(Entry entry)
    {
        for (var i = 0; i < Count; i++)
        {
            if (_entries[i].ElementId == entry.ElementId && _entries[i].EnterpriseNumber == entry.EnterpriseNumber)
            {
                _entries[i] = entry;
                return;
            }
        }

        if (Count == _entries.Length)
        {
            Array.Resize(ref _entries, Count * 2);
        }

        _entries[Count++] = entry;
    }

    private readonly record struct Entry(ushort ElementId, uint EnterpriseNumber, bool IsBytes, ulong Value, int Offset, int Length);
}
