using System.Globalization;
using System.Text.RegularExpressions;
using FlowWeb.Tests.Api;

namespace FlowWeb.Tests.Web;

/// <summary>What the app process holds: resident memory from /proc, the GC heap and live page subscriptions from /metrics.</summary>
internal sealed record AppMemory(long ResidentBytes, long GcHeapBytes, int LiveSubscriptions)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"resident {ResidentBytes / (1024.0 * 1024):0.0} MB, GC heap {GcHeapBytes / (1024.0 * 1024):0.0} MB, {LiveSubscriptions} live subscriptions");
}

/// <summary>
/// FlowWeb from the test's own build output as a process of its own (Development, so that the build output serves
/// the static assets), on a data directory the test owns, HTTP and UDP on 127.0.0.1, reverse DNS off. A process so
/// that its memory can be measured alone, and so that it can be killed hard (<see cref="Kill"/>: SIGKILL).
/// Only this process is ever killed, by its own handle.
/// </summary>
internal sealed partial class AppProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly ChildProcess _process;

    private AppProcess(ChildProcess process, Uri baseUrl, int udpPort)
    {
        _process = process;
        BaseUrl = baseUrl;
        UdpPort = udpPort;
        Http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(30) };
        Http.DefaultRequestHeaders.Add("X-Api-Key", TestAccounts.AdminKey); // the tests' administrator key
    }

    public Uri BaseUrl { get; }

    public int UdpPort { get; }

    public HttpClient Http { get; }

    public int Pid => _process.Id;

    public string Output => _process.Output;

    public bool HasExited => _process.HasExited;

    /// <summary>Starts the app and waits until /health answers (any status: a degraded app is up too).</summary>
    public static async Task<AppProcess> StartAsync(string dataDirectory, IReadOnlyDictionary<string, string>? settings = null, int? udpPort = null)
    {
        var httpPort = LoopbackPorts.FreeTcp();
        var port = udpPort ?? LoopbackPorts.FreeUdp();
        var environment = new Dictionary<string, string>
        {
            ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin",
            ["HOME"] = Environment.GetEnvironmentVariable("HOME") ?? dataDirectory,
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{httpPort}",
            ["Storage__DataDirectory"] = dataDirectory,
            ["Collector__BindAddress"] = "127.0.0.1",
            ["Collector__DefaultPort"] = port.ToString(CultureInfo.InvariantCulture),
            ["ReverseDns__Enabled"] = "false",
        };
        // The tests' administrator and key, as a container would be provisioned (authentication stays on).
        foreach (var (key, value) in TestAccounts.Environment())
        {
            environment[key] = value;
        }

        foreach (var name in new[] { "DOTNET_ROOT", "TMPDIR" })
        {
            if (Environment.GetEnvironmentVariable(name) is { Length: > 0 } value)
            {
                environment[name] = value;
            }
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        var process = ChildProcess.Start("dotnet", [Path.Combine(AppContext.BaseDirectory, "FlowWeb.dll")], dataDirectory, environment);
        var app = new AppProcess(process, new Uri($"http://127.0.0.1:{httpPort}/"), port);
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            Assert.False(process.HasExited, $"the app exited while starting:\n{process.Output}");
            try
            {
                using var health = await app.Http.GetAsync(new Uri("health", UriKind.Relative));
                return app;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }

    /// <summary>Exporters the app knows, from the exporter list's X-Total-Count.</summary>
    public async Task<int> ExporterCountAsync()
    {
        using var response = await Http.GetAsync(new Uri("api/exporters?limit=1", UriKind.Relative));
        response.EnsureSuccessStatusCode();
        return int.Parse(response.Headers.GetValues("X-Total-Count").Single(), CultureInfo.InvariantCulture);
    }

    public async Task<AppMemory> MemoryAsync()
    {
        var status = await File.ReadAllTextAsync($"/proc/{Pid}/status");
        var resident = long.Parse(ResidentPattern().Match(status).Groups[1].Value, CultureInfo.InvariantCulture) * 1024;
        var metrics = await Http.GetStringAsync(new Uri("metrics", UriKind.Relative));
        return new AppMemory(resident, (long)Metric(metrics, "dotnet_gc_heap_size_bytes"), (int)Metric(metrics, "flowweb_live_subscriptions"));
    }

    /// <summary>CPU time the process has used (user + system), from /proc/&lt;pid&gt;/stat in clock ticks of 10 ms.</summary>
    public TimeSpan CpuTime()
    {
        var stat = File.ReadAllText($"/proc/{Pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromMilliseconds(ticks * 10);
    }

    /// <summary>SIGKILL: no shutdown code runs, as in a crash or <c>kill -9</c>.</summary>
    public void Kill() => _process.Stop();

    public static double Metric(string metrics, string name)
    {
        var match = Regex.Match(metrics, $"^{Regex.Escape(name)} ([0-9.eE+-]+)$", RegexOptions.Multiline);
        Assert.True(match.Success, $"{name} not in /metrics");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    public ValueTask DisposeAsync()
    {
        Http.Dispose();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    [GeneratedRegex(@"^VmRSS:\s+(\d+) kB", RegexOptions.Multiline)]
    private static partial Regex ResidentPattern();
}
