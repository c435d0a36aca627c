using FlowWeb.Core.Detection;
using FlowWeb.Tests.Web;
using Microsoft.Extensions.DependencyInjection;

namespace FlowWeb.Tests.Detection;

/// <summary>
/// The recorder writes behind a queue, yet whoever adds an action to an ended attack, or flushes, reads the store
/// back with everything queued before: a ban made by hand and removed at once finds its ban (the race that failed CI).
/// </summary>
public sealed class AttackRecorderTests
{
    [Fact]
    public async Task EndedAttack_ActionAppendedThenReadAtOnce_StoredWithTheEndReport()
    {
        using var factory = new FlowWebFactory();
        var recorder = factory.Services.GetRequiredService<AttackRecorder>();
        var now = DateTimeOffset.UtcNow;
        var start = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, now.Second, TimeSpan.Zero).AddMinutes(-2);
        var device = Guid.NewGuid();

        for (var id = 9001L; id <= 9020; id++)
        {
            var ended = new AttackReport
            {
                Id = id, SensorId = Guid.NewGuid(), SensorName = "edge", Victim = "203.0.113.7", Type = AttackType.SynFlood,
                Vector = AttackType.SynFlood, Start = start, DetectedAt = start, LastUpdate = start.AddMinutes(1), End = start.AddMinutes(1),
            };
            recorder.OnAttackEnded(ended);
            var ban = new AttackAction(start.AddMinutes(1), device, "r", "ban", ended.Victim, "/ip/firewall/address-list", $"*{id}", true, "added", true);
            await recorder.AppendActionAsync(id, ban);

            var stored = await recorder.GetAsync(id);
            Assert.NotNull(stored);
            Assert.Equal(ended.End, stored.End);
            Assert.Equal($"*{id}", Assert.Single(stored.Actions).RouterId);
        }

        var last = new AttackReport { Id = 9100, SensorId = Guid.NewGuid(), Victim = "203.0.113.8", Start = start, LastUpdate = start, End = start };
        recorder.OnAttackEnded(last);
        await recorder.FlushAsync();
        Assert.Equal(last.Victim, (await recorder.GetAsync(9100))?.Victim);
        Assert.Equal(0, recorder.Failed + recorder.Dropped);
    }

    /// <summary>
    /// A stop while a batch is being written: the batch is finished, not abandoned (it was taken off the queue, so the
    /// stop's own writing of what is left did not have it). Ended attacks lost that way stayed open in the store until
    /// the next start closed them as orphans, at their last update instead of their end.
    /// </summary>
    [Fact]
    public async Task StopWhileWriting_EveryQueuedEndReportStored()
    {
        using var factory = new FlowWebFactory();
        var recorder = factory.Services.GetRequiredService<AttackRecorder>();
        var start = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()).AddMinutes(-5);
        const int Count = 1000;
        for (var id = 20_001L; id < 20_001 + Count; id++)
        {
            recorder.OnAttackEnded(new AttackReport
            {
                Id = id, SensorId = Guid.NewGuid(), SensorName = "edge", Victim = "203.0.113.9", Type = AttackType.UdpFlood,
                Vector = AttackType.UdpFlood, Start = start, DetectedAt = start, LastUpdate = start.AddMinutes(1), End = start.AddMinutes(1),
            });
        }

        // The queue holds at most 1,024: nothing was dropped, and the writer is working through batches of 256 now.
        Assert.Equal(0, recorder.Dropped);
        await recorder.StopAsync(CancellationToken.None);

        var missing = new List<long>();
        for (var id = 20_001L; id < 20_001 + Count; id++)
        {
            if ((await recorder.GetAsync(id))?.End != start.AddMinutes(1))
            {
                missing.Add(id);
            }
        }

        Assert.True(missing.Count == 0, $"{missing.Count} of {Count} ended attacks not stored with their end, first {string.Join(", ", missing.Take(5))}");
        Assert.Equal(Count, recorder.Written);
    }
}
