using System.Net;

namespace FlowWeb.Core.Collection;

/// <summary>Where and how the UDP collector listens (configuration section <c>Collector</c>).</summary>
public sealed class CollectorOptions
{
    public const string SectionName = "Collector";

    /// <summary>Largest receive buffer accepted; Linux caps it at net.core.rmem_max anyway.</summary>
    public const int MaxReceiveBufferBytes = 1024 * 1024 * 1024;

    /// <summary>UDP port flows are received on; 2055 is RouterOS's default target port.</summary>
    public int DefaultPort { get; set; } = 2055;

    /// <summary>
    /// UDP port kept open for sFlow, like <see cref="DefaultPort"/> (so switches are discovered before they have a sensor);
    /// 6343 is sFlow's registered port; 0 = not opened unless a sensor uses it. Every port decodes every protocol.
    /// </summary>
    public int SFlowPort { get; set; } = Decoding.SFlow.SFlowDatagram.DefaultPort;

    /// <summary>
    /// Address to bind. The default <c>::</c> is a dual-mode socket that takes IPv4 and IPv6 exporters alike;
    /// on a host without IPv6 the collector falls back to <c>0.0.0.0</c>.
    /// </summary>
    public string BindAddress { get; set; } = "::";

    /// <summary>
    /// Socket receive buffer (SO_RCVBUF). Exporters send in bursts when their flow cache expires; a large
    /// buffer absorbs a burst while the loop decodes, and the pauses when the receive thread does not run (a garbage
    /// collection stops it; live pages' rendering shares its core). 32 MiB, as the nfcapd comparison gives both collectors:
    /// with 20 live pages in the UI benchmark the loss-free rate was 0.26-0.30 M flows/s with 8 MiB and 0.57 M with this.
    /// Memory is taken only while datagrams wait. Linux grants at most net.core.rmem_max (to root, more).
    /// </summary>
    public int ReceiveBufferBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>
    /// Before the ports open, run the receive path once on datagrams of its own (<see cref="CollectorWarmUp"/>), so that
    /// the first real datagrams do not pay for compiling it. About half a second of start-up, once per process.
    /// </summary>
    public bool WarmUp { get; set; } = true;

    /// <summary>
    /// On Linux, take up to 32 queued datagrams per system call (<c>recvmmsg</c>) instead of one; false receives one
    /// at a time, as on other systems. Only sensors limited to some receive addresses make a port receive one at a time.
    /// </summary>
    public bool BatchReceive { get; set; } = true;

    /// <summary>
    /// Receive threads per UDP port (on Linux; one elsewhere). Each has its own socket on the port (<c>SO_REUSEPORT</c>:
    /// the kernel keeps one exporter's datagrams on one socket, so its templates and sequence numbers stay on one thread)
    /// and counts into its own share of every sensor of the port, merged once a second for pages and history. Default:
    /// one per core, at most 4.
    /// </summary>
    public int ReceiveThreads { get; set; } = Math.Clamp(Environment.ProcessorCount, 1, 4);

    /// <summary>
    /// The scheduling priority (Linux nice value, -20 to 19) the receive threads ask for; 0 leaves them at the process's.
    /// A receive thread that falls behind loses datagrams for good, while the rest of the process (pages, history
    /// writes, the once-a-second ticks, the runtime compiling code at start-up) can wait: with the default, on a core
    /// both need, the kernel gives the receive thread about nine tenths. Raising a priority needs root or
    /// <c>CAP_SYS_NICE</c> (Docker: <c>--cap-add SYS_NICE</c>); without it the threads keep the process's priority and
    /// the log says so once.
    /// </summary>
    public int ReceiveThreadNice { get; set; } = -10;

    /// <summary>
    /// Exporters accepted, as addresses or prefixes (<c>10.0.0.0/8</c>, <c>2001:db8::/32</c>, <c>192.0.2.1</c>); empty
    /// accepts every sender. Datagrams from others are refused before they touch any table and counted
    /// (<c>flowweb_dropped_total{stage="not_allowed"}</c>); a sensor expecting a refused exporter says so.
    /// </summary>
    public List<string> AllowedExporters { get; set; } = [];

    /// <summary>
    /// How often the collector's tick publishes a live frame (wall-clock time). One second suits pages that refresh once
    /// a second; tests that move a fake clock many seconds shorten it so that each simulated second gets its frame.
    /// </summary>
    public TimeSpan FrameInterval { get; set; } = TimeSpan.FromSeconds(1);

    public IEnumerable<string> Validate()
    {
        if (FrameInterval < TimeSpan.FromMilliseconds(10) || FrameInterval > TimeSpan.FromSeconds(10))
        {
            yield return $"{SectionName}:{nameof(FrameInterval)} must be 00:00:00.010 to 00:00:10 (was {FrameInterval}).";
        }

        var allowErrors = new List<string>();
        Decoding.ExporterAllowList.Parse(AllowedExporters, allowErrors, $"{SectionName}:{nameof(AllowedExporters)}");
        foreach (var error in allowErrors)
        {
            yield return error;
        }

        if (ReceiveThreads is < 1 or > 64)
        {
            yield return $"{SectionName}:{nameof(ReceiveThreads)} must be 1 to 64 (was {ReceiveThreads}).";
        }

        if (ReceiveThreadNice is < -20 or > 19)
        {
            yield return $"{SectionName}:{nameof(ReceiveThreadNice)} must be -20 to 19 (was {ReceiveThreadNice}).";
        }

        if (DefaultPort is < 1 or > 65535)
        {
            yield return $"{SectionName}:{nameof(DefaultPort)} must be between 1 and 65535 (was {DefaultPort}).";
        }

        if (SFlowPort is < 0 or > 65535)
        {
            yield return $"{SectionName}:{nameof(SFlowPort)} must be between 1 and 65535, or 0 to open it only for sFlow sensors (was {SFlowPort}).";
        }

        if (!IPAddress.TryParse(BindAddress, out _))
        {
            yield return $"{SectionName}:{nameof(BindAddress)} must be an IPv4 or IPv6 address such as :: or 0.0.0.0 (was '{BindAddress}').";
        }

        if (ReceiveBufferBytes is < 64 * 1024 or > MaxReceiveBufferBytes)
        {
            yield return $"{SectionName}:{nameof(ReceiveBufferBytes)} must be between 65536 and {MaxReceiveBufferBytes} (was {ReceiveBufferBytes}).";
        }
    }
}
