using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Demo;

/// <summary>
/// The long conversations of the demo office: video streams, interactive SSH, video calls and the heavy talkers (a
/// NAS backup, a cloud sync, big downloads). Each is reported every <see cref="ReportSeconds"/> seconds while it runs,
/// as a router with a short active flow timeout does, and one last time when it ends. At most <see cref="MaxSessions"/>
/// run at once. Not thread-safe.
/// </summary>
internal sealed class DemoSessions(Random random)
{
    public const int ReportSeconds = 10;
    public const int MaxSessions = 24;

    /// <summary>Records a second of reports can take at most: every session reporting, two records each.</summary>
    public const int MaxRecordsPerSecond = MaxSessions * 2;

    private enum Kind
    {
        VideoStream,
        Ssh,
        VideoCall,
        Backup,
        CloudSync,
        Download,
    }

    private sealed class Session
    {
        public Kind Kind;
        public DemoFlows.Path Path;
        public FlowAddress Client;
        public FlowAddress Server;
        public ushort ClientPort;
        public ushort ServerPort;
        public byte Protocol;
        public byte Tos;
        public double BytesPerSecond;
        public double ClientShare;
        public int MeanPacketBytes;
        public long EndMs;
        public long LastReportMs;
        public int ReportPhase;
    }

    private readonly List<Session> _sessions = [];

    public int Count => _sessions.Count;

    /// <summary>Starts and ends sessions for this second's <paramref name="activity"/> and writes the reports due into <paramref name="into"/>.</summary>
    public int Step(long nowMs, double activity, Span<FlowRecord> into)
    {
        var written = 0;
        var second = nowMs / 1000;
        for (var i = _sessions.Count - 1; i >= 0; i--)
        {
            var s = _sessions[i];
            var ended = nowMs >= s.EndMs;
            if ((ended || (second + s.ReportPhase) % ReportSeconds == 0) && written + 2 <= into.Length)
            {
                var end = Math.Min(nowMs, s.EndMs);
                var bytes = (long)(s.BytesPerSecond * Math.Max(0, end - s.LastReportMs) / 1000);
                written += DemoFlows.Conversation(into[written..], s.Path, s.Client, s.ClientPort, s.Server, s.ServerPort, s.Protocol,
                    Math.Max(bytes, 80), s.ClientShare, s.MeanPacketBytes, s.LastReportMs, end, s.Tos, running: !ended);
                s.LastReportMs = end;
            }

            if (ended)
            {
                _sessions.RemoveAt(i);
            }
        }

        KeepRunning(Kind.VideoStream, (int)Math.Round(1 + (6 * activity)), nowMs);
        KeepRunning(Kind.Ssh, 2, nowMs);
        KeepRunning(Kind.VideoCall, activity > 0.5 ? 2 : 0, nowMs);
        KeepRunning(Kind.Backup, activity < 0.35 ? 1 : 0, nowMs);
        KeepRunning(Kind.CloudSync, activity > 0.3 ? 1 : 0, nowMs);
        if (random.NextDouble() < 0.02 * activity || CountOf(Kind.Download) == 0)
        {
            KeepRunning(Kind.Download, Math.Min(2, CountOf(Kind.Download) + 1), nowMs);
        }

        return written;
    }

    private int CountOf(Kind kind) => _sessions.Count(s => s.Kind == kind);

    private void KeepRunning(Kind kind, int wanted, long nowMs)
    {
        for (var running = CountOf(kind); running < wanted && _sessions.Count < MaxSessions; running++)
        {
            _sessions.Add(Start(kind, nowMs));
        }
    }

    private Session Start(Kind kind, long nowMs)
    {
        var client = random.Next(DemoNetwork.LanHosts);
        var s = new Session
        {
            Kind = kind,
            Path = DemoFlows.Path.LanToInternet,
            Client = DemoNetwork.LanHost(client),
            ClientPort = (ushort)random.Next(49_152, 65_535),
            Protocol = DemoFlows.Tcp,
            ServerPort = 443,
            MeanPacketBytes = 1200,
            LastReportMs = nowMs,
            ReportPhase = random.Next(ReportSeconds),
        };

        // Rates are bytes per second in both directions together; ClientShare is the part the LAN host sends.
        switch (kind)
        {
            case Kind.VideoStream:
                s.Server = DemoNetwork.IPv4(203, 0, 113, (byte)random.Next(200, 210));
                s.BytesPerSecond = Megabits(2.5, 8);
                s.ClientShare = 0.02;
                s.EndMs = nowMs + Minutes(3, 40);
                break;
            case Kind.Ssh:
                s.Server = DemoNetwork.IPv4(198, 51, 100, (byte)random.Next(22, 25));
                s.ServerPort = 22;
                s.BytesPerSecond = Megabits(0.002, 0.04);
                s.ClientShare = 0.4;
                s.MeanPacketBytes = 120;
                s.EndMs = nowMs + Minutes(10, 120);
                break;
            case Kind.VideoCall:
                s.Server = DemoNetwork.IPv4(203, 0, 113, 150);
                s.ServerPort = 3478;
                s.Protocol = DemoFlows.Udp;
                s.Tos = DemoFlows.ExpeditedForwarding;
                s.BytesPerSecond = Megabits(3, 6);
                s.ClientShare = 0.5;
                s.MeanPacketBytes = 1000;
                s.EndMs = nowMs + Minutes(5, 60);
                break;
            case Kind.Backup:
                s.Client = DemoNetwork.IPv4(192, 168, 88, 10);
                s.Server = DemoNetwork.IPv4(198, 51, 100, 200);
                s.ServerPort = 873;
                s.BytesPerSecond = Megabits(40, 80);
                s.ClientShare = 0.97;
                s.EndMs = nowMs + Minutes(10, 30);
                break;
            case Kind.CloudSync:
                s.Client = DemoNetwork.IPv4(192, 168, 88, 20);
                s.Server = DemoNetwork.IPv4(203, 0, 113, 60);
                s.BytesPerSecond = Megabits(10, 20);
                s.ClientShare = 0.9;
                s.EndMs = nowMs + Minutes(5, 20);
                break;
            default:
                s.Server = DemoNetwork.IPv4(203, 0, 113, (byte)random.Next(50, 53));
                s.BytesPerSecond = Megabits(30, 90);
                s.ClientShare = 0.03;
                s.EndMs = nowMs + Minutes(1, 6);
                break;
        }

        return s;
    }

    private double Megabits(double min, double max) => (min + (random.NextDouble() * (max - min))) * 1_000_000 / 8;

    private long Minutes(int min, int max) => random.NextInt64(min * 60_000L, max * 60_000L);
}
