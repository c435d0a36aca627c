using FlowWeb.Core.Detection;
using FlowWeb.Core.Mitigation;

namespace FlowWeb.Api;

/// <summary>
/// An attack as the API returns it: the detector's report (rates sampling-scaled; distinct sources as observed),
/// with the RouterOS commands that stop it in <c>mitigation</c> (v7 then v6, each option commented). Lists leave
/// <c>series</c> and <c>sampleFlows</c> empty; <c>GET /api/attacks/{id}</c> fills them.
/// </summary>
internal sealed record AttackResponse(
    long Id,
    Guid SensorId,
    string SensorName,
    string Victim,
    AttackDirection Direction,
    AttackType Type,
    AttackType Vector,
    int? ReflectorPort,
    string? HostGroup,
    DateTimeOffset Start,
    DateTimeOffset DetectedAt,
    DateTimeOffset? End,
    DateTimeOffset LastUpdate,
    bool Ongoing,
    double PeakPacketsPerSecond,
    double PeakBitsPerSecond,
    double PeakFlowsPerSecond,
    long DistinctSources,
    IReadOnlyList<AttackTrigger> Triggers,
    IReadOnlyList<AttackAddress> TopSources,
    IReadOnlyList<AttackAddress> TopDestinations,
    IReadOnlyList<AttackPort> TopSourcePorts,
    IReadOnlyList<AttackPort> TopDestinationPorts,
    IReadOnlyList<AttackProtocol> ProtocolMix,
    IReadOnlyList<AttackTcpFlags> TcpFlags,
    long SamplingRateMin,
    long SamplingRateMax,
    IReadOnlyList<AttackFlow> SampleFlows,
    int SeriesStepSeconds,
    IReadOnlyList<AttackPoint> Series,
    IReadOnlyList<AttackAction> Actions,
    bool ClosedByRestart,
    string Headline,
    string Mitigation)
{
    public static AttackResponse From(AttackReport a) => new(
        a.Id, a.SensorId, a.SensorName, a.Victim, a.Direction, a.Type, a.Vector, a.ReflectorPort, a.HostGroup, a.Start, a.DetectedAt, a.End,
        a.LastUpdate, a.Ongoing, a.PeakPacketsPerSecond, a.PeakBitsPerSecond, a.PeakFlowsPerSecond, a.DistinctSources, a.Triggers, a.TopSources,
        a.TopDestinations, a.TopSourcePorts, a.TopDestinationPorts, a.ProtocolMix, a.TcpFlags, a.SamplingRateMin, a.SamplingRateMax, a.SampleFlows,
        a.SeriesStepSeconds, a.Series, a.Actions, a.ClosedByRestart, a.Headline, RouterOsCommands.AsText(a));
}
