using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace FlowWeb.Cli.Benchmarks;

/// <summary>
/// This build's whole server as a child process of a benchmark, in a scratch data folder (SQLite file, journal and
/// logs included, removed at the end), reverse DNS off, its UDP collector on <see cref="Port"/> (loopback) and its
/// HTTP on another loopback port: for benchmarks that measure what the real process costs (resident memory, bytes
/// written to disk), read from <c>/proc</c> and <c>/metrics</c>. Ended by PID when disposed.
/// </summary>
internal sealed class ServerChild : IAsyncDisposable
{
    private readonly Process _process;
    private readonly DirectoryInfo _folder;
    private readonly HttpClient _client;

    private ServerChild(Process process, DirectoryInfo folder, int port, int http)
    {
        _process = process;
        _folder = folder;
        Port = port;
        _client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{http}"), Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary>The collector's UDP port.</summary>
    public int Port { get; }

    /// <summary>Starts the server with <paramref name="settings"/> (<c>--Key=Value</c> each) and waits until <c>/metrics</c> answers.</summary>
    public static async Task<ServerChild> StartAsync(IEnumerable<string> settings, CancellationToken token)
    {
        var port = DetectingCollector.FreePort();
        var http = FreeTcpPort();
        var folder = Directory.CreateTempSubdirectory("flowweb-bench-");
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = folder.FullName, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])[typeof(ServerChild).Assembly.Location, "--urls", $"http://127.0.0.1:{http}",
            $"--Collector:DefaultPort={port}", "--Collector:BindAddress=127.0.0.1", "--Collector:SFlowPort=0", "--ReverseDns:Enabled=false"])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var setting in settings)
        {
            start.ArgumentList.Add(setting.Replace("{port}", port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("the server did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var child = new ServerChild(process, folder, port, http);
        try
        {
            await child.WaitReadyAsync(token).ConfigureAwait(false);
            return child;
        }
        catch
        {
            await child.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public Task<string> MetricsAsync(CancellationToken token) => _client.GetStringAsync(new Uri("/metrics", UriKind.Relative), token);

    /// <summary>The sum of every sample of the metric lines starting with <paramref name="prefix"/>.</summary>
    public static double Sum(string metrics, string prefix) => metrics.Split('\n')
        .Where(line => line.StartsWith(prefix, StringComparison.Ordinal))
        .Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));

    /// <summary>The most resident memory the server has had (VmHWM).</summary>
    public long PeakResidentBytes() => ProcField("status", "VmHWM:") * 1024;

    /// <summary>Bytes the server has caused to be written to storage (<c>write_bytes</c> of /proc/PID/io: its SQLite file, journal and logs).</summary>
    public long DiskBytesWritten() => ProcField("io", "write_bytes:");

    private long ProcField(string file, string field) => File.ReadLines($"/proc/{_process.Id}/{file}")
        .Where(line => line.StartsWith(field, StringComparison.Ordinal))
        .Select(line => long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture))
        .FirstOrDefault();

    private async Task WaitReadyAsync(CancellationToken token)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the server exited with code {_process.ExitCode} before it was ready");
            }

            try
            {
                using var response = await _client.GetAsync(new Uri("/metrics", UriKind.Relative), token).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(200, token).ConfigureAwait(false);
        }

        throw new TimeoutException("the server did not answer /metrics within 60 s");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        _process.Dispose();
        _client.Dispose();
        _folder.Delete(recursive: true);
    }

    private static int FreeTcpPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
