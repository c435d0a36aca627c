using FlowWeb.Core.Decoding;
using FlowWeb.Core.Flows;

namespace FlowWeb.Tests.Decoding.TestData;

/// <summary>One packet of a group as the decoder returned it. Its batch holds only this packet's records.</summary>
internal sealed class DecodedPacket(CapturePacket packet, DecodeResult result, FlowBatch batch)
{
    public CapturePacket Packet { get; } = packet;

    public DecodeResult Result { get; } = result;

    public FlowBatch Batch { get; } = batch;

    /// <summary>Traffic records, in decode order.</summary>
    public FlowRecord[] Flows { get; } = [.. batch.Records.ToArray().Where(r => !r.IsOptions)];

    /// <summary>Options records (only when the run asked for them).</summary>
    public FlowRecord[] Options { get; } = [.. batch.Records.ToArray().Where(r => r.IsOptions)];

    /// <summary>An element of a record as an unsigned integer (the record must come from this packet's batch).</summary>
    public ulong Unsigned(in FlowRecord record, ushort elementId, uint enterpriseNumber = 0) =>
        Batch.TryGetElement(record, elementId, enterpriseNumber, out var value)
            ? Core.Decoding.WireReader.ReadUnsigned(value)
            : throw new Xunit.Sdk.XunitException($"Record has no element {elementId} (PEN {enterpriseNumber}).");

    /// <summary>An element of a record as its raw bytes.</summary>
    public byte[] Bytes(in FlowRecord record, ushort elementId, uint enterpriseNumber = 0) =>
        Batch.TryGetElement(record, elementId, enterpriseNumber, out var value)
            ? value.ToArray()
            : throw new Xunit.Sdk.XunitException($"Record has no element {elementId} (PEN {enterpriseNumber}).");

    /// <summary>An element of a record as UTF-8 text, without the NUL terminator or padding exporters add (as tshark and Logstash print it).</summary>
    public string Text(in FlowRecord record, ushort elementId, uint enterpriseNumber = 0) =>
        System.Text.Encoding.UTF8.GetString(Bytes(record, elementId, enterpriseNumber)).TrimEnd('\0');

    public override string ToString() => $"{Packet.File.Name}#{Packet.Index}";
}

/// <summary>A whole group fed, in order, to one decoder, each packet into its own batch.</summary>
internal sealed class CaptureRun : IDisposable
{
    private CaptureRun(FlowDecoder decoder, List<DecodedPacket> packets)
    {
        Decoder = decoder;
        Packets = packets;
    }

    public FlowDecoder Decoder { get; }

    public IReadOnlyList<DecodedPacket> Packets { get; }

    public static CaptureRun Decode(CaptureGroup group, bool includeOptions = true, FlowDecoder? decoder = null)
    {
        decoder ??= Captures.NewDecoder();
        var packets = new List<DecodedPacket>();
        foreach (var packet in Captures.Packets(group))
        {
            var batch = new FlowBatch { IncludeOptions = includeOptions };
            var result = decoder.Decode(packet.Exporter, packet.Payload, batch);
            packets.Add(new DecodedPacket(packet, result, batch));
        }

        return new CaptureRun(decoder, packets);
    }

    public static CaptureRun Decode(string groupName, bool includeOptions = true) => Decode(CaptureCatalog.Group(groupName), includeOptions);

    /// <summary>The <paramref name="index"/>th packet of the file whose name is <paramref name="fileName"/>.</summary>
    public DecodedPacket this[string fileName, int index = 0] =>
        Packets.Single(p => p.Packet.File.Name == fileName && p.Packet.Index == index);

    public void Dispose()
    {
        foreach (var p in Packets)
        {
            p.Batch.Dispose();
        }
    }
}
