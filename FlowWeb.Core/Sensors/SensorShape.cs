namespace FlowWeb.Core.Sensors;

/// <summary>Compares the parts of two sensor definitions that decide what a running sensor counts.</summary>
public static class SensorShape
{
    public static bool SameAggregation(SensorDefinition a, SensorDefinition b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return a.IncludeFilter == b.IncludeFilter && a.ExcludeFilter == b.ExcludeFilter && a.CustomChannels == b.CustomChannels &&
               a.SamplingMode == b.SamplingMode && a.SamplingRate == b.SamplingRate && a.ActiveFlowTimeoutMinutes == b.ActiveFlowTimeoutMinutes &&
               a.ChannelGroups.Count == b.ChannelGroups.Count &&
               a.ChannelGroups.All(kv => b.ChannelGroups.TryGetValue(kv.Key, out var mode) && mode == kv.Value) &&
               a.Toplists.Count == b.Toplists.Count &&
               a.Toplists.Zip(b.Toplists).All(p => SameToplist(p.First, p.Second));
    }

    private static bool SameToplist(ToplistDefinition a, ToplistDefinition b) =>
        a.Id == b.Id && a.Type == b.Type && a.PeriodMinutes == b.PeriodMinutes && a.Count == b.Count && a.Fields.SequenceEqual(b.Fields);
}
