using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace FlowWeb.Components.Pages.Sections;

/// <summary>The address a router most likely reaches FlowWeb by: the one the browser used, unless that is loopback.</summary>
internal static class HostGuess
{
    public static string For(string browserHost)
    {
        var loopback = browserHost.Equals("localhost", StringComparison.OrdinalIgnoreCase) ||
                       (IPAddress.TryParse(browserHost.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
        if (!loopback && browserHost.Length > 0)
        {
            return browserHost;
        }

        return NetworkInterface.GetAllNetworkInterfaces()
            .Where(i => i.OperationalStatus == OperationalStatus.Up && i.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(i => i.GetIPProperties().UnicastAddresses)
            .Select(u => u.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))?.ToString() ?? "";
    }
}
