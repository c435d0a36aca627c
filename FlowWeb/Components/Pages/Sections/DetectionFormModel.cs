using FlowWeb.Core.Detection;

namespace FlowWeb.Components.Pages.Sections;

/// <summary>
/// The sensor form's editable copy of a sensor's <see cref="SensorDetectionSettings"/> (stored as the sensor's
/// Detection JSON). Lists are edited as text, one entry per line or separated by commas; empty values inherit from
/// the Detection section of the configuration. Bit rates are edited in Mbit/s, as channel limits are.
/// </summary>
public sealed class DetectionFormModel
{
    private static readonly char[] Separators = [',', ';', ' ', '\t', '\r', '\n'];

    public DetectionMode Mode { get; set; }

    public string ProtectedNetworks { get; set; } = "";

    public int? StartAfterSeconds { get; set; }

    public int? EndAfterSeconds { get; set; }

    public ThresholdFormModel Incoming { get; } = new();

    public ThresholdFormModel Outgoing { get; } = new();

    public List<HostGroupFormModel> HostGroups { get; } = [];

    public static DetectionFormModel From(SensorDetectionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var model = new DetectionFormModel
        {
            Mode = settings.Mode,
            ProtectedNetworks = string.Join('\n', settings.ProtectedNetworks),
            StartAfterSeconds = settings.StartAfterSeconds,
            EndAfterSeconds = settings.EndAfterSeconds,
        };
        model.Incoming.Load(settings.Incoming);
        model.Outgoing.Load(settings.Outgoing);
        model.HostGroups.AddRange(settings.HostGroups.Select(HostGroupFormModel.From));
        return model;
    }

    public SensorDetectionSettings ToSettings() => new()
    {
        Mode = Mode,
        ProtectedNetworks = List(ProtectedNetworks),
        StartAfterSeconds = StartAfterSeconds,
        EndAfterSeconds = EndAfterSeconds,
        Incoming = Incoming.ToSet(),
        Outgoing = Outgoing.ToSet(),
        HostGroups = [.. HostGroups.Select(g => g.ToGroup())],
    };

    public static IReadOnlyList<string> List(string? text) =>
        [.. (text ?? "").Split(Separators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}

/// <summary>A host group in the form: a name, its prefixes as text, and its own thresholds (empty = the sensor's).</summary>
public sealed class HostGroupFormModel
{
    public string Name { get; set; } = "";

    public string Prefixes { get; set; } = "";

    public ThresholdFormModel Incoming { get; } = new();

    public ThresholdFormModel Outgoing { get; } = new();

    public static HostGroupFormModel From(HostGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var model = new HostGroupFormModel { Name = group.Name, Prefixes = string.Join('\n', group.Prefixes) };
        model.Incoming.Load(group.Incoming);
        model.Outgoing.Load(group.Outgoing);
        return model;
    }

    public HostGroup ToGroup() => new()
    {
        Name = (Name ?? "").Trim(),
        Prefixes = DetectionFormModel.List(Prefixes),
        Incoming = Incoming.ToSet(),
        Outgoing = Outgoing.ToSet(),
    };
}

/// <summary>Thresholds of one direction by metric; null inherits, 0 turns one off. Bit rates are held in Mbit/s.</summary>
public sealed class ThresholdFormModel
{
    public Dictionary<DetectionMetric, double?> Values { get; } = [];

    /// <summary>Bit rates are shown in Mbit/s; everything else per second as stored.</summary>
    public static bool IsBits(DetectionMetric metric) => metric is DetectionMetric.Bits or DetectionMetric.UdpBits;

    public static double Scale(DetectionMetric metric) => IsBits(metric) ? 1e6 : 1;

    public void Load(ThresholdSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        foreach (var metric in Enum.GetValues<DetectionMetric>())
        {
            Values[metric] = set[metric] is { } value ? value / Scale(metric) : null;
        }
    }

    public ThresholdSet ToSet()
    {
        long? Get(DetectionMetric m) => Values.GetValueOrDefault(m) is { } v && double.IsFinite(v) ? (long)Math.Round(Math.Clamp(v * Scale(m), -1, 9e17)) : null;
        return new ThresholdSet
        {
            PacketsPerSecond = Get(DetectionMetric.Packets),
            BitsPerSecond = Get(DetectionMetric.Bits),
            FlowsPerSecond = Get(DetectionMetric.Flows),
            SynPacketsPerSecond = Get(DetectionMetric.SynPackets),
            UdpPacketsPerSecond = Get(DetectionMetric.UdpPackets),
            UdpBitsPerSecond = Get(DetectionMetric.UdpBits),
            IcmpPacketsPerSecond = Get(DetectionMetric.IcmpPackets),
            FragmentPacketsPerSecond = Get(DetectionMetric.FragmentPackets),
            DistinctSourcesPerSecond = Get(DetectionMetric.DistinctSources),
        };
    }
}
