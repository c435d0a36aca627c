using System.CommandLine;
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
    public static Command Create(CliConsole console)
    {
        var options = new Option<bool>("--options")
        {
            Description = "Also write options records (sampler tables, system init time, ...) with every element by its IANA name.",
        };
        var exporter = CliOptions.Checked(
            "--exporter", "The exporter address of raw payload files (a pcap's datagrams keep their own source).", "ADDRESS",
            () => FlowAddress.FromIPv4(0), FlowAddress.TryParse, "an IPv4 or IPv6 address");
        var files = new Argument<string[]>("FILE")
        {
            Description = "pcap files (each UDP payload is one export packet) or raw payload files (one packet each), decoded in the order given.",
            Arity = ArgumentArity.OneOrMore,
        };

        // An unknown "--x" would otherwise be taken for a file name and fail later as "cannot read".
        files.Validators.Add(r =>
        {
            foreach (var token in r.Tokens.Where(t => t.Value.StartsWith('-') && t.Value.Length > 1))
            {
                r.AddError($"{token.Value}: unknown option (a file whose name starts with '-' can be given as ./{token.Value})");
            }
        });

        var command = new Command("decode", "Decode NetFlow v1/v5/v9 and IPFIX capture files to JSON lines (one object per data record) with the collector's decoder; a summary goes to standard error. Exit code 0 even when packets were malformed, 2 when a file cannot be read.")
        {
            options,
            exporter,
            files,
        };
        command.SetAction((parse, _) => RunAsync(parse.GetRequiredValue(files), parse.GetValue(options), parse.GetValue(exporter), console));
        return command;
    }

    /// <summary>Decodes <paramref name="files"/> in order with one decoder, writing JSON lines to the console's binary output.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> files, bool includeOptions, FlowAddress rawExporter, CliConsole console)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(console);
        var stderr = console.Error;
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
        var buffered = new BufferedStream(console.OpenBinaryOut(), 1 << 16);
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
