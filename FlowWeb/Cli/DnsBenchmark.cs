using System.Globalization;
using System.Net;
using FlowWeb.Core.Dns;

namespace FlowWeb.Cli;

/// <summary>
/// <c>bench dns --server IP:PORT [--seconds N] [--in-flight N]</c>: reverse lookups per second the resolver sustains
/// against one DNS server (use a test server on loopback, e.g. dnsmasq, never someone else's).
/// </summary>
internal static class DnsBenchmark
{
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var server = Value(args, "--server");
        if (server is null || !ReverseDnsOptions.TryParseServer(server, out var endpoint))
        {
            await stderr.WriteLineAsync("usage: bench dns --server IP:PORT [--seconds N] [--in-flight N]").ConfigureAwait(false);
            return 2;
        }

        var seconds = Math.Clamp(int.TryParse(Value(args, "--seconds"), CultureInfo.InvariantCulture, out var s) ? s : 5, 1, 60);
        var inFlight = Math.Clamp(int.TryParse(Value(args, "--in-flight"), CultureInfo.InvariantCulture, out var f) ? f : 16, 1, 1024);
        await ReverseDnsBenchmark.RunAsync(stdout, endpoint, TimeSpan.FromSeconds(seconds), maxInFlight: inFlight).ConfigureAwait(false);
        return 0;
    }

    private static string? Value(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
