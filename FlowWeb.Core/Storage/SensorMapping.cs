using FlowWeb.Core.Detection;
using FlowWeb.Core.Sensors;
using FlowWeb.Core.Storage.Entities;

namespace FlowWeb.Core.Storage;

/// <summary>Sensor and device settings between the model records and their rows, field by field.</summary>
internal static class SensorMapping
{
    public static Sensor ToEntity(SensorDefinition s) => new()
    {
        Id = s.Id,
        Name = s.Name,
        Tags = [.. s.Tags],
        Priority = s.Priority,
        DeviceId = s.DeviceId,
        Protocol = s.Protocol,
        Port = s.Port,
        ReceiveAddresses = [.. s.ReceiveAddresses],
        SenderIp = s.SenderIp,
        ActiveFlowTimeoutMinutes = s.ActiveFlowTimeoutMinutes,
        SamplingMode = s.SamplingMode,
        SamplingRate = s.SamplingRate,
        CustomChannels = s.CustomChannels,
        IncludeFilter = s.IncludeFilter,
        ExcludeFilter = s.ExcludeFilter,
        Paused = s.Paused,
        Detection = DetectionJson.Write(s.Detection),
        ChannelGroups = [.. s.ChannelGroups.Select(g => new SensorChannelGroup { SensorId = s.Id, Group = g.Key, Mode = g.Value })],
        Toplists = [.. s.Toplists.Select((t, i) => new SensorToplist
        {
            SensorId = s.Id,
            ToplistId = t.Id,
            Position = i,
            Name = t.Name,
            Type = t.Type,
            Fields = [.. t.Fields],
            PeriodMinutes = t.PeriodMinutes,
            Count = t.Count,
            ReverseDns = t.ReverseDns,
        })],
        Limits = [.. s.Limits.Select(l => new SensorChannelLimit
        {
            SensorId = s.Id, ChannelId = l.ChannelId, Metric = l.Metric, UpperError = l.UpperError, UpperWarning = l.UpperWarning,
            LowerWarning = l.LowerWarning, LowerError = l.LowerError, UpperErrorMessage = l.UpperErrorMessage ?? "",
            UpperWarningMessage = l.UpperWarningMessage ?? "", LowerWarningMessage = l.LowerWarningMessage ?? "",
            LowerErrorMessage = l.LowerErrorMessage ?? "", HoldSeconds = l.HoldSeconds,
        })],
    };

    public static SensorDefinition ToDefinition(Sensor s) => new()
    {
        Id = s.Id,
        Name = s.Name,
        Tags = [.. s.Tags],
        Priority = s.Priority,
        DeviceId = s.DeviceId,
        Protocol = s.Protocol,
        Port = s.Port,
        ReceiveAddresses = [.. s.ReceiveAddresses],
        SenderIp = s.SenderIp,
        ActiveFlowTimeoutMinutes = s.ActiveFlowTimeoutMinutes,
        SamplingMode = s.SamplingMode,
        SamplingRate = s.SamplingRate,
        ChannelGroups = s.ChannelGroups.ToDictionary(g => g.Group, g => g.Mode),
        CustomChannels = s.CustomChannels,
        IncludeFilter = s.IncludeFilter,
        ExcludeFilter = s.ExcludeFilter,
        Toplists = [.. s.Toplists.OrderBy(t => t.Position).Select(t => new ToplistDefinition
        {
            Id = t.ToplistId,
            Name = t.Name,
            Type = t.Type,
            Fields = [.. t.Fields],
            PeriodMinutes = t.PeriodMinutes,
            Count = t.Count,
            ReverseDns = t.ReverseDns,
        })],
        Limits = [.. s.Limits.OrderBy(l => l.ChannelId).ThenBy(l => l.Metric).Select(l => new Alerts.Limits.ChannelLimit
        {
            ChannelId = l.ChannelId, Metric = l.Metric, UpperError = l.UpperError, UpperWarning = l.UpperWarning, LowerWarning = l.LowerWarning,
            LowerError = l.LowerError, UpperErrorMessage = l.UpperErrorMessage, UpperWarningMessage = l.UpperWarningMessage,
            LowerWarningMessage = l.LowerWarningMessage, LowerErrorMessage = l.LowerErrorMessage, HoldSeconds = l.HoldSeconds,
        })],
        Detection = DetectionJson.Read(s.Detection),
        Paused = s.Paused,
    };

    public static Device ToEntity(DeviceDefinition d) => new() { Id = d.Id, Name = d.Name, Address = d.Address, Notes = d.Notes };

    public static DeviceDefinition ToDefinition(Device d) => new() { Id = d.Id, Name = d.Name, Address = d.Address, Notes = d.Notes };
}
