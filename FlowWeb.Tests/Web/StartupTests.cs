using System.Net;
using System.Net.Sockets;

namespace FlowWeb.Tests.Web;

/// <summary>How the app starts when its configuration or its port is not usable.</summary>
public sealed class StartupTests
{
    [Fact]
    public void Start_InvalidSettingsInSeveralSections_FailsNamingEveryKey()
    {
        using var factory = new FlowWebFactory();
        factory.Settings["Collector:DefaultPort"] = "0";
        factory.Settings["Collector:BindAddress"] = "example.org";
        factory.Settings["Decoder:MaxExporters"] = "0";
        factory.Settings["Storage:DataDirectory"] = " ";

        var message = factory.StartFailure();

        Assert.Contains("Collector:DefaultPort", message, StringComparison.Ordinal);
        Assert.Contains("Collector:BindAddress", message, StringComparison.Ordinal);
        Assert.Contains("Decoder:MaxExporters", message, StringComparison.Ordinal);
        Assert.Contains("Storage:DataDirectory", message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A data directory the process cannot write (here one in /proc, where not even root creates files) stops start-up
    /// with a message naming the directory, the user the process runs as, and the fix.
    /// </summary>
    [Theory]
    [InlineData("/proc/self")]
    [InlineData("/proc/flowweb-cannot-exist")]
    public void Start_DataDirectoryNotWritable_FailsNamingDirectoryUserAndFix(string directory)
    {
        using var factory = new FlowWebFactory();
        factory.Settings["Storage:DataDirectory"] = directory;

        var message = factory.StartFailure();

        Assert.Contains($"Storage:DataDirectory: FlowWeb cannot write to '{directory}'", message, StringComparison.Ordinal);
        Assert.Contains($"as user {Environment.UserName} (uid ", message, StringComparison.Ordinal);
        Assert.Contains($"Fix: let that user write there (e.g. sudo chown -R {Environment.UserName} '{directory}')", message, StringComparison.Ordinal);
        Assert.Contains("Storage__DataDirectory", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_UdpPortTakenByAnotherSocket_Unhealthy503AndHomePageSaysWhy()
    {
        using var factory = new FlowWebFactory();
        factory.Settings["Collector:BindAddress"] = "127.0.0.1";
        using var squatter = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        squatter.Bind(new IPEndPoint(IPAddress.Loopback, factory.UdpPort));
        using var client = factory.CreateClient();

        using var health = await client.GetAsync(new Uri("/health", UriKind.Relative));
        await TestAccounts.SignInAsync(client);
        var home = await client.GetStringAsync(new Uri("/", UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        var lines = (await health.Content.ReadAsStringAsync()).Split('\n');
        Assert.Equal("Unhealthy", lines[0]);
        Assert.StartsWith($"collector: Unhealthy: Cannot listen on UDP 127.0.0.1 port {factory.UdpPort}", lines[1], StringComparison.Ordinal);
        Assert.Contains($"Cannot listen on UDP 127.0.0.1 port {factory.UdpPort}", home, StringComparison.Ordinal);
    }
}
