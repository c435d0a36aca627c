using System.Globalization;

namespace FlowWeb.Tests.Benchmarks;

/// <summary>Reads processes and the machine from Linux's /proc: CPU times and resident memory.</summary>
internal static class ProcFs
{
    /// <summary>Clock ticks per second of the times in /proc (USER_HZ; 100 on Linux on every common architecture).</summary>
    private const double TicksPerSecond = 100;

    /// <summary>utime + stime of one process, in seconds; 0 when it is gone.</summary>
    public static double CpuSeconds(int pid)
    {
        var fields = StatFields(pid);
        return fields is null ? 0 : (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
    }

    /// <summary>VmRSS and VmHWM of one process, in bytes.</summary>
    public static (long Rss, long Peak) Memory(int pid)
    {
        long rss = 0, peak = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kilobytes(line);
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = Kilobytes(line);
            }
        }

        return (rss, peak);
    }

    /// <summary>Bytes the process has written through write/send calls (wchar of /proc/&lt;pid&gt;/io): its sockets and files.</summary>
    public static long BytesWritten(int pid) =>
        File.ReadLines($"/proc/{pid}/io").Where(l => l.StartsWith("wchar:", StringComparison.Ordinal))
            .Select(l => long.Parse(l[6..].Trim(), CultureInfo.InvariantCulture)).FirstOrDefault();

    /// <summary>The processes descending from <paramref name="ancestor"/>, except <paramref name="excluded"/> and its own descendants.</summary>
    public static List<int> Descendants(int ancestor, int excluded)
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && StatFields(pid) is { } fields)
            {
                parents[pid] = int.Parse(fields[1], CultureInfo.InvariantCulture);
            }
        }

        return [.. parents.Keys.Where(pid => pid != ancestor && DescendsFrom(pid, ancestor, excluded, parents))];
    }

    /// <summary>The machine's busy and total CPU time since boot over all cores (the first line of /proc/stat), in seconds.</summary>
    public static (double Busy, double Total) MachineCpuSeconds()
    {
        var parts = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var values = parts.Skip(1).Take(8).Select(p => long.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        var idle = values[3] + values[4];
        var total = values.Sum();
        return ((total - idle) / TicksPerSecond, total / TicksPerSecond);
    }

    /// <summary>The machine's cores (this process may be limited to fewer, so not <see cref="Environment.ProcessorCount"/>).</summary>
    public static int OnlineCpus() => File.ReadLines("/proc/stat").Count(l => l.Length > 3 && l.StartsWith("cpu", StringComparison.Ordinal) && char.IsAsciiDigit(l[3]));

    /// <summary>The CPUs this process may run on (Cpus_allowed_list of /proc/self/status), e.g. "1" or "0-1".</summary>
    public static string AllowedCpus() =>
        File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal))?.Split(':')[1].Trim() ?? "?";

    public static string LoadAverage() => File.ReadAllText("/proc/loadavg").Trim();

    /// <summary>
    /// Bytes waiting in the receive queues of the UDP sockets bound to <paramref name="port"/> (/proc/net/udp and udp6:
    /// local address and port in hex, then "tx_queue:rx_queue" in hex).
    /// </summary>
    public static long UdpReceiveQueueBytes(int port)
    {
        var suffix = ":" + port.ToString("X4", CultureInfo.InvariantCulture);
        long queued = 0;
        foreach (var table in new[] { "/proc/net/udp", "/proc/net/udp6" })
        {
            if (!File.Exists(table))
            {
                continue;
            }

            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length > 4 && fields[1].EndsWith(suffix, StringComparison.Ordinal))
                {
                    queued += long.Parse(fields[4].Split(':')[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                }
            }
        }

        return queued;
    }

    private static bool DescendsFrom(int pid, int ancestor, int excluded, Dictionary<int, int> parents)
    {
        for (var i = 0; i < 64 && pid > 1; i++)
        {
            if (pid == excluded)
            {
                return false;
            }

            if (!parents.TryGetValue(pid, out var parent))
            {
                return false;
            }

            if (parent == ancestor)
            {
                return true;
            }

            pid = parent;
        }

        return false;
    }

    /// <summary>The fields of /proc/&lt;pid&gt;/stat after the command name (which may hold spaces): [0] is the state, [1] the parent.</summary>
    private static string[]? StatFields(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static long Kilobytes(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
}
