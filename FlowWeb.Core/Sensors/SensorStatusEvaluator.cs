using FlowWeb.Core.Decoding;

namespace FlowWeb.Core.Sensors;

/// <summary>
/// PRTG-like states for flow sensors: Paused; Down when the sensor's port cannot be opened; Unknown when nothing
/// arrived within the active flow timeout (at least a minute); Warning when flows arrive but in another version
/// than the sensor expects, or its exporter has decode errors in the last minute or data waiting for a template;
/// otherwise Up.
/// </summary>
public static class SensorStatusEvaluator
{
    /// <param name="exporterLastSeen">When the sensor's sender (<see cref="SensorDefinition.SenderIp"/>) was last decoded; null when never (or no sender is set).</param>
    /// <param name="refusal">The sender's last refusal by the decoder (not allowed, exporter table full), if any.</param>
    public static SensorStatus Evaluate(SensorDefinition definition, DateTimeOffset? lastDataAt, int versionsSeen, string? portError,
        long exporterErrorsLastMinute, int exporterPendingSets, DateTimeOffset now, DateTimeOffset? exporterLastSeen = null,
        ExporterRefusal? refusal = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (definition.Paused)
        {
            return new SensorStatus(SensorState.Paused, "Paused");
        }

        if (portError is not null)
        {
            return new SensorStatus(SensorState.Down, portError);
        }

        var timeout = TimeSpan.FromMinutes(Math.Max(1, definition.ActiveFlowTimeoutMinutes));

        // A sensor expecting one exporter is judged by that exporter, not by the port: datagrams from others (or refused
        // ones) must not make it look "Up" while it accepts nothing.
        if (!string.IsNullOrWhiteSpace(definition.SenderIp))
        {
            if (refusal is not null && (exporterLastSeen is null || refusal.LastAt > exporterLastSeen) && now - refusal.LastAt <= timeout)
            {
                return new SensorStatus(SensorState.Warning, refusal.Reason == ExporterRefusalReason.NotAllowed
                    ? $"Datagrams from {definition.SenderIp} are refused: not in Collector:AllowedExporters"
                    : $"Datagrams from {definition.SenderIp} are refused: the exporter table is full (Decoder:MaxExporters)");
            }

            if (exporterLastSeen is { } seen && now - seen > timeout)
            {
                return new SensorStatus(SensorState.Unknown, $"{definition.SenderIp} silent for {FormatAge(now - seen)} (active flow timeout {timeout.TotalMinutes:0} min)");
            }
        }

        if (lastDataAt is not { } last)
        {
            return new SensorStatus(SensorState.Unknown, $"No flows received yet on UDP port {definition.Port}" +
                (string.IsNullOrWhiteSpace(definition.SenderIp) ? "" : $" from {definition.SenderIp}"));
        }

        if (now - last > timeout)
        {
            return new SensorStatus(SensorState.Unknown, $"No flows for {FormatAge(now - last)} (active flow timeout {timeout.TotalMinutes:0} min)");
        }

        var expected = ExpectedVersions(definition.Protocol);
        var unexpected = Enumerable.Range(1, 30).Where(v => (versionsSeen & (1 << v)) != 0 && !expected.Contains(v)).ToList();
        if (unexpected.Count > 0)
        {
            return new SensorStatus(SensorState.Warning,
                $"Receiving {string.Join(", ", unexpected.Select(VersionName))} but the sensor expects {ProtocolName(definition.Protocol)}");
        }

        if (exporterErrorsLastMinute > 0)
        {
            return new SensorStatus(SensorState.Warning, $"{exporterErrorsLastMinute} decode errors in the last minute");
        }

        if (exporterPendingSets > 0)
        {
            return new SensorStatus(SensorState.Warning, $"{exporterPendingSets} data sets waiting for their template");
        }

        return SensorStatus.Up;
    }

    /// <summary>The versions a sensor type accepts without warning: jFlow is v5 or v9/IPFIX on Juniper, NetStream v5 or v9 on Huawei.</summary>
    public static IReadOnlySet<int> ExpectedVersions(ExpectedProtocol protocol) => protocol switch
    {
        ExpectedProtocol.NetFlowV5 => new HashSet<int> { 5 },
        ExpectedProtocol.NetFlowV9 => new HashSet<int> { 9 },
        ExpectedProtocol.Ipfix => new HashSet<int> { 10 },
        ExpectedProtocol.JFlow => new HashSet<int> { 5, 9, 10 },
        ExpectedProtocol.NetStream => new HashSet<int> { 5, 9 },
        ExpectedProtocol.SFlow => new HashSet<int> { Decoding.SFlow.SFlowDatagram.Version },
        _ => new HashSet<int>(),
    };

    public static string VersionName(int version) => version switch
    {
        10 => "IPFIX",
        Decoding.SFlow.SFlowDatagram.Version => "sFlow v5",
        0 => "nothing yet",
        _ => $"NetFlow v{version}",
    };

    public static string ProtocolName(ExpectedProtocol protocol) => protocol switch
    {
        ExpectedProtocol.NetFlowV5 => "NetFlow v5",
        ExpectedProtocol.NetFlowV9 => "NetFlow v9",
        ExpectedProtocol.Ipfix => "IPFIX",
        ExpectedProtocol.JFlow => "jFlow",
        ExpectedProtocol.NetStream => "NetStream",
        ExpectedProtocol.SFlow => "sFlow",
        _ => protocol.ToString(),
    };

    private static string FormatAge(TimeSpan age) =>
        age.TotalHours >= 1 ? $"{age.TotalHours:0.#} h" : age.TotalMinutes >= 1 ? $"{age.TotalMinutes:0} min" : $"{age.TotalSeconds:0} s";
}
