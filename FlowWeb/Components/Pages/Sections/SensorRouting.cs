using System.Globalization;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Live;
using FlowWeb.Core.Sensors;

namespace FlowWeb.Components.Pages.Sections;

/// <summary>Which sensors take which exporter's flows, as far as pages can tell from the settings.</summary>
internal static class SensorRouting
{
    public static bool NamesSender(SensorDefinition sensor, FlowAddress exporter) =>
        FlowAddress.TryParse(sensor.SenderIp?.Trim(), out var sender) && sender == exporter;

    public static bool AcceptsAnySender(SensorDefinition sensor) => !sensor.Paused && string.IsNullOrWhiteSpace(sensor.SenderIp);

    /// <summary>
    /// Exporters whose flows probably reach no sensor: no sensor names them as its sender, and no running sensor
    /// accepts any sender. The collector does not record which port an exporter sends to, so a sensor that accepts
    /// any sender counts as receiving every exporter, whatever its port (this errs towards silence).
    /// </summary>
    public static IReadOnlyList<ExporterFrame> Unassigned(IReadOnlyList<ExporterFrame> exporters, IReadOnlyList<SensorDefinition> sensors)
    {
        ArgumentNullException.ThrowIfNull(exporters);
        ArgumentNullException.ThrowIfNull(sensors);
        if (sensors.Any(AcceptsAnySender))
        {
            return [];
        }

        // One set of named senders, so that 10,000 exporters cost 10,000 lookups, not 10,000 times the sensors.
        var named = new HashSet<FlowAddress>();
        foreach (var sensor in sensors)
        {
            if (FlowAddress.TryParse(sensor.SenderIp?.Trim(), out var sender))
            {
                named.Add(sender);
            }
        }

        return [.. exporters.Where(e => !named.Contains(e.Address))];
    }

    /// <summary>The sensor type that matches the version an exporter sends.</summary>
    public static ExpectedProtocol ProtocolOf(int version) => version switch
    {
        5 => ExpectedProtocol.NetFlowV5,
        10 => ExpectedProtocol.Ipfix,
        Core.Decoding.SFlow.SFlowDatagram.Version => ExpectedProtocol.SFlow,
        _ => ExpectedProtocol.NetFlowV9,
    };

    /// <summary>
    /// The sensor form filled in for an exporter: its address as sender, the port, the protocol from its version. An sFlow
    /// agent gets the sFlow port (<c>Collector:SFlowPort</c>) when one is kept open, as switches send there.
    /// </summary>
    public static string NewSensorLink(ExporterFrame exporter, int port, int sflowPort = 0)
    {
        ArgumentNullException.ThrowIfNull(exporter);
        return NewSensorLink(exporter.Address, exporter.Version, port, sflowPort);
    }

    /// <summary>The sensor form filled in for one stream of an exporter: the port it was heard on, the protocol it sent.</summary>
    public static string NewSensorLink(ExporterRow row, int port, int sflowPort = 0)
    {
        ArgumentNullException.ThrowIfNull(row);
        return row.Stream.LocalPort == 0
            ? NewSensorLink(row.Exporter.Address, row.Stream.Version, port, sflowPort)
            : NewSensorLink(row.Exporter.Address, row.Stream.Version, row.Stream.LocalPort, 0);
    }

    private static string NewSensorLink(FlowAddress address, int version, int port, int sflowPort)
    {
        if (ProtocolOf(version) == ExpectedProtocol.SFlow && sflowPort != 0)
        {
            port = sflowPort;
        }

        return string.Create(CultureInfo.InvariantCulture,
            $"sensors/new?sender={Uri.EscapeDataString(address.ToString())}&port={port}&protocol={ProtocolOf(version)}");
    }
}
