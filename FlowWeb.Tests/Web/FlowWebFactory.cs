using System.Globalization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace FlowWeb.Tests.Web;

/// <summary>
/// The whole app in-process: real collector socket on a free UDP port, a throwaway data directory. Reverse DNS is
/// off unless a test turns it on with a loopback server: the machine's own resolver is not on loopback, and tests
/// send traffic only to 127.0.0.1.
/// </summary>
public sealed class FlowWebFactory : WebApplicationFactory<Program>
{
    public string DataDirectory { get; } = Directory.CreateTempSubdirectory("flowweb-test-").FullName;

    public int UdpPort { get; } = LoopbackPorts.FreeUdp();

    /// <summary>Extra settings for a test, applied after the defaults above.</summary>
    public Dictionary<string, string?> Settings { get; } = [];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Storage:DataDirectory", DataDirectory);
        builder.UseSetting("Collector:DefaultPort", UdpPort.ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("ReverseDns:Enabled", "false");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }
}
