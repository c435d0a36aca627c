using FlowWeb.Core.Decoding;
using FlowWeb.Core.Flows;
using FlowWeb.Tests.Decoding.TestData;

namespace FlowWeb.Tests.Decoding.SFlow;

/// <summary>A decoder with an sFlow recorder, fed datagrams from one exporter address.</summary>
internal sealed class SFlowHarness : IDisposable
{
    public static readonly FlowAddress Exporter = FlowAddress.Parse("192.0.2.200");

    private readonly FlowBatch _batch = new();

    public SFlowHarness(DecoderOptions? options = null)
    {
        Decoder = Captures.NewDecoder(options);
        Decoder.SFlowSink = Samples;
    }

    public FlowDecoder Decoder { get; }

    public SFlowSampleRecorder Samples { get; } = new();

    /// <summary>Records of the last datagram.</summary>
    public FlowRecord[] Records { get; private set; } = [];

    public ExporterStatistics Stats => Decoder.StatisticsOf(Exporter)!;

    public DecodeResult Decode(byte[] datagram, FlowAddress? exporter = null)
    {
        _batch.Clear();
        var result = Decoder.Decode(exporter ?? Exporter, datagram, _batch);
        Records = _batch.Records.ToArray();
        Assert.Equal(Records.Length, result.Records);
        return result;
    }

    public void Dispose() => _batch.Dispose();
}
