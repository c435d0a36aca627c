using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using FlowWeb.Core.Sensors;

namespace FlowWeb.Core.Collection;

/// <summary>Answers the validator's questions about ports and addresses with the real host: a port is usable when it is ours already or can be bound now.</summary>
public sealed class PortAvailability(FlowCollector collector, CollectorOptions options) : IPortAvailability
{
    public string? Check(int port)
    {
        if (collector.OwnsPort(port))
        {
            return null;
        }

        try
        {
            using var probe = CollectorSocket.Open(options, port, out _);
            return null;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            return $"UDP port {port} is in use by another program";
        }
        catch (SocketException e)
        {
            return $"UDP port {port} cannot be opened: {e.Message}";
        }
    }

    public bool IsLocalAddress(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || IPAddress.IsLoopback(address))
        {
            return true;
        }

        return NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(i => i.GetIPProperties().UnicastAddresses)
            .Any(u => u.Address.Equals(address));
    }
}
