using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using FlowWeb.Core.Decoding;
using FlowWeb.Core.Flows;

namespace FlowWeb.Cli.Benchmarks;

/// <summary>
/// <c>bench decode [--seconds N]</c>: decodes prepared datagrams in a loop on one thread and prints records per
/// second and bytes allocated per packet for each version. Templates are learned before timing starts, so the
/// numbers are for the steady state of a collector.
/// </summary>
internal static class DecodeBenchmark
{
    public static Command Create(CliConsole console)
    {
        var seconds = CliOptions.Seconds("--seconds", "Seconds timed per case", 3, 60);
        var command = new Command("decode", "Records/s per core and bytes allocated per packet for v5, v9 and IPFIX in RouterOS shapes, templates learned first.")
        {
            seconds,
        };
        command.SetAction(parse => Run(parse.GetValue(seconds), console.Out));
        return command;
    }

    public static int Run(double seconds, TextWriter stdout)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        stdout.WriteLine($"decode benchmark: one thread, {seconds:0.#} s per case, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        stdout.WriteLine($"{"case",-34} {"records/s",14} {"packets/s",12} {"rec/pkt",8} {"alloc B/pkt",12}");
        foreach (var workload in DecodeWorkloads.All())
        {
            var result = Measure(workload, TimeSpan.FromSeconds(seconds));
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{workload.Name,-34} {result.RecordsPerSecond,14:N0} {result.PacketsPerSecond,12:N0} {result.RecordsPerPacket,8:0.0} {result.AllocatedBytesPerPacket,12:0.00}"));
        }

        return 0;
    }

    private readonly record struct Result(double RecordsPerSecond, double PacketsPerSecond, double RecordsPerPacket, double AllocatedBytesPerPacket);

    private static Result Measure(DecodeWorkload workload, TimeSpan duration)
    {
        var decoder = new FlowDecoder();

        // As the collector's receive loops decode: no copy of the data sets' bytes (only the decode tool keeps them).
        using var batch = new FlowBatch { KeepRawBytes = false };
        var exporter = FlowAddress.FromIPv4(0x7F000001);
        foreach (var packet in workload.Warmup)
        {
            batch.Clear();
            decoder.Decode(exporter, packet, batch);
        }

        // Warm the JIT and the batch's arrays before measuring.
        RunFor(decoder, batch, exporter, workload.Packets, TimeSpan.FromMilliseconds(300));

        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var (packets, records, elapsed) = RunFor(decoder, batch, exporter, workload.Packets, duration);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        return new Result(records / elapsed.TotalSeconds, packets / elapsed.TotalSeconds, (double)records / packets, (double)allocated / packets);
    }

    private static (long Packets, long Records, TimeSpan Elapsed) RunFor(FlowDecoder decoder, FlowBatch batch, FlowAddress exporter, byte[][] packets, TimeSpan duration)
    {
        long sent = 0;
        long records = 0;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < duration)
        {
            // Check the clock every 1024 packets so that reading it does not dominate.
            for (var i = 0; i < 1024; i++)
            {
                batch.Clear();
                records += decoder.Decode(exporter, packets[(int)(sent++ % packets.Length)], batch).Records;
            }
        }

        return (sent, records, watch.Elapsed);
    }
}

/// <summary>Datagrams to decode: template packets to learn first, then the data packets timed in a loop.</summary>
internal sealed record DecodeWorkload(string Name, byte[][] Warmup, byte[][] Packets);
