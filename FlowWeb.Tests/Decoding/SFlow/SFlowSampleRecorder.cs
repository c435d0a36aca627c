using System.Text.Json;
using System.Text.Json.Nodes;
using FlowWeb.Core.Decoding.SFlow;

namespace FlowWeb.Tests.Decoding.SFlow;

/// <summary>Keeps every sample a decoder hands its sFlow sink, as the structs and as the decode tool's JSON objects, in datagram order.</summary>
internal sealed class SFlowSampleRecorder : ISFlowSampleSink
{
    public List<SFlowFlowSample> Flows { get; } = [];

    public List<SFlowInterfaceCounters> Counters { get; } = [];

    /// <summary>Flow and counters samples interleaved as they came, as JSON.</summary>
    public List<JsonObject> Json { get; } = [];

    public void FlowSample(in SFlowFlowSample sample)
    {
        var copy = sample;
        Flows.Add(copy);
        Json.Add(Write(w => SFlowJson.WriteFlowSample(w, copy)));
    }

    public void CountersSample(in SFlowInterfaceCounters counters)
    {
        var copy = counters;
        Counters.Add(copy);
        Json.Add(Write(w => SFlowJson.WriteCountersSample(w, copy)));
    }

    private static JsonObject Write(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            write(writer);
        }

        return JsonNode.Parse(stream.ToArray())!.AsObject();
    }
}
