using System.Globalization;

namespace FlowWeb.Core.Collection;

/// <summary>
/// Datagrams the kernel dropped because a socket's receive buffer was full, read from the <c>drops</c> column of
/// /proc/net/udp and /proc/net/udp6 for this process's own sockets (matched by inode through /proc/self/fd).
/// Linux only; elsewhere it reports nothing rather than guessing.
/// </summary>
public static class KernelDropCounter
{
    /// <summary>Drops per local UDP port of this process's sockets; empty when /proc is not available.</summary>
    public static IReadOnlyDictionary<int, long> ReadByPort()
    {
        var result = new Dictionary<int, long>();
        try
        {
            var inodes = OwnSocketInodes();
            if (inodes.Count == 0)
            {
                return result;
            }

            foreach (var table in new[] { "/proc/net/udp", "/proc/net/udp6" })
            {
                if (!File.Exists(table))
                {
                    continue;
                }

                foreach (var line in File.ReadLines(table).Skip(1))
                {
                    var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (parts.Length < 13 || !long.TryParse(parts[9], CultureInfo.InvariantCulture, out var inode) || !inodes.Contains(inode))
                    {
                        continue;
                    }

                    var local = parts[1];
                    var colon = local.LastIndexOf(':');
                    if (colon < 0 || !int.TryParse(local.AsSpan(colon + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var port) ||
                        !long.TryParse(parts[12], CultureInfo.InvariantCulture, out var drops))
                    {
                        continue;
                    }

                    result[port] = result.GetValueOrDefault(port) + drops;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // /proc can disappear under us (container shutdown); report what we have.
        }

        return result;
    }

    private static HashSet<long> OwnSocketInodes()
    {
        var inodes = new HashSet<long>();
        const string fdDir = "/proc/self/fd";
        if (!Directory.Exists(fdDir))
        {
            return inodes;
        }

        foreach (var fd in Directory.EnumerateFileSystemEntries(fdDir))
        {
            try
            {
                var target = new FileInfo(fd).LinkTarget;
                if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal) &&
                    long.TryParse(target.AsSpan(8, target.Length - 9), CultureInfo.InvariantCulture, out var inode))
                {
                    inodes.Add(inode);
                }
            }
            catch (IOException)
            {
                // The descriptor closed while we looked.
            }
        }

        return inodes;
    }
}
