using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using FlowWeb.Tests.Api;
using FlowWeb.Tests.Web;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace FlowWeb.Tests.EndToEnd;

/// <summary>
/// Discovered exporters with 10,000 exporters, each a real NetFlow v5 datagram from its own 127.1.x.y address, in a
/// real Chromium against the app as a process of its own (so that its memory is its own): the page opens with one
/// page of rows, sorts and searches on the server, costs little memory per open page, and gives it back when closed.
/// The timings and memory go to the test output and TestResults/exporters-at-scale.txt.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class ExportersAtScaleTests(BrowserAppFixture browserApp, ITestOutputHelper output) : IDisposable
{
    private const int ExporterCount = 10_000;
    private const int Pages = 3;
    private const int RowsPerPage = 50;

    /// <summary>
    /// Wall-clock time depends on what else the machine runs (a loaded 2-core machine gives the server and Chromium
    /// a small share): the test bounds it loosely and logs it; the target (1 s) is read from the log of a quiet run.
    /// The server's CPU time for an opening does not depend on the load, so that bound is tight.
    /// </summary>
    private static readonly TimeSpan OpenBound = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan ServerCpuBound = TimeSpan.FromSeconds(1);

    private const long MemoryPerPageBound = 50L * 1024 * 1024;

    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("flowweb-exporters-").FullName;
    private readonly StringBuilder _log = new();

    [Fact]
    public async Task DiscoveredExporters_TenThousandExporters_OpensWithOnePageSortsSearchesAndReleasesItsMemory()
    {
        await using var app = await AppProcess.StartAsync(_dataDirectory, new Dictionary<string, string>
        {
            ["Decoder__MaxExporters"] = "20000",
        });
        Log($"load average at start: {File.ReadAllText("/proc/loadavg").Trim()}");

        var sent = Stopwatch.StartNew();
        await SendFromManyExportersAsync(app);
        Log($"{ExporterCount:N0} exporters known after {sent.Elapsed.TotalSeconds:0.0} s of sending");

        // A fresh process compiles the page's code on its first render; a server that runs for weeks does not.
        int subscriptionsPerPage;
        await using (var warmUp = await BrowserSession.OpenAsync(browserApp.Browser, app.BaseUrl, "exporters-at-scale-warm-up"))
        {
            var cold = Stopwatch.StartNew();
            await warmUp.Page.GotoAsync(new Uri(app.BaseUrl, "exporters").ToString());
            await Expect(warmUp.Page.Locator("tr.exporter-row")).ToHaveCountAsync(RowsPerPage, new() { Timeout = 60_000 });
            Log($"first page after start (code not yet compiled): rows shown after {cold.Elapsed.TotalMilliseconds:0} ms");
            await warmUp.WaitInteractiveAsync();
            subscriptionsPerPage = (await Poll.UntilAsync(app.MemoryAsync, m => m.LiveSubscriptions > 0, TimeSpan.FromSeconds(30), _ => "the page never subscribed")).LiveSubscriptions;
            await CloseAsync(warmUp);
        }

        await Poll.UntilAsync(app.MemoryAsync, m => m.LiveSubscriptions == 0, TimeSpan.FromSeconds(30), m => $"{m.LiveSubscriptions} subscriptions after the warm-up page closed");
        await Task.Delay(TimeSpan.FromSeconds(3));
        var baseline = await app.MemoryAsync();
        var idleCpu = await CpuPerSecondAsync(app, seconds: 3);
        Log($"no page open: {baseline}; server CPU {idleCpu.TotalMilliseconds:0} ms per second");

        var sessions = new List<BrowserSession>();
        var openingCpu = TimeSpan.Zero;
        try
        {
            for (var i = 0; i < Pages; i++)
            {
                var session = await BrowserSession.OpenAsync(browserApp.Browser, app.BaseUrl, $"exporters-at-scale-{i}");
                sessions.Add(session);
                var background = await CpuPerSecondAsync(app, seconds: 2);
                var cpu = app.CpuTime();
                var opened = Stopwatch.StartNew();
                await session.Page.GotoAsync(new Uri(app.BaseUrl, "exporters").ToString());
                await Expect(session.Page.Locator(".exporters-count")).ToHaveTextAsync("10,000 exporters", new() { Timeout = 30_000 });
                await Expect(session.Page.Locator("tr.exporter-row")).ToHaveCountAsync(RowsPerPage, new() { Timeout = 30_000 });
                var rowsShown = opened.Elapsed;
                await session.WaitInteractiveAsync();
                // What the server spent on this page: its CPU time over the opening, less what it spends anyway (the
                // collector, the pages already open) in as long.
                var serverCpu = app.CpuTime() - cpu - (background * opened.Elapsed.TotalSeconds);
                Log($"page {i + 1}: {RowsPerPage} of {ExporterCount:N0} rows shown after {rowsShown.TotalMilliseconds:0} ms, interactive after {opened.Elapsed.TotalMilliseconds:0} ms; "
                    + $"server CPU for the opening {serverCpu.TotalMilliseconds:0} ms (beside {background.TotalMilliseconds:0} ms/s it spends anyway)");
                Assert.True(opened.Elapsed < OpenBound, $"page {i + 1} took {opened.Elapsed.TotalSeconds:0.0} s to open");
                openingCpu += serverCpu;
            }

            // The background is bursty (periodic saves), so one opening's share can come out high or below zero: the mean is bounded.
            Assert.True(openingCpu / Pages < ServerCpuBound, $"opening a page took {(openingCpu / Pages).TotalMilliseconds:0} ms of server CPU on average");
            var open = await app.MemoryAsync();
            Log($"{Pages} pages open, refreshing: server CPU {(await CpuPerSecondAsync(app, seconds: 3)).TotalMilliseconds:0} ms per second");
            var perPage = (open.ResidentBytes - baseline.ResidentBytes) / (double)Pages;
            Log($"{Pages} pages open: {open}; resident memory per open page {perPage / (1024 * 1024):0.0} MB");
            Assert.True(perPage < MemoryPerPageBound, $"{perPage / (1024 * 1024):0.0} MB per open page");
            Assert.Equal(Pages * subscriptionsPerPage, open.LiveSubscriptions);

            var page = sessions[0].Page;
            Assert.Equal(RowsPerPage, await page.Locator("tr.exporter-row").CountAsync());
            await Expect(page.Locator("tr.exporter-row td.exporter-address").First).ToHaveTextAsync("127.1.0.1");

            // Sorting happens on the server: the busiest exporter (five datagrams) comes first, from 10,000.
            var sortByDatagrams = page.Locator("th:has-text('Datagrams') .sortable-column-header");
            await sortByDatagrams.ClickAsync();
            await sortByDatagrams.ClickAsync();
            await Expect(page.Locator("tr.exporter-row td.exporter-address").First).ToHaveTextAsync(Busiest.ToString());

            var search = Stopwatch.StartNew();
            await page.FillAsync("#exporters-search", "127.1.39.");
            await Expect(page.Locator(".exporters-count")).ToHaveTextAsync("250 of 10,000 exporters");
            await Expect(page.Locator("tr.exporter-row")).ToHaveCountAsync(RowsPerPage);
            Log($"search narrowed 10,000 to 250 in {search.Elapsed.TotalMilliseconds:0} ms (300 ms of it the input's debounce)");
            Assert.All(await page.Locator("tr.exporter-row td.exporter-address").AllInnerTextsAsync(), a => Assert.StartsWith("127.1.39.", a, StringComparison.Ordinal));
            Assert.All(sessions, s => Assert.Empty(s.Errors));
        }
        finally
        {
            foreach (var session in sessions)
            {
                await CloseAsync(session);
                await session.DisposeAsync();
            }
        }

        // Closing a page ends its circuit: its subscription goes, and its memory with it.
        var closed = await Poll.UntilAsync(app.MemoryAsync, m => m.LiveSubscriptions == 0, TimeSpan.FromSeconds(30),
            m => $"{m.LiveSubscriptions} live subscriptions still open after the pages closed");
        Log($"pages closed: {closed}");
        Log($"load average at end: {File.ReadAllText("/proc/loadavg").Trim()}");
    }

    /// <summary>
    /// Closes the tab as a person does: the page's unload handler tells the server (Blazor's disconnect beacon), which
    /// ends the circuit at once. Without it (a browser that crashed, a network that went away) the server keeps a
    /// disconnected circuit for reconnection, three minutes by default.
    /// </summary>
    private static async Task CloseAsync(BrowserSession session)
    {
        if (!session.Page.IsClosed)
        {
            await session.Page.CloseAsync(new PageCloseOptions { RunBeforeUnload = true });
        }
    }

    private static async Task<TimeSpan> CpuPerSecondAsync(AppProcess app, int seconds)
    {
        var before = app.CpuTime();
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        return (app.CpuTime() - before) / seconds;
    }

    /// <summary>The exporter that sends five datagrams (every other sends one).</summary>
    private static readonly IPAddress Busiest = IPAddress.Parse("127.1.17.123");

    /// <summary>
    /// One datagram from each of 10,000 addresses 127.1.x.y (a socket bound to each; Linux accepts any 127/8 source),
    /// in batches that the collector is seen to take before the next: the kernel's receive buffer holds a few
    /// thousand such datagrams, and a batch whose exporters did not all arrive is sent again.
    /// </summary>
    private static async Task SendFromManyExportersAsync(AppProcess app)
    {
        var destination = new IPEndPoint(IPAddress.Loopback, app.UdpPort);
        var datagram = NetFlowV5Datagram.Build(1);
        const int Batch = 500;
        for (var start = 0; start < ExporterCount; start += Batch)
        {
            for (var attempt = 0; ; attempt++)
            {
                for (var i = start; i < start + Batch; i++)
                {
                    using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                    var source = Source(i);
                    socket.Bind(new IPEndPoint(source, 0));
                    var copies = source.Equals(Busiest) && attempt == 0 ? 5 : 1;
                    for (var c = 0; c < copies; c++)
                    {
                        socket.SendTo(datagram, destination);
                    }
                }

                var known = await app.ExporterCountAsync();
                for (var wait = Stopwatch.StartNew(); known < start + Batch && wait.Elapsed < TimeSpan.FromSeconds(20); known = await app.ExporterCountAsync())
                {
                    await Task.Delay(100);
                }

                if (known >= start + Batch)
                {
                    break;
                }

                Assert.True(attempt < 3, $"only {known} of {start + Batch} exporters arrived after {attempt + 1} tries");
            }
        }
    }

    private static IPAddress Source(int i) => new([127, 1, (byte)(i / 250), (byte)((i % 250) + 1)]);

    private void Log(string line)
    {
        output.WriteLine(line);
        _log.AppendLine(line);
    }

    public void Dispose()
    {
        Directory.CreateDirectory(Path.Combine(Artifacts.RepositoryRoot, "TestResults"));
        File.WriteAllText(Path.Combine(Artifacts.RepositoryRoot, "TestResults", "exporters-at-scale.txt"), _log.ToString());
        Directory.Delete(_dataDirectory, recursive: true);
    }
}
