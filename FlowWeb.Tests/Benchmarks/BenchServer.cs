using System.Globalization;
using System.Net.Http.Json;
using FlowWeb.Tests.Api;
using FlowWeb.Tests.EndToEnd;
using FlowWeb.Tests.Web;

namespace FlowWeb.Tests.Benchmarks;

/// <summary>
/// The published FlowWeb (Release, Production) in a process of its own, so that its CPU and memory are the
/// server's alone: fresh data directory, HTTP and UDP on 127.0.0.1 only, reverse DNS off (no query leaves the
/// machine). Read from outside through /proc/&lt;pid&gt; and /metrics. Stopped by its own process handle.
/// </summary>
internal sealed class BenchServer : IAsyncDisposable
{
    /// <summary>Where <c>.ci/bench-ui</c> put the publish output; without it the benchmark publishes the app itself.</summary>
    public const string AppVariable = "FLOWWEB_BENCH_APP";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly ChildProcess _process;
    private readonly string _root;

    private BenchServer(ChildProcess process, string root, Uri baseUrl)
    {
        _process = process;
        _root = root;
        BaseUrl = baseUrl;
        Http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(10) };
        Http.DefaultRequestHeaders.Add("X-Api-Key", TestAccounts.AdminKey);
    }

    public Uri BaseUrl { get; }

    public HttpClient Http { get; }

    public int Pid => _process.Id;

    public string Output => _process.Output;

    private static readonly string[] ForwardedPrefixes = ["DOTNET_GC", "Collector__", "Aggregation__", "Detection__"];

    public static async Task<BenchServer> StartAsync()
    {
        var root = Directory.CreateTempSubdirectory("flowweb-bench-ui-").FullName;
        var dll = Environment.GetEnvironmentVariable(AppVariable) is { Length: > 0 } given ? given : await PublishAsync(root);
        Assert.True(File.Exists(dll), $"{AppVariable}={dll}: no such file");
        var httpPort = LoopbackPorts.FreeTcp();
        var environment = new Dictionary<string, string>
        {
            ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin",
            ["HOME"] = root,
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{httpPort}",
            ["Storage__DataDirectory"] = Path.Combine(root, "data"),
            ["Collector__BindAddress"] = "127.0.0.1",
            ["Collector__DefaultPort"] = LoopbackPorts.FreeUdp().ToString(CultureInfo.InvariantCulture),
            ["Collector__SFlowPort"] = "0",
            ["ReverseDns__Enabled"] = "false",

            // As the image and `dotnet run` start it (README, "Garbage collection"); DOTNET_GCgen0size in this
            // process's environment replaces it below.
            ["DOTNET_GCgen0size"] = "0x4000000",
        };
        foreach (var (key, value) in TestAccounts.Environment())
        {
            environment[key] = value;
        }

        if (Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } dotnetRoot)
        {
            environment["DOTNET_ROOT"] = dotnetRoot;
        }

        // The runtime's GC settings (DOTNET_GCgen0size, DOTNET_GCDynamicAdaptationMode...) and the collector's and
        // aggregation's configuration (Collector__ReceiveBufferBytes=33554432...) reach the server, to compare them.
        foreach (System.Collections.DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            if (variable.Key is string key && ForwardedPrefixes.Any(p => key.StartsWith(p, StringComparison.OrdinalIgnoreCase)))
            {
                environment[key] = variable.Value as string ?? "";
            }
        }

        // On a machine with two or more cores the server has CPU 0 to itself as far as this benchmark goes (.ci/bench-ui
        // runs the test, its sender and the browser on CPU 1): as with `bench ingest`, the browser stands in for a
        // user's computer and must not take the server's core. taskset execs dotnet, so the pid stays the server's.
        var process = ProcFs.OnlineCpus() >= 2
            ? ChildProcess.Start("taskset", ["-c", "0", "dotnet", dll], root, environment)
            : ChildProcess.Start("dotnet", [dll], root, environment);
        var server = new BenchServer(process, root, new Uri($"http://127.0.0.1:{httpPort}/"));
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                using var response = await server.Http.GetAsync(new Uri("health", UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(250);
        }

        var output = process.Output;
        await server.DisposeAsync();
        throw new TimeoutException($"FlowWeb did not become healthy within {StartTimeout.TotalSeconds} s:\n{output}");
    }

    /// <summary>Creates a NetFlow v9 sensor with the standard channels and toplists for one exporter address; returns its id.</summary>
    public async Task<Guid> CreateSensorAsync(string name, int port, string senderIp)
    {
        using var response = await Http.PostJsonAsync("api/sensors", new { name, port, senderIp, protocol = "NetFlowV9" });
        var created = await response.ReadAsync<CreatedSensor>(System.Net.HttpStatusCode.Created);
        return created.Id;
    }

    /// <summary>The samples of /metrics without labels or with the given label, by name (sums over the other label values).</summary>
    public async Task<Dictionary<string, double>> MetricsAsync()
    {
        var text = await Http.GetStringAsync(new Uri("metrics", UriKind.Relative));
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var space = line.LastIndexOf(' ');
            var name = line[..space];
            var value = double.Parse(line[(space + 1)..], CultureInfo.InvariantCulture);
            result[name] = value;
            var brace = name.IndexOf('{', StringComparison.Ordinal);
            if (brace > 0)
            {
                var family = name[..brace] + "{*}";
                result[family] = result.GetValueOrDefault(family) + value;
            }
        }

        return result;
    }

    /// <summary>User + system CPU seconds of the server process (/proc/&lt;pid&gt;/stat, fields 14 and 15).</summary>
    public double CpuSeconds() => ProcFs.CpuSeconds(Pid);

    /// <summary>Resident memory now and its peak so far (VmRSS, VmHWM), in bytes.</summary>
    public (long Rss, long Peak) Memory() => ProcFs.Memory(Pid);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        _process.Dispose();
        await Task.Delay(100);
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by the process that just ended; the temp folder is cleaned by the system.
        }
    }

    private static async Task<string> PublishAsync(string root)
    {
        var output = Path.Combine(root, "app");
        var project = Path.Combine(Artifacts.RepositoryRoot, "FlowWeb", "FlowWeb.csproj");
        var environment = new Dictionary<string, string>
        {
            ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin",
            ["HOME"] = Environment.GetEnvironmentVariable("HOME") ?? root,
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
        };
        var (exitCode, log) = await ChildProcess.RunAsync("dotnet",
            ["publish", project, "-c", "Release", "-o", output, "--disable-build-servers", "-nologo", "-v", "quiet"],
            root, environment, TimeSpan.FromMinutes(6));
        Assert.True(exitCode == 0, $"dotnet publish failed:\n{log}");
        return Path.Combine(output, "FlowWeb.dll");
    }

    private sealed record CreatedSensor(Guid Id);
}
