using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Dns;
using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Storage.History;

/// <summary>A closed minute batch or toplist period on its way to the database, with its journal sequence number.</summary>
internal sealed record HistoryItem(long Sequence, ChannelMinute[]? Minutes, HistoryToplist? Toplist)
{
    /// <summary>Whether a journal file holds it (so it survives a hard kill until written).</summary>
    public bool Journaled { get; set; }

    /// <summary>Rows it adds to a batch: its minute rows, or a period's rows plus the period.</summary>
    public int Rows => Minutes?.Length ?? Toplist!.Period.Rows.Count + 1;
}

internal sealed record HistoryToplist(Guid SensorId, int ToplistId, ToplistPeriodResult Period, IReadOnlyList<HostNamePair>? HostNames);

/// <summary>
/// The bytes of one journal file (little-endian):
/// <code>
/// "FWHJ" | format 1 (1 byte) | kind (1: minutes, 2: toplist period) | sequence (8) | payload length (4) | payload | CRC-32 of everything before it (4)
/// minutes payload:  count (4), then per row: sensor id (16), channel id (4), minute (8, Unix s), bytes, packets, flows, peak (8 each, double)
/// toplist payload:  sensor id (16), toplist id (4), start, end (8 each, Unix s), total bytes, packets, flows (8 each), approximate (1),
///                   error bound (8), distinct keys (4), row count (4), then per row: A high, A low, B high, B low (8 each), port 1, port 2 (2 each),
///                   protocol (1), number 1, number 2 (4 each), bytes, packets, flows, error bytes (8 each), then host names (0 or 1 for none/some,
///                   then per row two strings, each a length (4, -1 for none) and UTF-8 bytes)
/// </code>
/// A file cut short by a kill or a bad disk fails its length or CRC check and is reported as unreadable, never half-read.
/// </summary>
internal static class HistoryJournalFormat
{
    private const uint Magic = 0x4A48_5746; // "FWHJ" read little-endian
    private const byte Version = 1;
    private const byte MinutesKind = 1;
    private const byte ToplistKind = 2;
    private const int HeaderLength = 4 + 1 + 1 + 8 + 4;

    /// <summary>A bound on a file's size when reading, far above any real item (a 10,000-row period with long names is ~3 MB).</summary>
    private const int MaxPayload = 64 * 1024 * 1024;

