using System.Globalization;

namespace FlowWeb.Tests.Benchmarks;

/// <summary>
/// The highest rate the server receives without loss, found as <c>../shared/bench/flowbench.py</c> finds it: rates
/// doubled from one known to pass until one fails, then bisected to within 5 %. A probe passes when the sender kept
/// its rate, at most 0.1 % of the flows went missing, the kernel dropped none, and the server's socket queues were
/// empty within a second of the sender stopping (a big buffer must not hide a rate that is not sustained).
/// </summary>
internal static class LossFreeSearch
{
    /// <summary>One probe: the rate asked for, what was offered and received, why it failed (null: it passed).</summary>
    public sealed record Probe(int Rate, double OfferedPerSecond, long Offered, long Received, string? Failure);

    /// <summary>
    /// The highest rate that passed; <see cref="SenderLimited"/> when the search stopped because the sender could
    /// not offer the next rate (the server's own limit is then higher than <see cref="Rate"/>).
    /// </summary>
    public sealed record Result(int Rate, bool SenderLimited, IReadOnlyList<Probe> Probes)
    {
        public string Describe() => string.Create(CultureInfo.InvariantCulture,
            $"{Rate:N0} flows/s{(SenderLimited ? " (at least: the sender could not offer more)" : "")}; probes {string.Join(", ", Probes.Select(p => $"{p.Rate / 1000:N0}k {(p.Failure is null ? "pass" : p.Failure)}"))}");
    }

    private const double Precision = 1.05;
    private const int MaxProbes = 10;
    private const double MaxLoss = 0.001;

    /// <param name="knownGood">A rate expected to pass (the search starts by doubling it).</param>
    /// <param name="ceiling">No rate above this is tried (a bound on the sender's work).</param>
    public static async Task<Result> RunAsync(BenchServer server, BenchLoad load, int port, int knownGood, int ceiling, TimeSpan probeLength, string label)
    {
        var probes = new List<Probe>();
        int good = 0, bad = 0;
        var senderLimited = false;
        var senderCeiling = false;
        var rate = knownGood;
        while (probes.Count < MaxProbes)
        {
            var probe = await ProbeAsync(server, load, port, rate, probeLength);
            probes.Add(probe);
            Progress.Log($"loss-free search, {label}: {rate:N0} flows/s offered {probe.OfferedPerSecond:N0}, received {probe.Received:N0} of {probe.Offered:N0}: {probe.Failure ?? "pass"}");
            if (probe.Failure == SenderBehind)
            {
                // The sender's own limit: the highest rate it reached (less a margin) becomes the ceiling.
                var reachable = (int)(probe.OfferedPerSecond * 0.95);
                if (reachable <= good)
                {
                    senderLimited = true;
                    break;
                }

                ceiling = reachable;
                senderCeiling = true;
                rate = reachable;
                await Task.Delay(TimeSpan.FromSeconds(2));
                continue;
            }

            if (probe.Failure is null)
            {
                good = rate;
            }
            else
            {
                bad = rate;
            }

            if (bad == 0)
            {
                if (rate >= ceiling)
                {
                    senderLimited = senderCeiling;
                    break;
                }

                rate = Math.Min(ceiling, rate * 2);
            }
            else if (good == 0)
            {
                rate /= 2;
                if (rate < 1_000)
                {
                    break;
                }
            }
            else if ((double)bad / good <= Precision)
            {
                break;
            }
            else
            {
                rate = (good + bad) / 2;
            }

            // The server drains what is left before the next probe starts.
            await Task.Delay(TimeSpan.FromSeconds(2));
        }

        return new Result(good, senderLimited, probes);
    }

    private const string SenderBehind = "sender behind";

    private static async Task<Probe> ProbeAsync(BenchServer server, BenchLoad load, int port, int rate, TimeSpan length)
    {
        var before = await server.MetricsAsync();
        var (offered, seconds) = await load.RunAsync(rate, length, CancellationToken.None);
        var offeredPerSecond = offered / seconds;

        // Sustained: the socket queues empty within a second of the sender stopping.
        var queued = ProcFs.UdpReceiveQueueBytes(port);
        for (var i = 0; i < 10 && queued > 0; i++)
        {
            await Task.Delay(100);
            queued = ProcFs.UdpReceiveQueueBytes(port);
        }

        // The counts reach /metrics with the next published frame (once a second).
        var after = await server.MetricsAsync();
        for (var i = 0; i < 30 && Received(after, before) < offered; i++)
        {
            await Task.Delay(100);
            after = await server.MetricsAsync();
        }

        var received = Received(after, before);
        var kernelDrops = after.GetValueOrDefault(KernelDrops) - before.GetValueOrDefault(KernelDrops);
        string? failure = offeredPerSecond < rate * 0.95 ? SenderBehind
            : kernelDrops > 0 ? string.Create(CultureInfo.InvariantCulture, $"{kernelDrops:N0} kernel drops")
            : offered - received > offered * MaxLoss ? string.Create(CultureInfo.InvariantCulture, $"{(double)(offered - received) / offered:P1} lost")
            : queued > 0 ? string.Create(CultureInfo.InvariantCulture, $"{queued:N0} bytes still queued 1 s after the sender stopped")
            : null;
        return new Probe(rate, offeredPerSecond, offered, received, failure);
    }

    private const string KernelDrops = "flowweb_dropped_total{stage=\"kernel\"}";

    /// <summary>Flows the sensors accepted between two reads of /metrics.</summary>
    public static long Received(Dictionary<string, double> after, Dictionary<string, double> before) =>
        (long)(after.GetValueOrDefault("flowweb_sensor_flows_total{*}") - before.GetValueOrDefault("flowweb_sensor_flows_total{*}"));
}
