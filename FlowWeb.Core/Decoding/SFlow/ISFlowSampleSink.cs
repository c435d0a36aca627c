namespace FlowWeb.Core.Decoding.SFlow;

/// <summary>
/// Receives every sFlow sample a <see cref="FlowDecoder"/> decodes, in datagram order, during <see cref="FlowDecoder.Decode"/>
/// (on the decoding thread): the decode tool writes them as JSON, tests check them field by field. The collector does
/// not need one: flow samples become flow records and interface counters are kept per agent.
/// </summary>
public interface ISFlowSampleSink
{
    void FlowSample(in SFlowFlowSample sample);

    void CountersSample(in SFlowInterfaceCounters counters);
}
