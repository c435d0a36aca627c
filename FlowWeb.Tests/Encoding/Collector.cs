using FlowWeb.Core.Decoding;
using FlowWeb.Core.Flows;

namespace FlowWeb.Tests.Encoding;

/// <summary>The real decoder behind one exporter address, collecting everything it decodes into one batch.</summary>
internal sealed class Collector : IDisposable
{
    public static readonly FlowAddress Exporter = FlowAddress.Parse("192.0.2.10");

    public FlowDecoder Decoder { get; } = new();

    public FlowBatch Batch { get; } = new();

    public List<DecodeResult> Results { get; } = [];

    public FlowRecord[] Records => Batch.Records.ToArray();

    public ExporterStatistics Stats => Decoder.StatisticsOf(Exporter) ?? throw new InvalidOperationException("Nothing decoded yet.");

    public DecodeResult Feed(ReadOnlySpan<byte> datagram)
    {
        var result = Decoder.Decode(Exporter, datagram, Batch);
        Results.Add(result);
        return result;
    }

    /// <summary>Decodes a datagram that must be fully valid.</summary>
    public DecodeResult FeedOk(ReadOnlySpan<byte> datagram)
    {
        var result = Feed(datagram);
        Assert.Equal(DecodeStatus.Ok, result.Status);
        return result;
    }

    public void Dispose() => Batch.Dispose();

    public static string CapturePath(string file) =>
        Path.Combine(AppContext.BaseDirectory, "TestData", "captures", "logstash-codec-netflow", file);

    public static byte[] Capture(string file) => File.ReadAllBytes(CapturePath(file));
}
