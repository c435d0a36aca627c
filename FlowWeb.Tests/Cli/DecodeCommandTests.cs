using System.Text.Json;

namespace FlowWeb.Tests.Cli;

public sealed class DecodeCommandTests
{
    private static string Capture(string group, string file) => Path.Combine(AppContext.BaseDirectory, "TestData", "captures", group, file);

    private static async Task<(int Exit, List<JsonElement> Records, string Summary)> RunAsync(params string[] args)
    {
        var run = await CliRun.RunAsync(["decode", .. args]);
        var lines = run.BinaryText.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return (run.Exit, lines.Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList(), run.Error);
    }

    [Fact]
    public async Task Decode_MikroTikIpfixTrio_WritesEveryRecordWithTheRequiredKeys()
    {
        var (exit, records, summary) = await RunAsync(
            Capture("logstash-codec-netflow", "ipfix_test_mikrotik_tpl.dat"),
            Capture("logstash-codec-netflow", "ipfix_test_mikrotik_data258.dat"),
            Capture("logstash-codec-netflow", "ipfix_test_mikrotik_data259.dat"));

        Assert.Equal(0, exit);
        Assert.Equal(46, records.Count);
        var first = records[0];
        Assert.Equal("0.0.0.0", first.GetProperty("exporter").GetString());
        Assert.Equal(10, first.GetProperty("version").GetInt32());
        Assert.Equal(0u, first.GetProperty("domain").GetUInt32());
        Assert.Equal(258, first.GetProperty("templateId").GetInt32());
        Assert.Equal("10.10.8.197", first.GetProperty("srcAddr").GetString());
        Assert.Equal("192.168.128.17", first.GetProperty("dstAddr").GetString());
        Assert.Equal(123, first.GetProperty("srcPort").GetInt32());
        Assert.Equal(17, first.GetProperty("protocol").GetInt32());
        Assert.Equal(152, first.GetProperty("bytes").GetInt64());
        Assert.Equal(2, first.GetProperty("packets").GetInt64());
        Assert.Equal(13, first.GetProperty("inIf").GetInt64());
        Assert.Equal(7, first.GetProperty("outIf").GetInt64());
        Assert.Equal("192.168.224.1", first.GetProperty("nextHop").GetString());
        Assert.Equal("192.168.230.216", first.GetProperty("postNatSrcAddr").GetString());
        Assert.Equal("192.168.128.17", first.GetProperty("postNatDstAddr").GetString());
        Assert.Equal(1, first.GetProperty("samplingRate").GetInt32());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", first.GetProperty("start").GetString());

        // Template 258 carries no AS numbers, masks or NAT ports: keys appear only where known.
        Assert.False(first.TryGetProperty("srcAs", out _));
        Assert.False(first.TryGetProperty("postNatSrcPort", out _));

        var last = records[^1];
        Assert.Equal("fe80::ff:fe00:1201", last.GetProperty("srcAddr").GetString());
        Assert.Equal("ff02::1", last.GetProperty("nextHop").GetString());
        Assert.Equal(370, last.GetProperty("bytes").GetInt64());
        Assert.Contains("packets: 3", summary, StringComparison.Ordinal);
        Assert.Contains("records: 46", summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decode_PcapFile_UsesEachDatagramsSourceAddressAsExporter()
    {
        var (exit, records, _) = await RunAsync(Capture("graylog-plugin-netflow", "netflow5.pcap"));

        Assert.Equal(0, exit);
        Assert.Equal(4, records.Count);
        Assert.All(records, r => Assert.Equal(5, r.GetProperty("version").GetInt32()));
        Assert.Equal("192.168.1.100", records[0].GetProperty("srcAddr").GetString());
        Assert.Equal(2048, records[0].GetProperty("dstPort").GetInt32());
        Assert.Equal(100, records[0].GetProperty("samplingRate").GetInt32());
        Assert.NotEqual("0.0.0.0", records[0].GetProperty("exporter").GetString());
    }

    [Fact]
    public async Task Decode_SoftflowdV5WithWrappedFirstSwitched_StartsOneMillisecondBeforeBoot()
    {
        var (_, records, _) = await RunAsync(Capture("logstash-codec-netflow", "netflow5.dat"));

        // sysUptime 3381, FIRST = 0xFFFFFFFF: 3382 ms before export (1430591888.280), not 49.7 days later.
        Assert.Equal("2015-05-02T18:38:04.898Z", records[0].GetProperty("start").GetString());
        Assert.Equal("2015-05-02T18:38:07.476Z", records[0].GetProperty("end").GetString());
    }

    [Fact]
    public async Task Decode_OptionsFlag_WritesOptionsRecordsByElementName()
    {
        var without = await RunAsync(Capture("logstash-codec-netflow", "ipfix.dat"));
        var with = await RunAsync("--options", Capture("logstash-codec-netflow", "ipfix.dat"));

        Assert.DoesNotContain(without.Records, r => r.TryGetProperty("options", out _));
        var options = Assert.Single(with.Records, r => r.TryGetProperty("options", out _));
        Assert.Equal(1431516013506, options.GetProperty("systemInitTimeMilliseconds").GetInt64());
        Assert.Equal(2679, options.GetProperty("meteringProcessId").GetInt64());
        Assert.Equal(without.Records.Count + 1, with.Records.Count);
    }

    [Fact]
    public async Task Decode_MalformedPacket_ExitsZeroAndReportsTheStatus()
    {
        var (exit, records, summary) = await RunAsync(Capture("logstash-codec-netflow", "netflow5_test_invalid01.dat"));

        Assert.Equal(0, exit);
        Assert.Empty(records);
        Assert.Contains("bad_record_count 1", summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decode_MissingFile_ExitsTwoNamingIt()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"flowweb-missing-{Guid.NewGuid():N}.pcap");

        var run = await CliRun.RunAsync("decode", missing);

        Assert.Equal(2, run.Exit);
        Assert.Contains(missing, run.Error, StringComparison.Ordinal);
        Assert.Empty(run.BinaryOut);
    }
}
