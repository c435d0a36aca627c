using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using FlowWeb.Api;
using FlowWeb.Core.Channels;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Sensors;
using FlowWeb.Tests.Api;
using FlowWeb.Tests.EndToEnd;
using Microsoft.Data.Sqlite;

namespace FlowWeb.Tests.Web;

/// <summary>
/// The real app stopped gracefully and started again on the same data directory (a real SQLite file): sensors,
/// channel history and toplist history are there, and NetFlow v9 data sent after the restart decodes without a new
/// template, because the templates were saved at shutdown and restored before the collector started.
/// </summary>
public sealed class RestartTests : IDisposable
{
    private const long DownloadBytes = 500_000;
    private const long LaterDownloadBytes = 250_000;

    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("flowweb-restart-").FullName;
    private readonly int _defaultPort = LoopbackPorts.FreeUdp();
    private readonly int _sensorPort = LoopbackPorts.FreeUdp();
    private readonly DateTimeOffset _from = DateTimeOffset.UtcNow.AddMinutes(-10);

    [Fact]
    public async Task GracefulRestart_SameDataDirectory_SensorHistoryToplistsAndTemplatesSurvive()
    {
        // Templates go out in the first datagram only: after the restart the router sends data the app can decode only with the saved templates.
        using var router = new FlowSender("127.0.0.1", templatesOnce: true);
        FlowRecord[] first = [Download(DownloadBytes), Dns(600), Dns(700)];
        FlowRecord[] later = [Download(LaterDownloadBytes), Dns(800)];
        Guid sensorId;

        await using (var app = new FlowWebFactory(_dataDirectory, _defaultPort))
        {
            using var client = app.CreateClient();
            using var created = await client.PostJsonAsync("/api/sensors",
                new SensorRequest { Name = "Restart router", Port = _sensorPort, SenderIp = "127.0.0.1", ActiveFlowTimeoutMinutes = 0 });
            sensorId = (await created.ReadAsync<SensorResponse>(HttpStatusCode.Created)).Id;
            await router.SendAsync(_sensorPort, first);
            await AcceptedAsync(client, sensorId, first.Length);
            await app.DisposeAsync();

            // The operator reads what the graceful stop wrote: the running minute(s) and every toplist's running period.
            var stopped = Assert.Single(app.Logs.Events, e => e.Message.StartsWith("Stopped gracefully", StringComparison.Ordinal)).Message;
            Assert.Matches(@"^Stopped gracefully: wrote [1-9][0-9]* sensor minutes \([1-9][0-9]* channel rows\) and 6 toplist periods still in memory to history; 0 could not be written$", stopped);
        }

        Assert.Contains(TemplateFlowSetId, FlowSetIds(Assert.Single(router.Sent)));

        await using (var app = new FlowWebFactory(_dataDirectory, _defaultPort))
        {
            using var client = app.CreateClient();
            var sensor = Assert.Single(await client.GetAsync<SensorResponse[]>("/api/sensors"));
            Assert.Equal((sensorId, "Restart router", _sensorPort), (sensor.Id, sensor.Name, sensor.Port));
            Assert.Equal(DownloadBytes + 1300, await StoredTotalBytesAsync(client, sensorId));
            Assert.Equal(DownloadBytes, await StoredDownloadBytesAsync(client, sensorId));

            var sentBefore = router.Sent.Count;
            await router.SendAsync(_sensorPort, later);
            Assert.All(router.Sent.Skip(sentBefore), d => Assert.DoesNotContain(TemplateFlowSetId, FlowSetIds(d)));
            await AcceptedAsync(client, sensorId, later.Length);
            var exporter = await client.GetAsync<ExporterResponse>("/api/exporters/127.0.0.1");
            Assert.Equal(0, exporter.DecodeErrors);
        }

        // A third start: both runs' minutes and toplist periods are stored and add up.
        await using (var app = new FlowWebFactory(_dataDirectory, _defaultPort))
        {
            using var client = app.CreateClient();
            Assert.Equal(DownloadBytes + LaterDownloadBytes + 2100, await StoredTotalBytesAsync(client, sensorId));
            Assert.Equal(DownloadBytes + LaterDownloadBytes, await StoredDownloadBytesAsync(client, sensorId));
        }
    }

