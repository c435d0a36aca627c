using FlowWeb.Core.Alerts.Limits;
using FlowWeb.Core.Channels;
using FlowWeb.Core.Sensors;

namespace FlowWeb.Api;

/// <summary>
/// A sensor's settings as a client sends them (create and full update). Omitted properties take the same defaults
/// as a new sensor in the form; the id comes from the route or is assigned on create.
/// </summary>
internal sealed record SensorRequest
{
    public string Name { get; init; } = "";

    public IReadOnlyList<string>? Tags { get; init; }

    /// <summary>1 to 5 stars.</summary>
    public int Priority { get; init; } = 3;

    public Guid? DeviceId { get; init; }

    public ExpectedProtocol Protocol { get; init; } = ExpectedProtocol.NetFlowV9;

    public int Port { get; init; } = 2055;

    /// <summary>Local addresses to receive on; empty = any.</summary>
    public IReadOnlyList<string>? ReceiveAddresses { get; init; }

    /// <summary>Accept only this exporter; empty = any device sending to the port.</summary>
    public string? SenderIp { get; init; }

    /// <summary>0 = book flows at arrival; otherwise spread them over their interval. At most 60.</summary>
    public int ActiveFlowTimeoutMinutes { get; init; } = 1;

    public SamplingMode SamplingMode { get; init; } = SamplingMode.Automatic;

    public int SamplingRate { get; init; } = 1;

    /// <summary>No / Yes / Detail per standard channel group; a group not listed is Yes.</summary>
    public IReadOnlyDictionary<StandardChannelGroup, ChannelGroupMode>? ChannelGroups { get; init; }

    /// <summary>Custom channels in PRTG syntax; empty = standard groups.</summary>
    public string? CustomChannels { get; init; }

    public string? IncludeFilter { get; init; }

    public string? ExcludeFilter { get; init; }

    /// <summary>Omitted = the six standard toplists.</summary>
    public IReadOnlyList<ToplistSettings>? Toplists { get; init; }

    /// <summary>Channel limits: upper/lower error and warning limits per channel and value (bit/s, packets/s, flows/s), each with a message and a hold time.</summary>
    public IReadOnlyList<ChannelLimit>? Limits { get; init; }

    public bool Paused { get; init; }

    /// <summary>
    /// JSON <c>null</c> inside a list (<c>"toplists":[null]</c>): the serializer does not check the nullability of list
    /// items, so it is refused here, naming the item.
    /// </summary>
    public IReadOnlyList<ValidationError> NullItems()
    {
        var errors = new List<ValidationError>();
        Check(nameof(Tags), Tags);
        Check(nameof(ReceiveAddresses), ReceiveAddresses);
        Check(nameof(Toplists), Toplists);
        return errors;

        void Check<T>(string field, IReadOnlyList<T>? items)
        {
            for (var i = 0; items is not null && i < items.Count; i++)
            {
                if (items[i] is null)
                {
                    errors.Add(new ValidationError(field, $"item {i} is null"));
                }
            }
        }
    }

    public SensorDefinition ToDefinition(Guid id) => new()
    {
        Id = id,
        Name = Name ?? "",
        Tags = Tags ?? [],
        Priority = Priority,
        DeviceId = DeviceId,
        Protocol = Protocol,
        Port = Port,
        ReceiveAddresses = ReceiveAddresses ?? [],
        SenderIp = SenderIp ?? "",
        ActiveFlowTimeoutMinutes = ActiveFlowTimeoutMinutes,
        SamplingMode = SamplingMode,
        SamplingRate = SamplingRate,
        ChannelGroups = ChannelGroups ?? new Dictionary<StandardChannelGroup, ChannelGroupMode>(),
        CustomChannels = CustomChannels ?? "",
        IncludeFilter = IncludeFilter ?? "",
        ExcludeFilter = ExcludeFilter ?? "",
        Toplists = Toplists is null ? ToplistDefinition.Defaults() : [.. Toplists.Select(t => t.ToDefinition())],
        Limits = Limits ?? [],
        Paused = Paused,
    };
}

/// <summary>A toplist of a sensor: name, type, period, top count, reverse DNS (and the fields of a custom one).</summary>
internal sealed record ToplistSettings
{
    public int Id { get; init; }

    public string Name { get; init; } = "";

    public ToplistType Type { get; init; }

    public IReadOnlyList<ToplistField>? Fields { get; init; }

    public int PeriodMinutes { get; init; } = 15;

    public int Count { get; init; } = 100;

    public bool ReverseDns { get; init; } = true;

    public ToplistDefinition ToDefinition() => new()
    {
        Id = Id,
        Name = Name ?? "",
        Type = Type,
        Fields = Fields ?? [],
        PeriodMinutes = PeriodMinutes,
        Count = Count,
        ReverseDns = ReverseDns,
    };

    public static ToplistSettings From(ToplistDefinition t) => new()
    {
        Id = t.Id,
        Name = t.Name,
        Type = t.Type,
        Fields = t.Fields,
        PeriodMinutes = t.PeriodMinutes,
        Count = t.Count,
        ReverseDns = t.ReverseDns,
    };
}

/// <summary>A stored sensor's settings.</summary>
internal sealed record SensorResponse(
    Guid Id,
    string Name,
    IReadOnlyList<string> Tags,
    int Priority,
    Guid? DeviceId,
    ExpectedProtocol Protocol,
    int Port,
    IReadOnlyList<string> ReceiveAddresses,
    string SenderIp,
    int ActiveFlowTimeoutMinutes,
    SamplingMode SamplingMode,
    int SamplingRate,
    IReadOnlyDictionary<StandardChannelGroup, ChannelGroupMode> ChannelGroups,
    string CustomChannels,
    string IncludeFilter,
    string ExcludeFilter,
    IReadOnlyList<ToplistSettings> Toplists,
    IReadOnlyList<ChannelLimit> Limits,
    bool Paused)
{
    public static SensorResponse From(SensorDefinition s) => new(
        s.Id, s.Name, s.Tags, s.Priority, s.DeviceId, s.Protocol, s.Port, s.ReceiveAddresses, s.SenderIp, s.ActiveFlowTimeoutMinutes,
        s.SamplingMode, s.SamplingRate, s.ChannelGroups, s.CustomChannels, s.IncludeFilter, s.ExcludeFilter,
        [.. s.Toplists.Select(ToplistSettings.From)], s.Limits, s.Paused);
}
