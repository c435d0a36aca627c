using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using FlowWeb.Cli.Benchmarks;

namespace FlowWeb.Tests.Cli.Benchmarks;

public sealed class IngestSenderTests
{
    // `bench send` to a port where nothing listens used to die on the first ECONNREFUSED (the ICMP port unreachable a
    // connected UDP socket reports on its next send). Now the refusals are counted and reported, and the run fails.
    [Fact]
    public void Run_NothingListening_CountsTheRefusalsAndFailsInsteadOfCrashing()
    {
        int port;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }

        using var output = new StringWriter();

        var exit = IngestSender.Run(output, port, version: 9, rate: 20_000, seconds: 1, distinct: 0);

        var text = output.ToString();
        Assert.Equal(1, exit);
        var refused = Regex.Match(text, @"(\d+) datagrams refused: nothing listened on 127\.0\.0\.1:(\d+)");
        Assert.True(refused.Success, text);
        Assert.True(long.Parse(refused.Groups[1].Value, CultureInfo.InvariantCulture) > 0, text);
        Assert.Equal(port.ToString(CultureInfo.InvariantCulture), refused.Groups[2].Value);
        Assert.Matches(@"sent \d+ flows in \d+ datagrams", text);
    }
}
