using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Demo;

/// <summary>
/// The traffic of a small office behind a MikroTik, one second at a time: many short conversations (web, QUIC, DNS to
/// the router and from the router upstream, mail, NTP, ping, SSH, RDP, push and VPN on ports no channel group lists), new in every
/// second and ended within it or a few seconds before, plus the long ones of <see cref="DemoSessions"/>. The volume
/// follows the time of day (<see cref="Activity"/>) with some noise, and never exceeds the peak rate given. Seeded:
/// the same seed and times give the same records. Not thread-safe.
/// </summary>
public sealed class DemoTraffic
{
    /// <summary>Hard limit of the rate, whatever the configuration: the demo must stay a light load.</summary>
    public const int MaxFlowsPerSecond = 2000;

    private const int Ipv6Percent = 20;

    private readonly record struct Service(byte Protocol, ushort Port, int Weight, DemoFlows.Path Path, uint ServerBase, int Servers,
        long MinBytes, long MaxBytes, double ClientShare, int MeanPacketBytes, int MaxMilliseconds, bool Ipv6);

    // ServerBase is an IPv4 address (host order) and Servers how many consecutive ones serve; documentation ranges only.
    private static readonly Service[] Services =
    [
        new(DemoFlows.Tcp, 443, 26, DemoFlows.Path.LanToInternet, 0xCB00_710A, 40, 6_000, 1_500_000, 0.06, 1100, 20_000, Ipv6: true),    // HTTPS
        new(DemoFlows.Udp, 443, 9, DemoFlows.Path.LanToInternet, 0xCB00_710A, 40, 10_000, 1_000_000, 0.05, 1200, 20_000, Ipv6: true),    // QUIC
        new(DemoFlows.Tcp, 80, 4, DemoFlows.Path.LanToInternet, 0xCB00_7140, 20, 1_000, 300_000, 0.1, 900, 5_000, Ipv6: false),          // HTTP
        new(DemoFlows.Udp, 53, 28, DemoFlows.Path.LanToRouter, 0xC0A8_5801, 1, 90, 400, 0.3, 100, 80, Ipv6: false),                       // DNS to the router
        new(DemoFlows.Udp, 53, 9, DemoFlows.Path.RouterToInternet, 0xC000_0235, 2, 90, 400, 0.3, 100, 120, Ipv6: false),                  // DNS upstream
        new(DemoFlows.Udp, 123, 2, DemoFlows.Path.LanToInternet, 0xC000_027B, 1, 152, 152, 0.5, 76, 50, Ipv6: false),                     // NTP
        new(DemoFlows.Tcp, 993, 4, DemoFlows.Path.LanToInternet, 0xC000_028F, 1, 2_000, 400_000, 0.1, 700, 10_000, Ipv6: false),          // IMAPS
        new(DemoFlows.Tcp, 587, 2, DemoFlows.Path.LanToInternet, 0xC000_0219, 1, 3_000, 2_000_000, 0.95, 1000, 8_000, Ipv6: false),       // mail submission
        new(DemoFlows.Tcp, 25, 1, DemoFlows.Path.LanToInternet, 0xC000_0219, 1, 3_000, 200_000, 0.95, 900, 5_000, Ipv6: false),           // SMTP
        new(DemoFlows.Icmp, 0, 3, DemoFlows.Path.LanToInternet, 0xC000_0208, 8, 84, 840, 0.5, 84, 10_000, Ipv6: false),                  // ping
        new(DemoFlows.Tcp, 22, 1, DemoFlows.Path.LanToInternet, 0xC633_6416, 3, 4_000, 600_000, 0.5, 400, 15_000, Ipv6: false),           // SSH, scp
        new(DemoFlows.Tcp, 3389, 1, DemoFlows.Path.LanToInternet, 0xC633_6421, 1, 50_000, 900_000, 0.2, 500, 20_000, Ipv6: false),        // RDP
        new(DemoFlows.Tcp, 5228, 3, DemoFlows.Path.LanToInternet, 0xCB00_7180, 4, 300, 8_000, 0.5, 200, 3_000, Ipv6: false),              // push
        new(DemoFlows.Udp, 1194, 2, DemoFlows.Path.LanToInternet, 0xC633_6433, 1, 2_000, 400_000, 0.4, 600, 20_000, Ipv6: false),         // OpenVPN
    ];

