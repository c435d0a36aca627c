namespace FlowWeb.Core.Detection;

/// <summary>The largest value one metric reached, as a share of its threshold, on which key and when.</summary>
public sealed record ThresholdPeak(DetectionMetric Metric, string Label, double Value, double Threshold, string Key, long Second);

public sealed partial class SensorDetector
{
    private readonly (double Ratio, double Value, double Threshold, DetectionKey Key, long Second)[] _peaks = new (double, double, double, DetectionKey, long)[ThresholdSet.MetricCount];

    /// <summary>
    /// Per metric, the highest value/threshold any key reached since the detector started: how much room ordinary
    /// traffic leaves below the thresholds (what to look at before lowering one, and what the false-positive replay
    /// prints). Keys under 1 % of every threshold in a second are not judged and not noted. Written by the tick; a
    /// reader on another thread may see a peak and its key from different seconds.
    /// </summary>
    public IReadOnlyList<ThresholdPeak> Headroom =>
    [
        .. _peaks.Select((p, m) => new ThresholdPeak((DetectionMetric)m, ThresholdSet.LabelOf((DetectionMetric)m), p.Value, p.Threshold, Describe(p.Key), p.Second)),
    ];

    /// <summary>Once per key and second (not per record): nine divisions.</summary>
    private void NotePeaks(long second, in DetectionKey key, double[] values, double[] thresholds)
    {
        for (var m = 0; m < values.Length; m++)
        {
            if (thresholds[m] > 0 && values[m] / thresholds[m] > _peaks[m].Ratio)
            {
                _peaks[m] = (values[m] / thresholds[m], values[m], thresholds[m], key, second);
            }
        }
    }

    private string Describe(DetectionKey key) => key.Kind switch
    {
        KeyKind.None => "-",
        KeyKind.IncomingPrefix => "to " + IpPrefix.Of(key.Address, _config.CarpetPrefixLengthV4, _config.CarpetPrefixLengthV6),
        KeyKind.OutgoingHost => "from " + key.Address,
        _ => "to " + key.Address,
    };
}
