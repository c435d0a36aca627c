using FlowWeb.Core.Live;
using FlowWeb.Core.Sensors;

namespace FlowWeb.Api;

/// <summary>A channel's current value: what arrived over the last <see cref="SensorLiveState.CurrentValueSeconds"/> complete seconds, per second.</summary>
internal sealed record ChannelValueResponse(int Id, string Name, string? Unit, double BitsPerSecond, double PacketsPerSecond, double FlowsPerSecond);

/// <summary>What a sensor is doing right now: its state and the reason, counters since it started, and every channel's current value.</summary>
internal sealed record SensorLiveResponse(
    Guid Id,
    string Name,
    SensorState State,
    string StatusMessage,
    DateTimeOffset? LastDataAt,
    long FlowsAccepted,
    long FlowsFiltered,
    double Bytes,
    double Packets,
    IReadOnlyList<ChannelValueResponse> Channels)
{
    public static SensorLiveResponse From(SensorLiveSnapshot s) => new(
        s.Definition.Id, s.Definition.Name, s.Status.State, s.Status.Message, s.LastDataAt, s.FlowsAccepted, s.FlowsFiltered, s.Bytes, s.Packets,
        [.. s.Channels.Select(c => new ChannelValueResponse(c.ChannelId, c.Name, c.Unit, c.BitsPerSecond, c.PacketsPerSecond, c.FlowsPerSecond))]);
}

/// <summary>One channel's per-second values, oldest first.</summary>
internal sealed record ChannelSeriesResponse(int Id, string Name, string? Unit, double[] BitsPerSecond, double[] PacketsPerSecond, double[] FlowsPerSecond);

/// <summary>Per-second values of every channel of a sensor; the last second is the current one, still filling up.</summary>
internal sealed record SensorSeriesResponse(Guid SensorId, DateTimeOffset FirstSecond, int Seconds, IReadOnlyList<ChannelSeriesResponse> Channels);
