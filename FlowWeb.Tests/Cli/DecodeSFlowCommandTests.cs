using System.Text.Json;

namespace FlowWeb.Tests.Cli;

/// <summary><c>decode</c> over the sFlow captures: one object per flow sample with tshark's values, counters with <c>--options</c>.</summary>
public sealed class DecodeSFlowCommandTests
{
    private static string Path10g => Path.Combine(AppContext.BaseDirectory, "TestData", "captures", "sflow", "switch-10g-2021.pcap");

    private static async Task<(int Exit, List<JsonElement> Lines, string Summary)> RunAsync(params string[] args)
    {
        var run = await CliRun.RunAsync(["decode", .. args]);
        var (exit, lines) = (run.Exit, run.BinaryText.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        return (exit, lines.Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList(), run.Error);
    }

    [Fact]
    public async Task Decode_SFlowPcap_WritesOneObjectPerFlowSampleWithTsharksValues()
    {
        var (exit, lines, summary) = await RunAsync(Path10g);
        var expected = File.ReadLines(Path.Combine(AppContext.BaseDirectory, "TestData", "expected", "sflow-switch-10g-2021.jsonl"))
            .Select(l => JsonDocument.Parse(l).RootElement.Clone())
            .Where(e => e.GetProperty("sampleType").GetString() == "flow")
            .ToList();

        Assert.Equal(0, exit);
        Assert.Equal(123, lines.Count);
        Assert.All(lines, l => Assert.Equal("sflow", l.GetProperty("format").GetString()));
        for (var i = 0; i < lines.Count; i++)
        {
            var got = lines[i];
            var want = expected[i];
            Assert.Equal(want.GetProperty("agent").GetString(), got.GetProperty("exporter").GetString());
            foreach (var key in new[] { "datagramSeq", "sampleSeq", "samplingRate", "inIf", "outIf", "frameLength", "vlan", "protocol", "tos" })
            {
                // A non-IP frame has no protocol or ToS, in tshark's lines as in FlowWeb's.
                Assert.Equal(want.TryGetProperty(key, out var value), got.TryGetProperty(key, out var mine));
                if (value.ValueKind == JsonValueKind.Number)
                {
                    Assert.Equal(value.GetInt64(), mine.GetInt64());
                }
            }

            foreach (var key in new[] { "srcMac", "dstMac", "srcAddr", "dstAddr" })
            {
                if (want.TryGetProperty(key, out var value))
                {
                    Assert.Equal(value.GetString(), got.GetProperty(key).GetString());
                }
            }

            if (want.TryGetProperty("tcpFlags", out var flags) && want.GetProperty("protocol").GetInt32() == 6)
            {
                Assert.Equal(flags.GetInt32(), got.GetProperty("tcpFlags").GetInt32());
                Assert.Equal(want.GetProperty("srcPort").GetInt32(), got.GetProperty("srcPort").GetInt32());
                Assert.Equal(want.GetProperty("dstPort").GetInt32(), got.GetProperty("dstPort").GetInt32());
            }
        }

        Assert.Contains("sflow samples: 123 flow, 6 counters (counters not written; use --options)", summary, StringComparison.Ordinal);
        Assert.Contains("statuses: ok 17", summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decode_SFlowPcapWithOptions_AddsCountersSamplesInDatagramOrder()
    {
        var (exit, lines, _) = await RunAsync("--options", Path10g);

        Assert.Equal(0, exit);
        Assert.Equal(129, lines.Count);
        var counters = lines.Where(l => l.GetProperty("format").GetString() == "sflow-counters").ToList();
        Assert.Equal(6, counters.Count);
        Assert.Equal("sflow-counters", lines[1].GetProperty("format").GetString());
        Assert.All(counters, c => Assert.Equal(1002, c.GetProperty("ifIndex").GetInt32()));
        Assert.Equal(10_000_000_000, counters[0].GetProperty("ifSpeed").GetInt64());
        Assert.Equal(265285617373779, counters[0].GetProperty("ifInOctets").GetInt64());
        Assert.Equal(377970361267028, counters[0].GetProperty("ifOutOctets").GetInt64());
    }
}
