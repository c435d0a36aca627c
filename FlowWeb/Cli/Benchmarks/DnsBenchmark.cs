using System.CommandLine;

namespace FlowWeb.Cli.Benchmarks;

/// <summary>
/// <c>bench dns --server IP:PORT [--seconds N] [--in-flight N]</c>: reverse lookups per second the resolver sustains
/// against one DNS server (use a test server on loopback, e.g. dnsmasq, never someone else's).
/// </summary>
internal static class DnsBenchmark
{
    public static Command Create(CliConsole console)
    {
        var server = CliOptions.DnsServer("--server", "The DNS server to ask: one you run on loopback (e.g. dnsmasq), never someone else's.", required: true);
        var seconds = CliOptions.WholeNumber("--seconds", "Seconds to run", 5, 1, 60);
        var inFlight = CliOptions.WholeNumber("--in-flight", "Queries in flight at most", 16, 1, 1024);
        var command = new Command("dns", "Reverse lookups per second the resolver sustains against one DNS server.")
        {
            server,
            seconds,
            inFlight,
        };
        command.SetAction(async (parse, cancel) =>
        {
            await ReverseDnsBenchmark.RunAsync(console.Out, parse.GetValue(server)!, TimeSpan.FromSeconds(parse.GetValue(seconds)), maxInFlight: parse.GetValue(inFlight), cancellationToken: cancel).ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
