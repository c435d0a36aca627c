using FlowWeb.Core.Alerts.Limits;
using FlowWeb.Core.Channels;
using FlowWeb.Core.Detection;

namespace FlowWeb.Core.Sensors;

/// <summary>The flow protocol a sensor expects, as PRTG's sensor types. Decoding always follows the packets' own version.</summary>
public enum ExpectedProtocol
{
    NetFlowV5,
    NetFlowV9,
    Ipfix,
    JFlow,
    NetStream,

    /// <summary>sFlow v5 from switches (default port 6343): one sampled packet per flow sample.</summary>
    SFlow,
}

public enum SamplingMode
{
    /// <summary>Use the rate the exporter reports (1 when it reports none).</summary>
    Automatic,

    /// <summary>Use <see cref="SensorDefinition.SamplingRate"/> whatever the packets say (RouterOS 6 reports it byte-swapped).</summary>
    Fixed,
}

public enum ToplistType
{
    TopTalkers,
    TopConnections,
    TopProtocols,
    TopSourceIp,
    TopDestinationIp,
    TopIp,
    Custom,

    /// <summary>By the source's AS: the exporter's when it sends one (BGP routers), else Enrichment:AsnDatabase's.</summary>
    TopSourceAs,

    /// <summary>By the destination's AS, as <see cref="TopSourceAs"/>.</summary>
    TopDestinationAs,

    /// <summary>
    /// By country (Enrichment:CountryDatabase): a flow counts for the country of each of its two hosts that has one
    /// (once when both are in the same country); a flow with no country on either side counts as Unknown.
    /// </summary>
    TopCountries,
}

/// <summary>Fields a custom toplist can group by.</summary>
public enum ToplistField
{
    SourceIp,
    DestinationIp,
    SourcePort,
    DestinationPort,
    Protocol,
    InboundInterface,
    OutboundInterface,
    SourceAs,
    DestinationAs,
    Dscp,
    NextHop,
    Vlan,
}

/// <summary>A toplist of a sensor (PRTG: name, type, period, top count, reverse DNS).</summary>
public sealed record ToplistDefinition
{
    public int Id { get; init; }

    public string Name { get; init; } = "";

    public ToplistType Type { get; init; }

    /// <summary>Fields of a custom toplist (at most two addresses, two ports, two numbers and the protocol).</summary>
    public IReadOnlyList<ToplistField> Fields { get; init; } = [];

    public int PeriodMinutes { get; init; } = 15;

    public int Count { get; init; } = 100;

    public bool ReverseDns { get; init; } = true;

    public static IReadOnlyList<ToplistDefinition> Defaults() =>
    [
        new() { Id = 1, Name = "Top Talkers", Type = ToplistType.TopTalkers },
        new() { Id = 2, Name = "Top Connections", Type = ToplistType.TopConnections },
        new() { Id = 3, Name = "Top Protocols", Type = ToplistType.TopProtocols },
        new() { Id = 4, Name = "Top Source IP", Type = ToplistType.TopSourceIp },
        new() { Id = 5, Name = "Top Destination IP", Type = ToplistType.TopDestinationIp },
        new() { Id = 6, Name = "Top IP", Type = ToplistType.TopIp },
    ];
}

/// <summary>A device: one exporter (router) with its sensors.</summary>
public sealed record DeviceDefinition
{
    public Guid Id { get; init; } = Guid.NewGuid();

    public string Name { get; init; } = "";

    /// <summary>The exporter's address as text (validated).</summary>
    public string Address { get; init; } = "";

    public string Notes { get; init; } = "";
}

/// <summary>
/// A flow sensor's settings, as PRTG's NetFlow/IPFIX/jFlow sensors (see shared/prtg-sensors.md §1.2). Plain data:
/// validated by <see cref="SensorValidator"/>, turned into a running sensor by the collector.
/// </summary>
public sealed record SensorDefinition
{
    public Guid Id { get; init; } = Guid.NewGuid();

    public string Name { get; init; } = "";

    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>1 to 5 stars.</summary>
    public int Priority { get; init; } = 3;

    public Guid? DeviceId { get; init; }

    public ExpectedProtocol Protocol { get; init; } = ExpectedProtocol.NetFlowV9;

    public int Port { get; init; } = 2055;

    /// <summary>Local addresses to receive on; empty = any.</summary>
    public IReadOnlyList<string> ReceiveAddresses { get; init; } = [];

    /// <summary>Accept only this exporter; empty = any device sending to the port.</summary>
    public string SenderIp { get; init; } = "";

    /// <summary>0 = book everything at arrival time; otherwise spread records over their interval, and Unknown after this long without data. Max 60.</summary>
    public int ActiveFlowTimeoutMinutes { get; init; } = 1;

    public SamplingMode SamplingMode { get; init; } = SamplingMode.Automatic;

    public int SamplingRate { get; init; } = 1;

    /// <summary>
    /// No / Yes / Detail per standard channel group (FlowWeb.Core/Channels/STANDARD_CHANNELS.md); a group not
    /// listed is Yes. Ignored when <see cref="CustomChannels"/> is set.
    /// </summary>
    public IReadOnlyDictionary<StandardChannelGroup, ChannelGroupMode> ChannelGroups { get; init; } = new Dictionary<StandardChannelGroup, ChannelGroupMode>();

    /// <summary>Custom channel definitions in PRTG syntax (<c>#id:Name</c> then a rule); empty = standard groups.</summary>
    public string CustomChannels { get; init; } = "";

    public string IncludeFilter { get; init; } = "";

    public string ExcludeFilter { get; init; } = "";

    public IReadOnlyList<ToplistDefinition> Toplists { get; init; } = ToplistDefinition.Defaults();

    /// <summary>Channel limits (PRTG): crossing an error limit makes the sensor Down, a warning limit Warning. They do not change what is counted.</summary>
    public IReadOnlyList<ChannelLimit> Limits { get; init; } = [];

    /// <summary>Attack detection: this sensor's protected networks, thresholds and host groups (empty = the global ones).</summary>
    public SensorDetectionSettings Detection { get; init; } = new();

    public bool Paused { get; init; }
}
