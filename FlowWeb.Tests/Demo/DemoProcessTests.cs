using System.Globalization;
using System.Net.Http.Json;
using FlowWeb.Api;
using FlowWeb.Tests.Api;
using FlowWeb.Tests.Web;

namespace FlowWeb.Tests.Demo;

/// <summary>The published way to start demo mode: the app as a process, with <c>--demo</c> or <c>FLOWWEB_DEMO=true</c>.</summary>
public sealed class DemoProcessTests
{
    // A bound, not a pause: the poll returns as soon as the demo sensor counts flows. A start under a load of 50 on
    // two shared cores took 45 s before the collector listened.
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(180);

    [Theory]
    [InlineData("--demo", null)]
    [InlineData(null, "true")]
    public async Task App_DemoSwitchOrEnvironmentVariable_ServesTheDemoSensorWithFlows(string? argument, string? environmentVariable)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("flowweb-demo-").FullName;
        var httpPort = LoopbackPorts.FreeTcp();
        var udpPort = LoopbackPorts.FreeUdp();
        var environment = new Dictionary<string, string>
        {
            ["Storage__DataDirectory"] = dataDirectory,
            ["Collector__DefaultPort"] = udpPort.ToString(CultureInfo.InvariantCulture),
            ["Collector__SFlowPort"] = "0",
        };
        foreach (var name in new[] { "PATH", "HOME", "DOTNET_ROOT", "TMPDIR" })
        {
            if (Environment.GetEnvironmentVariable(name) is { } value)
            {
                environment[name] = value;
            }
        }

        if (environmentVariable is not null)
        {
            environment["FLOWWEB_DEMO"] = environmentVariable;
        }

        foreach (var (key, value) in TestAccounts.Environment())
        {
            environment[key] = value;
        }

        // The switch comes first: it must neither be taken for a verb nor swallow the option after it.
        string[] arguments = [Path.Combine(AppContext.BaseDirectory, "FlowWeb.dll"), .. argument is null ? [] : new[] { argument }, "--urls", $"http://127.0.0.1:{httpPort}"];
        try
        {
            using var app = ChildProcess.Start("dotnet", arguments, dataDirectory, environment);
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(5) };
            client.DefaultRequestHeaders.Add("X-Api-Key", TestAccounts.AdminKey);

            var live = await Poll.UntilAsync(async () => await LiveDemoSensorAsync(client, app), l => l?.FlowsAccepted > 0, Startup,
                l => $"demo sensor: {l?.FlowsAccepted.ToString(CultureInfo.InvariantCulture) ?? "none"}; output:\n{app.Output}");

            Assert.Equal("Demo traffic", live!.Name);
            Assert.Contains("Demo mode is on", app.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    private static async Task<SensorLiveResponse?> LiveDemoSensorAsync(HttpClient client, ChildProcess app)
    {
        Assert.False(app.HasExited, $"the app exited:\n{app.Output}");
        try
        {
            var sensors = await client.GetFromJsonAsync<SensorResponse[]>(ApiJson.Url("/api/sensors"), ApiJson.Options);
            return sensors is [var sensor, ..]
                ? await client.GetFromJsonAsync<SensorLiveResponse>(ApiJson.Url($"/api/sensors/{sensor.Id}/live"), ApiJson.Options)
                : null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null; // not listening yet, or too busy starting to answer within the client's timeout (a loaded machine)
        }
    }
}
