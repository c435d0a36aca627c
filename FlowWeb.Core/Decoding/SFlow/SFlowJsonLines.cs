using System.Text.Json;

namespace FlowWeb.Core.Decoding.SFlow;

/// <summary>
/// Writes the sFlow samples of a decode run as JSON lines (<see cref="SFlowJson"/>), as the decoder meets them: flow
/// samples always, counters samples when asked (<c>decode --options</c>).
/// </summary>
public sealed class SFlowJsonLines(Utf8JsonWriter json, Stream output, bool includeCounters) : ISFlowSampleSink
{
    private static readonly byte[] NewLine = "\n"u8.ToArray();

    public long FlowSamples { get; private set; }

    public long CountersSamples { get; private set; }

    public void FlowSample(in SFlowFlowSample sample)
    {
        FlowSamples++;
        SFlowJson.WriteFlowSample(json, sample);
        EndLine();
    }

    public void CountersSample(in SFlowInterfaceCounters counters)
    {
        CountersSamples++;
        if (includeCounters)
        {
            SFlowJson.WriteCountersSample(json, counters);
            EndLine();
        }
    }

    private void EndLine()
    {
        json.Flush();
        output.Write(NewLine);
        json.Reset(output);
    }
}
