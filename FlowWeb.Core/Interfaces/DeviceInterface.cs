namespace FlowWeb.Core.Interfaces;

/// <summary>Where an interface's name came from.</summary>
public enum InterfaceSource
{
    /// <summary>Typed on the device's interface page or sent through the API.</summary>
    Manual,

    /// <summary>Learned from the exporter's v9/IPFIX options data (interfaceName, interfaceDescription).</summary>
    Exporter,
}

/// <summary>
/// One interface of a device, by the SNMP ifIndex that flow records carry as input and output interface: its name,
/// an optional description, and its speed in bit/s (0 when unknown), which turns a rate into a utilisation.
/// </summary>
public sealed record DeviceInterface(uint IfIndex, string Name, string Description = "", long SpeedBitsPerSecond = 0,
    InterfaceSource Source = InterfaceSource.Manual)
{
    /// <summary>"ether1 (3)": the name with the index flow records carry, so either can be searched for.</summary>
    public string Label => string.IsNullOrEmpty(Name) ? IfIndex.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{Name} ({IfIndex})";

    /// <summary>A rate as a share of the interface's speed in percent, or null when the speed is unknown.</summary>
    public double? Utilisation(double bitsPerSecond) => SpeedBitsPerSecond > 0 ? 100 * bitsPerSecond / SpeedBitsPerSecond : null;
}
