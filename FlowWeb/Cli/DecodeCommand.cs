using System.Text.Json;
using FlowWeb.Core.Capture;
using FlowWeb.Core.Decoding;
using FlowWeb.Core.Decoding.SFlow;
using FlowWeb.Core.Flows;

namespace FlowWeb.Cli;

/// <summary>
/// <c>decode [--options] [--exporter ADDRESS] FILE...</c>: decodes pcap files (each UDP payload is one export
/// packet from its IP source address) and raw payload files (one packet each, in the order given, all from one
/// exporter, 0.0.0.0 unless <c>--exporter</c> says otherwise) with one decoder, so templates carry from file to
/// file. Writes one JSON object per data record (per sample for sFlow) to standard output, in packet order, and a summary to standard
/// error. Exit code 0 even when packets were malformed; 2 when a file cannot be read or the arguments are wrong.
/// </summary>
public static class DecodeCommand
{
    public const string Usage = "usage: decode [--options] [--exporter ADDRESS] FILE...";

    public static async Task<int> RunAsync(string[] args, Stream stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stderr);
        var includeOptions = false;
        var rawExporter = FlowAddress.FromIPv4(0);
        var files = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--options":
                    includeOptions = true;
                    break;
                case "--exporter" when i + 1 < args.Length && FlowAddress.TryParse(args[i + 1], out var exporter):
                    rawExporter = exporter;
                    i++;
                    break;
                case var a when a.StartsWith("--", StringComparison.Ordinal):
                    await stderr.WriteLineAsync($"decode: unknown or incomplete option '{a}'. {Usage}").ConfigureAwait(false);
                    return 2;
                default:
                    files.Add(args[i]);
                    break;
            }
        }

        if (files.Count == 0)
        {
            await stderr.WriteLineAsync($"decode: no file given. {Usage}").ConfigureAwait(false);
            return 2;
        }

        var contents = new List<(string Path, byte[] Bytes)>();
        foreach (var file in files)
        {
            try
            {
                contents.Add((file, await File.ReadAllBytesAsync(file).ConfigureAwait(false)));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                await stderr.WriteLineAsync($"decode: cannot read '{file}': {e.Message}").ConfigureAwait(false);
                return 2;
            }
        }

        using var run = new DecodeRun(includeOptions);
        var buffered = new BufferedStream(stdout, 1 << 16);
        await using (buffered.ConfigureAwait(false))
        await using (var json = new Utf8JsonWriter(buffered))
        {
            run.WriteSFlowTo(json, buffered);
            foreach (var (path, bytes) in contents)
            {
                if (PcapReader.LooksLikeCapture(bytes))
                {
                    IReadOnlyList<CapturedDatagram> datagrams;
                    try
                    {
                        datagrams = PcapReader.Read(bytes, out var summary);
                        run.NoteCapture(path, summary);
                    }
                    catch (InvalidDataException e)
                    {
                        await stderr.WriteLineAsync($"decode: cannot read '{path}': {e.Message}").ConfigureAwait(false);
                        return 2;
                    }

                    foreach (var d in datagrams)
                    {
                        run.Decode(d.Source, d.Payload, json, buffered);
                    }
                }
                else
                {
                    run.Decode(rawExporter, bytes, json, buffered);
                }

            }

            await buffered.FlushAsync().ConfigureAwait(false);
        }

        await stderr.WriteAsync(run.Summary()).ConfigureAwait(false);
        return 0;
    }

    /// <summary>The state of one decode run: one decoder, one reused batch, the counts for the summary.</summary>
    private sealed class DecodeRun(bool includeOptions) : IDisposable
    {
        private static readonly byte[] NewLine = "\n"u8.ToArray();
        private readonly FlowDecoder _decoder = new();
        private readonly FlowBatch _batch = new() { IncludeOptions = includeOptions };
        private readonly Dictionary<DecodeStatus, int> _statuses = [];
        private readonly List<string> _captureNotes = [];
        private long _packets;
        private long _records;
        private long _options;

        public void NoteCapture(string path, CaptureSummary summary)
        {
            if (summary.Skipped > 0 || summary.Truncated)
            {
                _captureNotes.Add($"{path}: {summary.Frames} frames, {summary.Skipped} not UDP/IP{(summary.Truncated ? ", file truncated" : "")}");
            }
        }

        private SFlowJsonLines? _sflow;

        /// <summary>sFlow samples are written as the decoder meets them (flow samples always, counters with --options).</summary>
        public void WriteSFlowTo(Utf8JsonWriter json, Stream output)
        {
            _sflow = new SFlowJsonLines(json, output, includeOptions);
            _decoder.SFlowSink = _sflow;
        }

        public void Decode(FlowAddress exporter, ReadOnlySpan<byte> payload, Utf8JsonWriter json, Stream output)
        {
            _batch.Clear();
            var result = _decoder.Decode(exporter, payload, _batch);
            _packets++;
            _statuses[result.Status] = _statuses.GetValueOrDefault(result.Status) + 1;
            var records = _batch.Records;
            for (var i = 0; i < records.Length; i++)
            {
                if (records[i].Version == SFlowDatagram.Version)
                {
                    continue; // written by the sFlow sink, one object per sample
                }

                if (records[i].IsOptions)
                {
                    _options++;
                    FlowRecordJson.WriteOptionsRecord(json, _batch, records[i]);
                }
                else
                {
                    _records++;
                    FlowRecordJson.WriteDataRecord(json, _batch, records[i]);
                }

                json.Flush();
                output.Write(NewLine);
                json.Reset(output);
            }
        }

        public string Summary()
        {
            var lines = new List<string>
            {
                $"packets: {_packets}",
                $"records: {_records}",
                $"sflow samples: {_sflow?.FlowSamples ?? 0} flow, {_sflow?.CountersSamples ?? 0} counters{(includeOptions || _sflow is not { CountersSamples: > 0 } ? "" : " (counters not written; use --options)")}",
                $"options records: {_options}{(includeOptions ? "" : " (not written; use --options)")}",
                "statuses: " + string.Join(", ", _statuses.OrderBy(s => s.Key).Select(s => $"{s.Key.ToLabel()} {s.Value}")),
                $"templates known: {_decoder.Templates.Count}",
                $"data sets still waiting for a template: {_decoder.PendingSets}",
            };
            lines.AddRange(_captureNotes);
            return string.Join('\n', lines) + "\n";
        }

        public void Dispose() => _batch.Dispose();
    }
}
