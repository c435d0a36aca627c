using System.Globalization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FlowWeb.Tests.Web;

/// <summary>
/// The whole app in-process: real collector socket on a free UDP port, a throwaway data directory. Reverse DNS is
/// off unless a test turns it on with a loopback server: the machine's own resolver is not on loopback, and tests
/// send traffic only to 127.0.0.1.
/// </summary>
public sealed class FlowWebFactory : WebApplicationFactory<Program>
{
    private readonly bool _ownsDataDirectory;

    public FlowWebFactory()
        : this(Directory.CreateTempSubdirectory("flowweb-test-").FullName, LoopbackPorts.FreeUdp()) => _ownsDataDirectory = true;

    /// <summary>An app on an existing data directory, which outlives it (a restart starts another one on the same folder and port).</summary>
    public FlowWebFactory(string dataDirectory, int udpPort)
    {
        DataDirectory = dataDirectory;
        UdpPort = udpPort;
    }

    public string DataDirectory { get; }

    public int UdpPort { get; }

    /// <summary>The port kept open for sFlow (<c>Collector:SFlowPort</c>), free like <see cref="UdpPort"/> so parallel runs never share 6343.</summary>
    public int SFlowUdpPort { get; } = Collection.CollectorHarness.FreeUdpPort();

    /// <summary>Every log event of the app, as an operator would read it.</summary>
    public LogCapture Logs { get; } = new();

    /// <summary>Extra settings for a test, applied after the defaults above.</summary>
    public Dictionary<string, string?> Settings { get; } = [];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Storage:DataDirectory", DataDirectory);
        builder.UseSetting("Collector:DefaultPort", UdpPort.ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("Collector:SFlowPort", SFlowUdpPort.ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("ReverseDns:Enabled", "false");
        builder.ConfigureServices(services => services.AddSingleton<Serilog.Core.ILogEventSink>(Logs));
        foreach (var (key, value) in TestAccounts.Settings)
        {
            builder.UseSetting(key, value);
        }

        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>
    /// Starts the app expecting start-up to fail; returns what it reported: the exception start-up threw and every
    /// exception the app logged. WebApplicationFactory races an app that fails fast: the app's own thread may dispose the
    /// host before the factory begins to watch it start, and the factory then throws ObjectDisposedException in place of
    /// the app's error (two CI runs read that). The host logs its start-up fault before it throws, so the log holds the
    /// app's error either way.
    /// </summary>
    public string StartFailure()
    {
        var error = Record.Exception(() => CreateClient());
        Assert.True(error is not null, "the app started");
        return string.Join('\n', [error.ToString(), .. Logs.Exceptions]);
    }

    /// <summary>Clients act as the tests' administrator key unless a test removes the header (a test about keys or sign-in).</summary>
    protected override void ConfigureClient(HttpClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        base.ConfigureClient(client);
        client.DefaultRequestHeaders.Add("X-Api-Key", TestAccounts.AdminKey);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && _ownsDataDirectory && Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }
}
