using FlowWeb.Core.Channels;
using FlowWeb.Core.Sensors;

namespace FlowWeb.Components.Pages.Sections;

/// <summary>
/// The sensor form's editable copy of a <see cref="SensorDefinition"/>. <see cref="ToDefinition"/> keeps what the
/// form does not show as it was (ids, explicit channel group entries), so that saving unchanged settings does not
/// make the collector start the sensor's counting afresh.
/// </summary>
public sealed class SensorFormModel
{
    private static readonly char[] TagSeparators = [',', ';', ' ', '\t', '\n'];

    private SensorDefinition _original = new();

    public Guid Id { get; private set; }

    public string Name { get; set; } = "";

    /// <summary>Tags separated by commas or spaces.</summary>
    public string Tags { get; set; } = "";

    public int Priority { get; set; } = 3;

    public Guid? DeviceId { get; set; }

    public ExpectedProtocol Protocol { get; set; }

    public int Port { get; set; }

    public IReadOnlyCollection<string> ReceiveAddresses { get; set; } = [];

    public string SenderIp { get; set; } = "";

    public int ActiveFlowTimeoutMinutes { get; set; }

    public SamplingMode SamplingMode { get; set; }

    public int SamplingRate { get; set; }

    /// <summary>True: channels from <see cref="ChannelDefinition"/>; false: the standard groups.</summary>
    public bool UseCustomChannels { get; set; }

    public Dictionary<StandardChannelGroup, ChannelGroupMode> Groups { get; } = [];

    public string ChannelDefinition { get; set; } = "";

    public string IncludeFilter { get; set; } = "";

    public string ExcludeFilter { get; set; } = "";

    public List<ToplistFormModel> Toplists { get; } = [];

    public List<LimitFormModel> Limits { get; } = [];

    /// <summary>Attack detection settings (the sensor's Detection JSON).</summary>
    public DetectionFormModel Detection { get; private set; } = new();

    public bool Paused { get; set; }

    public static SensorFormModel From(SensorDefinition sensor)
    {
        ArgumentNullException.ThrowIfNull(sensor);
        var model = new SensorFormModel
        {
            _original = sensor,
            Id = sensor.Id,
            Name = sensor.Name,
            Tags = string.Join(", ", sensor.Tags),
            Priority = sensor.Priority,
            DeviceId = sensor.DeviceId,
            Protocol = sensor.Protocol,
            Port = sensor.Port,
            ReceiveAddresses = [.. sensor.ReceiveAddresses],
            SenderIp = sensor.SenderIp,
            ActiveFlowTimeoutMinutes = sensor.ActiveFlowTimeoutMinutes,
            SamplingMode = sensor.SamplingMode,
            SamplingRate = sensor.SamplingRate,
            UseCustomChannels = !string.IsNullOrWhiteSpace(sensor.CustomChannels),
            ChannelDefinition = sensor.CustomChannels,
            IncludeFilter = sensor.IncludeFilter,
            ExcludeFilter = sensor.ExcludeFilter,
            Paused = sensor.Paused,
        };
        foreach (var group in StandardChannelMap.Groups)
        {
            model.Groups[group.Group] = sensor.ChannelGroups.GetValueOrDefault(group.Group, ChannelGroupMode.Yes);
        }

        model.Toplists.AddRange(sensor.Toplists.Select(ToplistFormModel.From));
        model.Limits.AddRange(sensor.Limits.Select(LimitFormModel.From));
        model.Detection = DetectionFormModel.From(sensor.Detection ?? new());
        return model;
    }

    public SensorDefinition ToDefinition()
    {
        var groups = new Dictionary<StandardChannelGroup, ChannelGroupMode>(_original.ChannelGroups);
        foreach (var (group, mode) in Groups)
        {
            // A group not listed is Yes: list only what differs, or what the stored sensor listed already.
            if (mode != ChannelGroupMode.Yes || groups.ContainsKey(group))
            {
                groups[group] = mode;
            }
        }

        return _original with
        {
            Name = Name.Trim(),
            Tags = [.. (Tags ?? "").Split(TagSeparators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.OrdinalIgnoreCase)],
            Priority = Priority,
            DeviceId = DeviceId,
            Protocol = Protocol,
            Port = Port,
            ReceiveAddresses = [.. ReceiveAddresses],
            SenderIp = (SenderIp ?? "").Trim(),
            ActiveFlowTimeoutMinutes = ActiveFlowTimeoutMinutes,
            SamplingMode = SamplingMode,
            SamplingRate = SamplingRate,
            ChannelGroups = groups,
            CustomChannels = UseCustomChannels ? ChannelDefinition ?? "" : "",
            IncludeFilter = IncludeFilter ?? "",
            ExcludeFilter = ExcludeFilter ?? "",
            Toplists = [.. Toplists.Select(t => t.ToDefinition())],
            Limits = [.. Limits.Select(l => l.ToDefinition())],
            Detection = Detection.ToSettings(),
            Paused = Paused,
        };
    }

    /// <summary>A new toplist with the next free id: a custom list by source, destination and service port.</summary>
    public ToplistFormModel AddToplist()
    {
        var id = Toplists.Count == 0 ? 1 : Toplists.Max(t => t.Id) + 1;
        var toplist = new ToplistFormModel
        {
            Id = id,
            Name = $"Custom toplist {id}",
            Type = ToplistType.Custom,
        };
        toplist.SelectFields([ToplistField.SourceIp, ToplistField.DestinationIp, ToplistField.DestinationPort, ToplistField.Protocol]);
        Toplists.Add(toplist);
        return toplist;
    }
}

/// <summary>The form's editable copy of a <see cref="ToplistDefinition"/>.</summary>
public sealed class ToplistFormModel
{
    public int Id { get; set; }

    public string Name { get; set; } = "";

    public ToplistType Type { get; set; }

    /// <summary>Custom fields in the order they fill the key (the first address is column A, and so on).</summary>
    public IReadOnlyList<ToplistField> Fields { get; private set; } = [];

    /// <summary>Takes a new selection of fields: those kept stay in their order, new ones go after them.</summary>
    public void SelectFields(IEnumerable<ToplistField> selected)
    {
        var chosen = selected.ToHashSet();
        Fields = [.. Fields.Where(chosen.Contains), .. chosen.Except(Fields).OrderBy(f => f)];
    }

    public int PeriodMinutes { get; set; } = 15;

    public int Count { get; set; } = 100;

    public bool ReverseDns { get; set; } = true;

    public static ToplistFormModel From(ToplistDefinition t)
    {
        ArgumentNullException.ThrowIfNull(t);
        return new() { Id = t.Id, Name = t.Name, Type = t.Type, Fields = [.. t.Fields], PeriodMinutes = t.PeriodMinutes, Count = t.Count, ReverseDns = t.ReverseDns };
    }

    public ToplistDefinition ToDefinition() => new()
    {
        Id = Id,
        Name = (Name ?? "").Trim(),
        Type = Type,
        Fields = Type == ToplistType.Custom ? [.. Fields] : [],
        PeriodMinutes = PeriodMinutes,
        Count = Count,
        ReverseDns = ReverseDns,
    };
}
