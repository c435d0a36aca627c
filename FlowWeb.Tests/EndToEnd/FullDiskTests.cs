using System.Globalization;
using System.Net;
using FlowWeb.Api;
using FlowWeb.Core.Channels;
using FlowWeb.Core.Flows;
using FlowWeb.Tests.Api;
using FlowWeb.Tests.Web;
using static Microsoft.Playwright.Assertions;

namespace FlowWeb.Tests.EndToEnd;

/// <summary>
/// The app's data directory on a small tmpfs of its own that the test fills up: history writes fail, /health says
/// Degraded with the reason, /metrics counts the failures, every page shows a banner; when space comes back the
/// writer's next retry succeeds, the banner goes by itself, and the minute that waited is stored with every byte.
/// Mounting needs root (CI runs as root); without it the test is skipped, saying why.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class FullDiskTests(BrowserAppFixture browserApp) : IAsyncLifetime
{
    private readonly string _mountPoint = Path.Combine(Path.GetTempPath(), $"flowweb-full-disk-{Guid.NewGuid():N}");
    private bool _mounted;

    [SkippableFact]
    public async Task DiskFull_HistoryWritesFail_HealthDegradedBannerShown_SpaceBack_EverythingWrittenAndBannerGone()
    {
        Skip.IfNot(Mount.IsRoot(), "mounting a small tmpfs for the full disk needs root (CI runs as root)");
        Directory.CreateDirectory(_mountPoint);
        await Mount.RunAsync("mount", "-t", "tmpfs", "-o", "size=24m,mode=0700", "flowweb-full-disk", _mountPoint);
        _mounted = true;
        var data = Path.Combine(_mountPoint, "data");
        Directory.CreateDirectory(data);

        await using var app = await AppProcess.StartAsync(data, new Dictionary<string, string>
        {
            ["Storage__BusyTimeout"] = "00:00:01",
            ["Storage__HistoryRetryMaxDelay"] = "00:00:02",
            ["Aggregation__MinuteGraceSeconds"] = "0",
        });
        using var created = await app.Http.PostJsonAsync("/api/sensors", new SensorRequest
        {
            Name = "Full disk router", Port = app.UdpPort, SenderIp = "127.0.0.1", ActiveFlowTimeoutMinutes = 0,
        });
        var sensor = (await created.ReadAsync<SensorResponse>(HttpStatusCode.Created)).Id;
        var from = DateTimeOffset.UtcNow.AddMinutes(-2);

        // Fill every block left, then send: the minute closes on a full disk.
        var filler = Path.Combine(_mountPoint, "filler");
        FillUp(filler);
        FlowRecord[] flows = [FlowSender.Flow("192.168.88.10", 50_000, "203.0.113.7", 443, 6, 700_000, 700), FlowSender.Flow("192.168.88.11", 40_000, "198.51.100.53", 53, 17, 900, 1)];
        using (var router = new FlowSender("127.0.0.1"))
        {
            await router.SendAsync(app.UdpPort, flows);
        }

        await Poll.UntilAsync(() => app.Http.GetAsync<SensorLiveResponse>($"/api/sensors/{sensor}/live"), l => l.FlowsAccepted == flows.Length,
            TimeSpan.FromSeconds(15), l => $"{l.FlowsAccepted} flows accepted");
        var health = await Poll.UntilAsync(() => app.Http.GetStringAsync(new Uri("health", UriKind.Relative)), h => h.StartsWith("Degraded", StringComparison.Ordinal),
            TimeSpan.FromSeconds(90), h => $"/health: {h}");
        Assert.Contains("history: Degraded: History is not being written since", health, StringComparison.Ordinal);
        Assert.Contains("disk", health, StringComparison.OrdinalIgnoreCase);
        var metrics = await app.Http.GetStringAsync(new Uri("metrics", UriKind.Relative));
        Assert.Equal(0, AppProcess.Metric(metrics, "flowweb_history_writing"));
        Assert.True(Failures(metrics) >= 1, "no failed history write counted in /metrics");

        await using var browser = await BrowserSession.OpenAsync(browserApp.Browser, app.BaseUrl, "full-disk");
        await browser.Page.GotoAsync(app.BaseUrl.ToString());
        await browser.WaitInteractiveAsync();
        var banner = browser.Page.Locator(".history-banner");
        await Expect(banner).ToBeVisibleAsync();
        await Expect(banner).ToContainTextAsync("History is not being saved:");
        await browser.ScreenshotAsync("full-disk-banner.png");

        // Space comes back: the next retry (at most 2 s away) writes what waited; the banner goes without a reload.
        File.Delete(filler);
        await Expect(banner).ToHaveCountAsync(0, new() { Timeout = 30_000 });
        Assert.StartsWith("Healthy", await app.Http.GetStringAsync(new Uri("health", UriKind.Relative)), StringComparison.Ordinal);
        var history = await app.Http.GetAsync<ChannelHistoryResponse>(
            $"/api/sensors/{sensor}/history/channels?from={Iso(from)}&to={Iso(DateTimeOffset.UtcNow.AddMinutes(1))}");
        Assert.Equal(700_900d, history.Channels.Single(c => c.Id == ChannelIds.Total).Buckets.Sum(b => b.Bytes));
        Assert.Equal(1, AppProcess.Metric(await app.Http.GetStringAsync(new Uri("metrics", UriKind.Relative)), "flowweb_history_writing"));
        Assert.Empty(browser.Errors);
    }

    private static double Failures(string metrics) =>
        metrics.Split('\n').Where(l => l.StartsWith("flowweb_history_write_failures_total{", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));

    /// <summary>Writes 1 MiB blocks, then smaller ones, until the file system refuses another byte.</summary>
    private static void FillUp(string path)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1);
        var block = new byte[1024 * 1024];
        for (var size = block.Length; size >= 512; size /= 2)
        {
            try
            {
                while (true)
                {
                    file.Write(block, 0, size);
                    file.Flush(flushToDisk: false);
                }
            }
            catch (IOException)
            {
                // Full at this block size: try a smaller one.
            }
        }
    }

    private static string Iso(DateTimeOffset time) => Uri.EscapeDataString(time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_mounted)
        {
            await Mount.RunAsync("umount", "-l", _mountPoint);
        }

        if (Directory.Exists(_mountPoint))
        {
            Directory.Delete(_mountPoint, recursive: true);
        }
    }

    /// <summary>mount and umount, run as the test's own processes.</summary>
    private static class Mount
    {
        public static bool IsRoot() => File.ReadAllText("/proc/self/status").Split('\n').Any(l => l.StartsWith("Uid:", StringComparison.Ordinal) && l.Split('\t')[1] == "0");

        public static async Task RunAsync(string command, params string[] arguments)
        {
            var (exitCode, output) = await ChildProcess.RunAsync(command, arguments, Path.GetTempPath(),
                new Dictionary<string, string> { ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin:/usr/sbin:/sbin" }, TimeSpan.FromSeconds(30));
            Assert.True(exitCode == 0, $"{command} {string.Join(' ', arguments)}: exit {exitCode}\n{output}");
        }
    }
}
