using System.Buffers.Binary;
using FlowWeb.Core.Decoding;
using FlowWeb.Core.Flows;
using FlowWeb.Tests.Decoding.TestData;

namespace FlowWeb.Tests.Decoding;

/// <summary>
/// Every capture packet truncated at every length and padded with seeded garbage (STYLE.md: RESPite's reader
/// tests): the decoder never throws, never finds more records than the whole packet holds, and reports a
/// truncated v1/v5/IPFIX/sFlow packet as a problem.
/// </summary>
public sealed class CaptureRobustnessTests
{
    private static readonly int[] GarbageLengths = [1, 2, 3, 4, 7, 48, 255, 1024];

    /// <summary>A fresh decoder that has seen the packets before <paramref name="index"/> (their templates, mostly).</summary>
    private static FlowDecoder Primed(CapturePacket[] packets, int index)
    {
        var decoder = Captures.NewDecoder();
        using var batch = new FlowBatch { IncludeOptions = true };
        for (var i = 0; i < index; i++)
        {
            decoder.Decode(packets[i].Exporter, packets[i].Payload, batch);
            batch.Clear();
        }

        return decoder;
    }

    private static (DecodeResult Result, int Records) Decode(CapturePacket[] packets, int index, ReadOnlySpan<byte> datagram, FlowDecoder? selfContained)
    {
        var decoder = selfContained ?? Primed(packets, index);
        using var batch = new FlowBatch { IncludeOptions = true };
        var result = decoder.Decode(packets[index].Exporter, datagram, batch);
        return (result, batch.Count);
    }

    /// <summary>One decoder for every packet of a self-contained group (sFlow: 1,000 datagrams, each decoded alone), else null: each decode is primed afresh.</summary>
    private static FlowDecoder? SharedDecoder(string group) => CaptureCatalog.Group(group).SelfContained ? Captures.NewDecoder() : null;

    /// <summary>The length the packet's own header declares (v1/v5: header + count x 48; IPFIX: the message length), or null.</summary>
    private static int? DeclaredLength(byte[] p)
    {
        var version = BinaryPrimitives.ReadUInt16BigEndian(p);
        var field = BinaryPrimitives.ReadUInt16BigEndian(p.AsSpan(2));
        return version switch
        {
            0 => p.Length, // sFlow: its sample count and lengths make every byte of a well-formed datagram necessary
            1 when field is > 0 and <= 24 => 16 + (48 * field),
            5 when field is > 0 and <= 30 => 24 + (48 * field),
            10 => field,
            _ => null,
        };
    }

    [Theory]
    [MemberData(nameof(CaptureCatalog.GroupNames), MemberType = typeof(CaptureCatalog))]
    public void Decode_EveryPacketTruncatedAtEveryLength_NeverThrowsNorGainsRecords(string group)
    {
        var packets = Captures.Packets(CaptureCatalog.Group(group)).ToArray();
        var shared = SharedDecoder(group);
        for (var index = 0; index < packets.Length; index++)
        {
            var payload = packets[index].Payload;
            var whole = Decode(packets, index, payload, shared);
            var declared = DeclaredLength(payload);
            var version = BinaryPrimitives.ReadUInt16BigEndian(payload);

            for (var length = 0; length < payload.Length; length++)
            {
                var (result, records) = Decode(packets, index, payload.AsSpan(0, length), shared);
                Assert.True(records <= whole.Records, $"{packets[index].File.Name} cut at {length}: {records} records > {whole.Records}");
                Assert.Equal(records, result.Records + result.OptionsRecords);
                if (length < 2 || (version is 0 or 1 or 5 or 10 && (declared is null || length < declared)))
                {
                    Assert.NotEqual(DecodeStatus.Ok, result.Status);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(CaptureCatalog.GroupNames), MemberType = typeof(CaptureCatalog))]
    public void Decode_EveryPacketPaddedWithGarbage_KeepsItsRecords(string group)
    {
        var packets = Captures.Packets(CaptureCatalog.Group(group)).ToArray();
        var random = new Random(group.Length * 7919);
        var shared = SharedDecoder(group);
        for (var index = 0; index < packets.Length; index++)
        {
            var payload = packets[index].Payload;
            var whole = Decode(packets, index, payload, shared);
            var version = BinaryPrimitives.ReadUInt16BigEndian(payload);
            foreach (var extra in GarbageLengths)
            {
                var padded = new byte[payload.Length + extra];
                payload.CopyTo(padded, 0);
                random.NextBytes(padded.AsSpan(payload.Length));

                var (result, records) = Decode(packets, index, padded, shared);
                if (version == 9)
                {
                    // Garbage after v9 flowsets is read as more flowsets; it may only add what it could hold.
                    Assert.InRange(records, whole.Records, whole.Records + extra);
                }
                else
                {
                    // v1/v5 count, the IPFIX message length and sFlow's sample count bound the packet: the garbage is trailing bytes.
                    Assert.Equal(whole.Records, records);
                    if (whole.Result.Status is DecodeStatus.Ok or DecodeStatus.TrailingBytes)
                    {
                        Assert.Equal(DecodeStatus.TrailingBytes, result.Status);
                    }
                }
            }
        }
    }
}
