using System.Text.Json;
using FlowWeb.Tests.EndToEnd;
using Microsoft.Playwright;

namespace FlowWeb.Tests.Benchmarks;

/// <summary>
/// Sensor pages open in headless Debian Chromium, each in a browser context of its own (as on separate screens),
/// each a connected Blazor circuit. A script in every page counts DOM updates (the longest gap between two) and
/// watches for a marker address in the Top Talkers table, noting the wall clock (<c>Date.now()</c>) when the row
/// appears and at the next animation frame, the first paint that can show it.
/// </summary>
internal sealed class LivePages : IAsyncDisposable
{
    private const string Probe = """
        window.__bench = {
          updates: 0, last: 0, maxGap: 0, marker: null, seenAt: 0, frameAt: 0,
          reset() { this.updates = 0; this.last = Date.now(); this.maxGap = 0; },
          watch(marker) { this.marker = marker; this.seenAt = 0; this.frameAt = 0; this.check(); },
          check() {
            if (!this.marker || this.seenAt) return;
            for (const cell of document.querySelectorAll("[data-toplist='Top Talkers'] td.toplist-key")) {
              if (cell.textContent.trim() === this.marker) {
                this.seenAt = Date.now();
                requestAnimationFrame(() => { this.frameAt = Date.now(); });
                return;
              }
            }
          },
        };
        new MutationObserver(() => {
          const b = window.__bench, now = Date.now();
          b.updates++;
          if (b.last) b.maxGap = Math.max(b.maxGap, now - b.last);
          b.last = now;
          b.check();
        }).observe(document, { childList: true, subtree: true, characterData: true });
        """;

