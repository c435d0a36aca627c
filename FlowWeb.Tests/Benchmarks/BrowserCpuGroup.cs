using System.Globalization;

namespace FlowWeb.Tests.Benchmarks;

/// <summary>
/// A CPU control group of its own for the benchmark's browser, at the lowest weight the kernel takes (cgroup v1
/// <c>cpu.shares</c> 2, v2 <c>cpu.weight</c> 1): the browser stands in for a user's computer and may have only the
/// time the server and the sender leave. Chromium starts inside it (<see cref="Launcher"/> joins it, then becomes
/// Chromium), so every process it ever makes stays there, whatever session it opens.
/// </summary>
/// <remarks>
/// Why a group and not only the idle scheduling policy and autogroups at nice 19 (<see cref="LivePages.StandAsideAsync"/>,
/// as before): an autogroup is a session's, and the idle policy only ranks a thread within its group. Lowering every
/// process under the test also lowered Playwright's driver, which shares the test's session, and so the server's
/// (and the shell's that ran the benchmark) to nice 19, the same weight as the browser's own session: whenever a
/// renderer was runnable the two sessions shared the server's core evenly. With 20 pages at 950,000 flows/s,
/// <c>perf record -e sched:sched_switch -C 0</c> showed the receive thread preempted, runnable, for up to 444 ms while
/// renderer threads ran, and Chromium taking 35 % of that core. Tasks in a control group other than the root are
/// never put in autogroups, and the group's weight is against the server's session at its own nice 0.
/// </remarks>
internal sealed class BrowserCpuGroup : IDisposable
{
    private const string V1Root = "/sys/fs/cgroup/cpu";
    private const string V2Root = "/sys/fs/cgroup";

    private readonly string _launcherFolder;

    private BrowserCpuGroup(string? path, string description, string launcher, string launcherFolder)
    {
        Path = path;
        Description = description;
        Launcher = launcher;
        _launcherFolder = launcherFolder;
    }

    /// <summary>The group's folder; null when no group could be made (not Linux, no writable cpu controller).</summary>
    public string? Path { get; }

    /// <summary>What the browser runs in, for the report.</summary>
    public string Description { get; }

    /// <summary>The executable to launch the browser with: a script that joins the group, then execs Chromium at the lowest priority on every core.</summary>
    public string Launcher { get; }

    /// <summary>Makes the group (or finds that none can be made) and its launcher for <paramref name="chromium"/>.</summary>
    public static BrowserCpuGroup Create(string chromium)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The UI benchmark runs Debian's chromium on Linux.");
        }

        var name = $"flowweb-bench-browser-{Environment.ProcessId}";
        var subtree = System.IO.Path.Combine(V2Root, "cgroup.subtree_control");
        var (path, description) = TryMake(System.IO.Path.Combine(V1Root, name), "cpu.shares", "2", "cgroup v1 cpu.shares 2")
            ?? (File.Exists(subtree) && File.ReadAllText(subtree).Split(' ', '\n').Contains("cpu")
                ? TryMake(System.IO.Path.Combine(V2Root, name), "cpu.weight", "1", "cgroup v2 cpu.weight 1") : null)
            ?? ((string?)null, "no CPU control group (none could be made): nice 19, the idle policy and an autogroup at nice 19 instead");

        var folder = Directory.CreateTempSubdirectory("flowweb-bench-browser-").FullName;
        var launcher = System.IO.Path.Combine(folder, "chromium");
        var join = path is null ? "" : $"echo $$ > '{path}/cgroup.procs'\n";
        var cpus = $"0-{ProcFs.OnlineCpus() - 1}";
        File.WriteAllText(launcher, $"#!/bin/sh\n{join}exec taskset -c {cpus} nice -n 19 chrt -i 0 '{chromium}' \"$@\"\n");
        File.SetUnixFileMode(launcher, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return new BrowserCpuGroup(path, path is null ? description : $"a CPU control group of its own ({description})", launcher, folder);
    }

    /// <summary>The processes in the group now (empty without a group).</summary>
    public IReadOnlyList<int> Members()
    {
        if (Path is null)
        {
            return [];
        }

        try
        {
            return [.. File.ReadLines(System.IO.Path.Combine(Path, "cgroup.procs")).Select(l => int.Parse(l, CultureInfo.InvariantCulture))];
        }
        catch (IOException)
        {
            return [];
        }
    }

    /// <summary>Removes the group once its processes have ended (the browser is closed first), and the launcher.</summary>
    public void Dispose()
    {
        if (Path is not null)
        {
            for (var i = 0; i < 50 && Directory.Exists(Path); i++)
            {
                try
                {
                    Directory.Delete(Path);
                }
                catch (IOException)
                {
                    // Busy: a process of the browser has not ended yet.
                    Thread.Sleep(100);
                }
            }

            if (Directory.Exists(Path))
            {
                Progress.Log($"the browser's CPU group {Path} still has processes ({string.Join(", ", Members())}); left in place");
            }
        }

        Directory.Delete(_launcherFolder, recursive: true);
    }

    private static (string? Path, string Description)? TryMake(string path, string weightFile, string weight, string description)
    {
        try
        {
            if (!Directory.Exists(System.IO.Path.GetDirectoryName(path)))
            {
                return null;
            }

            Directory.CreateDirectory(path);
            File.WriteAllText(System.IO.Path.Combine(path, weightFile), weight);
            return (path, description);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (Directory.Exists(path))
            {
                try
                {
                    Directory.Delete(path);
                }
                catch (IOException)
                {
                    // Leave it: empty, it costs nothing.
                }
            }

            return null;
        }
    }
}