    /// <summary>
    /// kill -9 (SIGKILL: no shutdown code runs) of the app as a process, right after a minute and a toplist period
    /// closed while another process held the database's write lock, so that neither could be written: /health said
    /// Degraded, the items waited in the journal, and the next start writes them. Every byte sent is in the stored
    /// channel history and in the stored toplist period after the restart.
    /// </summary>
    [Fact]
    public async Task HardKill_MinuteAndToplistPeriodClosedButNotYetWritten_BothStoredAfterRestart()
    {
        var settings = new Dictionary<string, string>
        {
            ["Storage__BusyTimeout"] = "00:00:00.3",
            ["Storage__HistoryRetryMaxDelay"] = "00:00:02",
            ["Aggregation__MinuteGraceSeconds"] = "1",
        };
        Guid sensorId;
        FlowRecord[] flows = [Download(DownloadBytes), Dns(600)];
        await using (var app = await AppProcess.StartAsync(_dataDirectory, settings, _defaultPort))
        {
            using var created = await app.Http.PostJsonAsync("/api/sensors", new SensorRequest
            {
                Name = "Killed router", Port = _defaultPort, SenderIp = "127.0.0.1", ActiveFlowTimeoutMinutes = 0,
                Toplists = [new ToplistSettings { Id = 2, Name = "Top Connections", Type = ToplistType.TopConnections, PeriodMinutes = 1 }],
            });
            sensorId = (await created.ReadAsync<SensorResponse>(HttpStatusCode.Created)).Id;

            // Early in a minute, so that the minute and the period close after the lock is taken.
            while (DateTimeOffset.UtcNow.Second >= 45)
            {
                await Task.Delay(500);
            }

            using var router = new FlowSender("127.0.0.1");
            await router.SendAsync(_defaultPort, flows);
            await AcceptedAsync(app.Http, sensorId, flows.Length);

            await using var locker = new SqliteConnection($"Data Source={Path.Combine(_dataDirectory, "flowweb.db")};Pooling=False");
            await locker.OpenAsync();
            await using (var begin = locker.CreateCommand())
            {
                begin.CommandText = "BEGIN EXCLUSIVE";
                await begin.ExecuteNonQueryAsync();
            }

            // The period has closed (the API lists it as completed) and both items wait in the journal, unwritten.
            await Poll.UntilAsync(() => app.Http.GetAsync<ToplistSummaryResponse[]>($"/api/sensors/{sensorId}/toplists"),
                t => t.Single(l => l.Id == 2).CompletedPeriodStarts.Count > 0, TimeSpan.FromSeconds(90), _ => "the toplist period never closed");
            var health = await Poll.UntilAsync(() => app.Http.GetStringAsync(new Uri("health", UriKind.Relative)),
                h => h.StartsWith("Degraded", StringComparison.Ordinal) && h.Contains("database is locked", StringComparison.Ordinal), TimeSpan.FromSeconds(90),
                h => h + "\n" + app.Output[Math.Max(0, app.Output.Length - 4000)..]);
            var metrics = await Poll.UntilAsync(() => app.Http.GetStringAsync(new Uri("metrics", UriKind.Relative)),
                m => AppProcess.Metric(m, "flowweb_history_journal_files") >= 2, TimeSpan.FromSeconds(30), m => "journal files: " + AppProcess.Metric(m, "flowweb_history_journal_files"));
            Assert.Contains("history: Degraded: History is not being written since", health, StringComparison.Ordinal);
            Assert.Equal(0, AppProcess.Metric(metrics, "flowweb_history_writing"));

            app.Kill();
            Assert.True(app.HasExited);
        }

        await using (var app = await AppProcess.StartAsync(_dataDirectory, settings, _defaultPort))
        {
            await Poll.UntilAsync(() => StoredTotalBytesAsync(app.Http, sensorId), b => b >= DownloadBytes + 600, TimeSpan.FromSeconds(30), b => $"{b} bytes stored");
            Assert.Equal(DownloadBytes + 600, await StoredTotalBytesAsync(app.Http, sensorId));
            Assert.Equal(DownloadBytes, await StoredDownloadBytesAsync(app.Http, sensorId));
            var metrics = await app.Http.GetStringAsync(new Uri("metrics", UriKind.Relative));
            Assert.Equal(0, AppProcess.Metric(metrics, "flowweb_history_journal_files"));
            Assert.StartsWith("Healthy", await app.Http.GetStringAsync(new Uri("health", UriKind.Relative)), StringComparison.Ordinal);
        }
    }

    private const ushort TemplateFlowSetId = 0;

    private static FlowRecord Download(long bytes) => FlowSender.Flow("192.168.88.10", 50_000, "203.0.113.7", 443, 6, (ulong)bytes, (ulong)bytes / 1000);

    private static FlowRecord Dns(long bytes) => FlowSender.Flow("192.168.88.11", 40_000, "198.51.100.53", 53, 17, (ulong)bytes, 1);

    /// <summary>After a restart the counters start again from zero: waits until the sensor has accepted exactly this many flows.</summary>
    private static Task<SensorLiveResponse> AcceptedAsync(HttpClient client, Guid sensor, long flows) =>
        Poll.UntilAsync(() => client.GetAsync<SensorLiveResponse>($"/api/sensors/{sensor}/live"), l => l.FlowsAccepted == flows,
            TimeSpan.FromSeconds(10), l => $"the sensor accepted {l.FlowsAccepted} of {flows} flows");

    /// <summary>The stored Total bytes since the test began, bucket by bucket.</summary>
    private async Task<double> StoredTotalBytesAsync(HttpClient client, Guid sensor)
    {
        var history = await client.GetAsync<ChannelHistoryResponse>($"/api/sensors/{sensor}/history/channels?from={Iso(_from)}&to={Iso(DateTimeOffset.UtcNow.AddMinutes(1))}");
        return history.Channels.Single(c => c.Id == ChannelIds.Total).Buckets.Sum(b => b.Bytes);
    }

    private async Task<long> StoredDownloadBytesAsync(HttpClient client, Guid sensor)
    {
        var merged = await client.GetAsync<StoredToplistResponse>($"/api/sensors/{sensor}/history/toplists/2/merged?from={Iso(_from)}&to={Iso(DateTimeOffset.UtcNow.AddMinutes(1))}");
        return merged.Rows.Single(r => r.DestinationPort == 443).Bytes;
    }

    /// <summary>The flowset ids of a NetFlow v9 datagram (RFC 3954 §5.1: a 20-byte header, then flowsets of id and length).</summary>
    private static List<ushort> FlowSetIds(byte[] datagram)
    {
        var ids = new List<ushort>();
        for (var offset = 20; offset + 4 <= datagram.Length;)
        {
            ids.Add(BinaryPrimitives.ReadUInt16BigEndian(datagram.AsSpan(offset)));
            var length = BinaryPrimitives.ReadUInt16BigEndian(datagram.AsSpan(offset + 2));
            offset += Math.Max((int)length, 4);
        }

        return ids;
    }

    private static string Iso(DateTimeOffset time) => Uri.EscapeDataString(time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));

    public void Dispose() => Directory.Delete(_dataDirectory, recursive: true);
}
