using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using DnsClient;

namespace FlowWeb.Tests.Dns;

/// <summary>
/// Debian's dnsmasq on 127.0.0.1 at a free port, answering only from what it is given: a hosts file, PTR records
/// and TXT records, with <see cref="LocalTtlSeconds"/> as their TTL. Every other reverse name gets NXDOMAIN
/// (<c>--local=/in-addr.arpa/</c>), so no query ever leaves the machine. Stopped by its own process handle.
/// </summary>
internal sealed class DnsmasqServer : IDisposable
{
    public const int LocalTtlSeconds = 60;

    private static readonly string[] Locations = ["/usr/sbin/dnsmasq", "/usr/bin/dnsmasq", "/sbin/dnsmasq"];

    private readonly Process _process;
    private readonly string _directory;
    private readonly StringBuilder _output = new();

    private DnsmasqServer(Process process, string directory, IPEndPoint endPoint)
    {
        _process = process;
        _directory = directory;
        EndPoint = endPoint;
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>The address as <c>ReverseDns:Servers</c> takes it.</summary>
    public string Server => EndPoint.ToString();

    public static string? FindExecutable() => Locations.FirstOrDefault(File.Exists);

    /// <param name="hosts">Lines of a hosts file (address, then names); dnsmasq answers their reverse names too.</param>
    /// <param name="ptrRecords">Address and name pairs answered as PTR records only.</param>
    /// <param name="txtOnly">Addresses whose reverse name exists with a TXT record but no PTR.</param>
    public static async Task<DnsmasqServer> StartAsync(IEnumerable<string> hosts, IEnumerable<(string Address, string Name)> ptrRecords, IEnumerable<string> txtOnly)
    {
        var executable = FindExecutable() ?? throw new InvalidOperationException(
            "dnsmasq is not installed: apt-get install -y dnsmasq-base (.ci/test installs it on a fresh machine).");
        var directory = Directory.CreateTempSubdirectory("flowweb-dnsmasq-").FullName;
        var hostsFile = Path.Combine(directory, "hosts");
        await File.WriteAllLinesAsync(hostsFile, hosts);

        // The port is found free and then handed over, so another process may take it in between: try a few.
        var failures = new StringBuilder();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var endPoint = new IPEndPoint(IPAddress.Loopback, FreePort());
            var arguments = new List<string>
            {
                "--no-daemon", "--conf-file=/dev/null", "--listen-address=127.0.0.1", "--bind-interfaces",
                $"--port={endPoint.Port}", "--no-resolv", "--no-hosts", $"--addn-hosts={hostsFile}",
                $"--local-ttl={LocalTtlSeconds}", "--local=/in-addr.arpa/", "--local=/ip6.arpa/", "--pid-file=",
            };
            arguments.AddRange(ptrRecords.Select(r => $"--ptr-record={IPAddress.Parse(r.Address).GetArpaName().TrimEnd('.')},{r.Name}"));
            arguments.AddRange(txtOnly.Select(a => $"--txt-record={IPAddress.Parse(a).GetArpaName().TrimEnd('.')},no-ptr-here"));

            var server = new DnsmasqServer(Start(executable, arguments), directory, endPoint);
            if (await server.AnswersAsync())
            {
                return server;
            }

            failures.AppendLine(server.Output);
            server.Stop();
        }

        Directory.Delete(directory, recursive: true);
        throw new InvalidOperationException($"dnsmasq did not start:\n{failures}");
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    private static Process Start(string executable, List<string> arguments)
    {
        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        arguments.ForEach(info.ArgumentList.Add);
        var process = new Process { StartInfo = info };
        process.Start();
        return process;
    }

    /// <summary>A free port for both UDP and TCP (dnsmasq listens on both) on 127.0.0.1.</summary>
    private static int FreePort()
    {
        for (var i = 0; i < 20; i++)
        {
            using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            tcp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)tcp.LocalEndPoint!).Port;
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                udp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
                // Taken for UDP; try another.
            }
        }

        throw new InvalidOperationException("No free port on 127.0.0.1.");
    }

    /// <summary>Waits (at most 5 s) until the server answers a query, or it has exited.</summary>
    private async Task<bool> AnswersAsync()
    {
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var client = new LookupClient(new LookupClientOptions(EndPoint) { UseCache = false, Retries = 0, Timeout = TimeSpan.FromMilliseconds(200) });
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(5) && !_process.HasExited)
        {
            try
            {
                var response = await client.QueryReverseAsync(IPAddress.Parse("192.0.2.255"));
                if (response.Header.ResponseCode == DnsHeaderResponseCode.NotExistentDomain)
                {
                    return true;
                }
            }
            catch (DnsResponseException)
            {
                // Not listening yet.
            }

            await Task.Delay(50);
        }

        return false;
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    private void Stop()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(TimeSpan.FromSeconds(5));
        }

        _process.Dispose();
    }

    public void Dispose()
    {
        Stop();
        Directory.Delete(_directory, recursive: true);
    }
}
