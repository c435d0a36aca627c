using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.Extensions.Options;

namespace FlowWeb.Security;

/// <summary>
/// DNS rebinding defence: the Host header must be a name this machine answers to. A page on a foreign site whose name
/// an attacker re-points to this server's address would otherwise be same-origin with FlowWeb in the victim's browser.
/// ASP.NET Core's host filtering does the checking (400 for another Host); this fills its list: loopback names, the
/// machine's own names and addresses (as they are at start-up), and the names configured in <c>AllowedHosts</c>
/// (semicolon-separated, <c>*.example.net</c> wildcards allowed). <c>AllowedHosts=*</c> switches the check off.
/// </summary>
internal sealed partial class AllowedHostNames(IConfiguration configuration, ILogger<AllowedHostNames> logger) : IPostConfigureOptions<HostFilteringOptions>
{
    public const string Key = "AllowedHosts";

    public void PostConfigure(string? name, HostFilteringOptions options)
    {
        var configured = (configuration[Key] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (configured.Contains("*"))
        {
            options.AllowedHosts = ["*"];
            return;
        }

        options.AllowedHosts = [.. configured.Concat(Machine()).Distinct(StringComparer.OrdinalIgnoreCase)];
        options.AllowEmptyHosts = false;
        var list = string.Join(", ", options.AllowedHosts);
        LogAllowed(logger, list, Key);
    }

    /// <summary>Loopback names, the host name (short and qualified) and every unicast address of the machine's interfaces.</summary>
    public static IEnumerable<string> Machine()
    {
        yield return "localhost";
        yield return "*.localhost";
        yield return "127.0.0.1";
        yield return "[::1]";
        var host = Dns.GetHostName();
        yield return host;
        var domain = IPGlobalProperties.GetIPGlobalProperties().DomainName;
        if (!string.IsNullOrEmpty(domain) && !host.Contains('.', StringComparison.Ordinal))
        {
            yield return $"{host}.{domain}";
        }

        foreach (var address in InterfaceAddresses())
        {
            yield return address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{new IPAddress(address.GetAddressBytes())}]" : address.ToString();
        }
    }

    private static IEnumerable<IPAddress> InterfaceAddresses()
    {
        NetworkInterface[] interfaces;
        try
        {
            interfaces = NetworkInterface.GetAllNetworkInterfaces();
        }
        catch (NetworkInformationException)
        {
            yield break;
        }

        foreach (var address in interfaces.SelectMany(i => i.GetIPProperties().UnicastAddresses))
        {
            yield return address.Address;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Answering only to these host names (others get 400; add names with {Key}): {Hosts}")]
    private static partial void LogAllowed(ILogger logger, string hosts, string key);
}