    private static readonly int TotalWeight = Services.Sum(s => s.Weight);

    private readonly Random _random;
    private readonly DemoSessions _sessions;
    private readonly int _peakFlowsPerSecond;

    public DemoTraffic(int seed, int peakFlowsPerSecond)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(peakFlowsPerSecond, 10);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(peakFlowsPerSecond, MaxFlowsPerSecond);
        _random = new Random(seed);
        _sessions = new DemoSessions(_random);
        _peakFlowsPerSecond = peakFlowsPerSecond;
    }

    /// <summary>Long conversations running now.</summary>
    public int LongSessions => _sessions.Count;

    /// <summary>
    /// How busy the office is at a time of day, 0.1 (about 03:30) to 1: a daily swing with its peak in the afternoon and
    /// a second, smaller one in the evening.
    /// </summary>
    public static double Activity(TimeSpan timeOfDay)
    {
        var hour = timeOfDay.TotalHours;
        var day = 0.5 - (0.4 * Math.Cos(2 * Math.PI * (hour - 3.5) / 24));
        var evening = 0.15 * Math.Exp(-Math.Pow(hour - 20.5, 2) / (2 * 1.5 * 1.5));
        return Math.Clamp(day + evening, 0.1, 1);
    }

    /// <summary>
    /// Writes the records of the second ending at <paramref name="nowMs"/> into <paramref name="into"/> and returns how
    /// many: at most the peak rate times <paramref name="activity"/> (within ±15 %), and never more than fit.
    /// </summary>
    public int Next(long nowMs, double activity, Span<FlowRecord> into)
    {
        activity = Math.Clamp(activity, 0, 1);
        var budget = Math.Min(into.Length, _peakFlowsPerSecond);
        var target = Math.Min(budget, (int)Math.Round(_peakFlowsPerSecond * activity * (0.85 + (0.3 * _random.NextDouble()))));

        var written = _sessions.Step(nowMs, activity, into[..Math.Min(budget, DemoSessions.MaxRecordsPerSecond)]);
        while (written + 2 <= target)
        {
            written += Conversation(nowMs, into[written..]);
        }

        return written;
    }

    private int Conversation(long nowMs, Span<FlowRecord> into)
    {
        var service = Pick();
        var host = _random.Next(DemoNetwork.LanHosts);
        var server = service.ServerBase + (uint)_random.Next(service.Servers);
        var ipv6 = service.Ipv6 && _random.Next(100) < Ipv6Percent;
        var (client, serverAddress) = service.Path switch
        {
            DemoFlows.Path.RouterToInternet => (DemoNetwork.WanAddress, FlowAddress.FromIPv4(server)),
            _ when ipv6 => (DemoNetwork.LanHostV6(host), DemoNetwork.InternetV6(server & 0xFFFF)),
            _ => (DemoNetwork.LanHost(host), FlowAddress.FromIPv4(server)),
        };

        // Sizes are log-uniform: many small transfers, a few large ones.
        var bytes = (long)Math.Exp(Math.Log(service.MinBytes) + (_random.NextDouble() * (Math.Log(service.MaxBytes) - Math.Log(service.MinBytes))));
        var end = nowMs - _random.Next(1000);
        var start = end - _random.Next(Math.Max(1, service.MaxMilliseconds));
        var clientPort = (ushort)_random.Next(49_152, 65_535);
        return DemoFlows.Conversation(into, service.Path, client, clientPort, serverAddress, service.Port, service.Protocol, bytes,
            service.ClientShare, service.MeanPacketBytes, start, end);
    }

    private Service Pick()
    {
        var roll = _random.Next(TotalWeight);
        foreach (var s in Services)
        {
            roll -= s.Weight;
            if (roll < 0)
            {
                return s;
            }
        }

        return Services[0];
    }
}
