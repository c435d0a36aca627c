using FlowWeb.Tests.Decoding.TestData;

namespace FlowWeb.Tests.Decoding;

/// <summary>Every capture in TestData/captures is decoded, in README order, to the reference decoders' record counts.</summary>
public sealed class CaptureCatalogTests
{
    [Fact]
    public void Catalog_EveryCaptureFileOnDisk_IsListedExactlyOnce()
    {
        var onDisk = Captures.AllFiles().ToArray();
        var listed = CaptureCatalog.Files.Select(f => f.Path).Order(StringComparer.Ordinal).ToArray();

        Assert.Equal(45, onDisk.Length);
        Assert.Equal(onDisk, listed);
    }

    [Theory]
    [MemberData(nameof(CaptureCatalog.GroupNames), MemberType = typeof(CaptureCatalog))]
    public void Decode_GroupInReadmeOrder_GivesReferenceRecordCountsAndStatus(string group)
    {
        var g = CaptureCatalog.Group(group);
        using var run = CaptureRun.Decode(g);
        var expected = g.Files.SelectMany(f => f.Packets.Select((e, i) => (f.Name, i, e.Status, e.Records, e.OptionsRecords))).ToArray();
        var actual = run.Packets.Select(p => (p.Packet.File.Name, p.Packet.Index, p.Result.Status, p.Flows.Length, p.Options.Length)).ToArray();

        Assert.Equal(expected, actual);
        Assert.All(run.Packets, p =>
        {
            Assert.Equal(p.Flows.Length, p.Result.Records);
            Assert.Equal(p.Options.Length, p.Result.OptionsRecords);
        });

        // The exporters' counters agree with what the batches received.
        var flows = run.Packets.GroupBy(p => p.Packet.Exporter).ToDictionary(x => x.Key, x => x.Sum(p => p.Flows.Length));
        // (A sender whose datagrams all failed their header checks has no entry: it was never admitted.)
        Assert.All(flows, kv => Assert.Equal(kv.Value, run.Decoder.StatisticsOf(kv.Key)?.Flows ?? 0));
    }
}