    public static byte[] Write(HistoryItem item)
    {
        using var payload = new MemoryStream();
        using (var w = new BinaryWriter(payload, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            if (item.Minutes is { } minutes)
            {
                w.Write(minutes.Length);
                foreach (var m in minutes)
                {
                    w.Write(m.SensorId.ToByteArray());
                    w.Write(m.ChannelId);
                    w.Write(m.Minute.ToUnixTimeSeconds());
                    w.Write(m.Bytes);
                    w.Write(m.Packets);
                    w.Write(m.Flows);
                    w.Write(m.PeakBytesPerSecond);
                }
            }
            else
            {
                WriteToplist(w, item.Toplist!);
            }
        }

        var body = payload.GetBuffer().AsSpan(0, (int)payload.Length);
        var bytes = new byte[HeaderLength + body.Length + 4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, Magic);
        bytes[4] = Version;
        bytes[5] = item.Minutes is null ? ToplistKind : MinutesKind;
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(6), item.Sequence);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(14), body.Length);
        body.CopyTo(bytes.AsSpan(HeaderLength));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4), Crc32.HashToUInt32(bytes.AsSpan(0, bytes.Length - 4)));
        return bytes;
    }

    /// <summary>The item, or null with the reason when the bytes are not a whole, intact journal file.</summary>
    public static HistoryItem? Read(ReadOnlySpan<byte> bytes, out string? problem)
    {
        problem = null;
        if (bytes.Length < HeaderLength + 4 || BinaryPrimitives.ReadUInt32LittleEndian(bytes) != Magic || bytes[4] != Version)
        {
            problem = "not a journal file of this version";
            return null;
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(bytes[14..]);
        if (length is < 0 or > MaxPayload || bytes.Length != HeaderLength + length + 4)
        {
            problem = "cut short";
            return null;
        }

        if (Crc32.HashToUInt32(bytes[..^4]) != BinaryPrimitives.ReadUInt32LittleEndian(bytes[^4..]))
        {
            problem = "checksum mismatch";
            return null;
        }

        var sequence = BinaryPrimitives.ReadInt64LittleEndian(bytes[6..]);
        using var r = new BinaryReader(new MemoryStream(bytes.Slice(HeaderLength, length).ToArray()), System.Text.Encoding.UTF8);
        try
        {
            return bytes[5] switch
            {
                MinutesKind => new HistoryItem(sequence, ReadMinutes(r), null) { Journaled = true },
                ToplistKind => new HistoryItem(sequence, null, ReadToplist(r)) { Journaled = true },
                _ => null,
            };
        }
        catch (Exception e) when (e is EndOfStreamException or ArgumentException or IOException)
        {
            problem = $"unreadable payload ({e.Message})";
            return null;
        }
    }

    private static void WriteToplist(BinaryWriter w, HistoryToplist toplist)
    {
        var p = toplist.Period;
        w.Write(toplist.SensorId.ToByteArray());
        w.Write(toplist.ToplistId);
        w.Write(p.CoveredFrom.ToUnixTimeSeconds());
        w.Write(p.CoveredTo.ToUnixTimeSeconds());
        w.Write(p.TotalBytes);
        w.Write(p.TotalPackets);
        w.Write(p.TotalFlows);
        w.Write(p.Approximate);
        w.Write(p.ErrorBound);
        w.Write(p.DistinctKeys);
        w.Write(p.Rows.Count);
        foreach (var row in p.Rows)
        {
            var k = row.Key;
            w.Write(k.A.High);
            w.Write(k.A.Low);
            w.Write(k.B.High);
            w.Write(k.B.Low);
            w.Write(k.Port1);
            w.Write(k.Port2);
            w.Write(k.Protocol);
            w.Write(k.Number1);
            w.Write(k.Number2);
            w.Write(row.Bytes);
            w.Write(row.Packets);
            w.Write(row.Flows);
            w.Write(row.ErrorBytes);
        }

        // 1: names; 2: names and the owners recorded with them (the AS and country databases' answers when the period closed).
        var owners = toplist.HostNames?.Any(n => n.OwnersRecorded) == true;
        w.Write(toplist.HostNames is null ? (byte)0 : owners ? (byte)2 : (byte)1);
        if (toplist.HostNames is { } names)
        {
            w.Write(names.Count);
            foreach (var pair in names)
            {
                WriteString(w, pair.A);
                WriteString(w, pair.B);
                if (owners)
                {
                    WriteString(w, pair.OwnersRecorded ? Enrichment.AddressOwner.Store(pair.OwnerA) : null);
                    WriteString(w, pair.OwnersRecorded ? Enrichment.AddressOwner.Store(pair.OwnerB) : null);
                }
            }
        }
    }

    private static ChannelMinute[] ReadMinutes(BinaryReader r)
    {
        var minutes = new ChannelMinute[Count(r)];
        for (var i = 0; i < minutes.Length; i++)
        {
            minutes[i] = new ChannelMinute(new Guid(r.ReadBytes(16)), r.ReadInt32(), DateTimeOffset.FromUnixTimeSeconds(r.ReadInt64()),
                r.ReadDouble(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble());
        }

        return minutes;
    }

    private static HistoryToplist ReadToplist(BinaryReader r)
    {
        var sensor = new Guid(r.ReadBytes(16));
        var toplistId = r.ReadInt32();
        var start = DateTimeOffset.FromUnixTimeSeconds(r.ReadInt64());
        var end = DateTimeOffset.FromUnixTimeSeconds(r.ReadInt64());
        long totalBytes = r.ReadInt64(), totalPackets = r.ReadInt64(), totalFlows = r.ReadInt64();
        var approximate = r.ReadBoolean();
        var errorBound = r.ReadInt64();
        var distinct = r.ReadInt32();
        var rows = new ToplistRow[Count(r)];
        for (var i = 0; i < rows.Length; i++)
        {
            var key = new ToplistKey(new FlowAddress(r.ReadUInt64(), r.ReadUInt64()), new FlowAddress(r.ReadUInt64(), r.ReadUInt64()),
                r.ReadUInt16(), r.ReadUInt16(), r.ReadByte(), r.ReadUInt32(), r.ReadUInt32());
            rows[i] = new ToplistRow(key, r.ReadInt64(), r.ReadInt64(), r.ReadInt64(), r.ReadInt64());
        }

        HostNamePair[]? names = null;
        var flag = r.ReadByte();
        if (flag is 1 or 2)
        {
            names = new HostNamePair[Count(r)];
            for (var i = 0; i < names.Length; i++)
            {
                names[i] = new HostNamePair(ReadString(r), ReadString(r));
                if (flag == 2)
                {
                    var (ownerA, ownerB) = (ReadString(r), ReadString(r));
                    if (ownerA is not null)
                    {
                        names[i] = names[i] with { OwnersRecorded = true, OwnerA = Enrichment.AddressOwner.Parse(ownerA), OwnerB = Enrichment.AddressOwner.Parse(ownerB) };
                    }
                }
            }
        }

        var period = new ToplistPeriodResult(start, end, rows, totalBytes, totalPackets, totalFlows, approximate, errorBound, distinct);
        return new HistoryToplist(sensor, toplistId, period, names);
    }

    private static int Count(BinaryReader r)
    {
        // Every counted thing takes at least one byte: a count beyond what is left is damage, not an allocation to make.
        var count = r.ReadInt32();
        return count >= 0 && count <= r.BaseStream.Length - r.BaseStream.Position ? count : throw new IOException($"count {count} is out of range");
    }

    private static void WriteString(BinaryWriter w, string? value)
    {
        if (value is null)
        {
            w.Write(-1);
            return;
        }

        var bytes = System.Text.Encoding.UTF8.GetBytes(value);
        w.Write(bytes.Length);
        w.Write(bytes);
    }

    private static string? ReadString(BinaryReader r)
    {
        var length = r.ReadInt32();
        return length < 0 ? null : System.Text.Encoding.UTF8.GetString(r.ReadBytes(Math.Min(length, MaxPayload)));
    }
}