    private static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic",
    ];

    /// <summary>The longest the benchmark waits for the pages to answer a question (evaluate has no timeout of its own).</summary>
    private static readonly TimeSpan Answer = TimeSpan.FromSeconds(30);

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;
    private readonly List<(IBrowserContext Context, IPage Page, ICDPSession Cdp)> _pages = [];
    private readonly List<string> _errors = [];
    private bool _closed;

    private LivePages(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        _browser = browser;
    }

    public IReadOnlyList<IPage> Pages => [.. _pages.Select(p => p.Page)];

    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_errors)
            {
                return [.. _errors];
            }
        }
    }

    /// <summary>Starts the browser through <paramref name="launcher"/> (see <see cref="BrowserCpuGroup.Launcher"/>).</summary>
    public static async Task<LivePages> LaunchAsync(string launcher)
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = launcher,
            Headless = true,
            Args = ChromiumArgs,
        });
        return new LivePages(playwright, browser);
    }

    /// <summary>Opens a page and waits until its circuit is attached and it shows the sensor.</summary>
    public async Task OpenAsync(Uri url)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        context.SetDefaultTimeout(30_000);
        await context.AddInitScriptAsync(Probe);
        var page = await context.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                Record($"console: {message.Text}");
            }
        };
        page.PageError += (_, error) => Record($"page error: {error}");
        // Chromium's own accounting of the page's main thread (DevTools Performance domain): where a page's time goes.
        var cdp = await context.NewCDPSessionAsync(page);
        await cdp.SendAsync("Performance.enable");
        _pages.Add((context, page, cdp));

        // Signed in as the benchmark server's configured administrator (BenchServer provisions it).
        await page.GotoAsync(new Uri(url, "/account/login").ToString());
        await page.FillAsync("#username", Web.TestAccounts.AdminUser);
        await page.FillAsync("#password", Web.TestAccounts.AdminPassword);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForAsync(u => !u.Contains("/account/login", StringComparison.Ordinal));
        await page.GotoAsync(url.ToString());
        await page.WaitForSelectorAsync("[data-interactive=true]");
        await page.WaitForSelectorAsync("[data-toplist='Top Talkers']");
    }

    /// <summary>
    /// Puts the browser at the lowest CPU priority and lets it run on every core (what Chromium starts later inherits
    /// both): a user's browser runs on their own computer; here it takes only the time the server and the sender leave.
    /// On one core of its own, 20 live pages starved it (software rendering on a 2-core machine), and pages that do
    /// not update measure nothing. Lowest priority takes three settings: nice 19 on each process, the idle scheduling
    /// policy on each thread (a thread of any other policy preempts it at once), and nice 19 on its scheduling group
    /// (with autogroup scheduling, Chromium, started in a session of its own, is a group that would otherwise get as
    /// much of a core as the server's). Without the last two, 20 pages cost the server 0.4 % of its flows. The flows
    /// lost, counted in every phase, show whether it took any time from the server. This is the fallback where no
    /// <see cref="BrowserCpuGroup"/> can be made: with one, the browser started in it at the lowest priority and nothing
    /// is left to do here.
    /// </summary>
    public static async Task StandAsideAsync(int excludedPid, BrowserCpuGroup group)
    {
        // In a group, every process of the browser started through the launcher, which did all of this already.
        var browser = ProcFs.Descendants(Environment.ProcessId, excludedPid);
        if (browser.Count == 0 || group.Path is not null)
        {
            return;
        }

        // An autogroup is a session's: Playwright's driver shares this process's session, and so does the server. Lowering
        // the driver's lowered theirs too, to the weight of the browser's own session (Playwright starts it detached), and
        // the server then shared its core evenly with the browser; so was the shell's that ran the benchmark.
        var serverAutogroup = AutogroupOf(excludedPid);

        var pids = browser.Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var path = new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin" };

        // A process that ended in between makes the tool report an error for it alone; the others are changed.
        Task Run(string tool, string[] arguments) => Web.ChildProcess.RunAsync(tool, arguments, Path.GetTempPath(), path, TimeSpan.FromSeconds(10));

        await Run("renice", ["-n", "19", "-p", .. pids]);
        var all = $"0-{ProcFs.OnlineCpus() - 1}";
        foreach (var pid in pids)
        {
            await Run("chrt", ["-i", "-a", "-p", "0", pid]);
            await Run("taskset", ["-a", "-p", "-c", all, pid]);
            try
            {
                if (AutogroupOf(int.Parse(pid, System.Globalization.CultureInfo.InvariantCulture)) is { } autogroup && autogroup != serverAutogroup)
                {
                    await File.WriteAllTextAsync($"/proc/{pid}/autogroup", "19");
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Ended in between, or a kernel without autogroup scheduling: nothing to lower.
            }
        }
    }

    /// <summary>The name of a process's autogroup (<c>/autogroup-N</c>); null when it ended or the kernel has none.</summary>
    private static string? AutogroupOf(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/autogroup").Split(' ')[0];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Starts counting updates afresh in every page.</summary>
    public Task ResetAsync() => Task.WhenAll(_pages.Select(async p =>
    {
        try
        {
            await p.Page.EvaluateAsync("() => window.__bench.reset()").WaitAsync(Answer);
        }
        catch (TimeoutException)
        {
            // Too busy to answer: its counts then include the settling seconds, and its gap shows how late it is.
        }
    }));

    /// <summary>Per page: DOM updates since the reset, the longest gap between two (ms, up to now), the page's visibility state; -1 and "no answer" for a page too busy to answer.</summary>
    public async Task<IReadOnlyList<(int Updates, long MaxGapMs, string Visibility)>> UpdatesAsync() =>
        await Task.WhenAll(_pages.Select(async p =>
        {
            try
            {
                var r = await p.Page.EvaluateAsync<JsonElement>(
                    "() => ({ updates: window.__bench.updates, maxGap: Math.max(window.__bench.maxGap, Date.now() - window.__bench.last), visibility: document.visibilityState })")
                    .WaitAsync(Answer);
                return (r.GetProperty("updates").GetInt32(), (long)r.GetProperty("maxGap").GetDouble(), r.GetProperty("visibility").GetString() ?? "");
            }
            catch (TimeoutException)
            {
                return (-1, -1L, "no answer");
            }
        }));

    /// <summary>
    /// What Chromium's renderers spent on all pages so far (DevTools Performance.getMetrics, summed over pages; see
    /// <see cref="RendererTimes"/>); a page too busy to answer adds nothing.
    /// </summary>
    public async Task<RendererTimes> RendererTimesAsync()
    {
        var all = await Task.WhenAll(_pages.Select(async p =>
        {
            try
            {
                var r = await p.Cdp.SendAsync("Performance.getMetrics").WaitAsync(Answer);
                var metrics = r!.Value.GetProperty("metrics").EnumerateArray()
                    .ToDictionary(m => m.GetProperty("name").GetString()!, m => m.GetProperty("value").GetDouble());
                return new RendererTimes(metrics.GetValueOrDefault("TaskDuration"), metrics.GetValueOrDefault("ScriptDuration"),
                    metrics.GetValueOrDefault("LayoutDuration"), metrics.GetValueOrDefault("RecalcStyleDuration"),
                    metrics.GetValueOrDefault("ThreadTime"), metrics.GetValueOrDefault("ProcessTime"), metrics.GetValueOrDefault("LayoutCount"));
            }
            catch (TimeoutException)
            {
                return default;
            }
        }));
        return all.Aggregate(default(RendererTimes), (a, b) => a + b);
    }

    /// <summary>Starts Chromium's JavaScript sampling profiler in the first page (DevTools Profiler domain).</summary>
    public async Task StartProfileAsync()
    {
        var cdp = _pages[0].Cdp;
        await cdp.SendAsync("Profiler.enable");
        await cdp.SendAsync("Profiler.start");
    }

    /// <summary>Stops the profiler and writes its profile to <paramref name="path"/> (a .cpuprofile that Chromium's DevTools opens).</summary>
    public async Task StopProfileAsync(string path)
    {
        var result = await _pages[0].Cdp.SendAsync("Profiler.stop").WaitAsync(Answer);
        await File.WriteAllTextAsync(path, result!.Value.GetProperty("profile").GetRawText());
    }

    /// <summary>
    /// A page's renderer: seconds of its main thread's tasks (wall clock), and of script, layout and style recalculation
    /// within them; CPU seconds of the main thread and of the whole renderer process; layouts done.
    /// </summary>
    public readonly record struct RendererTimes(double Tasks, double Script, double Layout, double Style, double ThreadCpu, double ProcessCpu, double Layouts)
    {
        public static RendererTimes operator +(RendererTimes a, RendererTimes b) => new(a.Tasks + b.Tasks, a.Script + b.Script, a.Layout + b.Layout, a.Style + b.Style,
            a.ThreadCpu + b.ThreadCpu, a.ProcessCpu + b.ProcessCpu, a.Layouts + b.Layouts);

        public static RendererTimes operator -(RendererTimes a, RendererTimes b) => new(a.Tasks - b.Tasks, a.Script - b.Script, a.Layout - b.Layout, a.Style - b.Style,
            a.ThreadCpu - b.ThreadCpu, a.ProcessCpu - b.ProcessCpu, a.Layouts - b.Layouts);
    }

    /// <summary>Arms page <paramref name="index"/> to note when <paramref name="marker"/> shows up in its Top Talkers.</summary>
    public Task WatchAsync(int index, string marker) => _pages[index].Page.EvaluateAsync("m => window.__bench.watch(m)", marker);

    /// <summary>
    /// Wall-clock times (Unix ms) when the marker was in the DOM and at the next frame (0 when no frame came within
    /// two seconds of it); null when it did not appear in time, with what the page showed instead.
    /// </summary>
    public async Task<((long DomMs, long FrameMs)? Seen, string Diagnosis)> SeenAsync(int index, TimeSpan timeout)
    {
        var page = _pages[index].Page;
        var options = new PageWaitForFunctionOptions { PollingInterval = 100, Timeout = (float)timeout.TotalMilliseconds };
        try
        {
            await page.WaitForFunctionAsync("() => window.__bench.seenAt > 0", null, options);
        }
        catch (TimeoutException)
        {
            var shown = await page.EvaluateAsync<string>(
                "() => `in text: ${document.body.innerText.includes(window.__bench.marker)}, updates: ${window.__bench.updates}, first row: ${document.querySelector(\"[data-toplist='Top Talkers'] tr.toplist-row\")?.innerText?.replace(/\\s+/g, ' ')}`")
                .WaitAsync(Answer);
            return (null, shown);
        }

        try
        {
            await page.WaitForFunctionAsync("() => window.__bench.frameAt > 0", null, new PageWaitForFunctionOptions { PollingInterval = 50, Timeout = 2_000 });
        }
        catch (TimeoutException)
        {
            // No frame drawn within two seconds: the DOM time stands alone.
        }

        var seen = await page.EvaluateAsync<JsonElement>("() => ({ seenAt: window.__bench.seenAt, frameAt: window.__bench.frameAt })").WaitAsync(Answer);
        return (((long)seen.GetProperty("seenAt").GetDouble(), (long)seen.GetProperty("frameAt").GetDouble()), "");
    }

    /// <summary>Closes every page and the browser (again: nothing).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        foreach (var (context, _, _) in _pages)
        {
            await context.CloseAsync();
        }

        await _browser.CloseAsync();
        _playwright.Dispose();
    }

    private void Record(string error)
    {
        lock (_errors)
        {
            _errors.Add(error);
        }
    }
}
