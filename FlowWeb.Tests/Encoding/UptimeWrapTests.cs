using FlowWeb.Core.Encoding;
using FlowWeb.Core.Flows;

namespace FlowWeb.Tests.Encoding;

/// <summary>
/// Exporters up for more than 2^32 ms (49.7 days): the 32-bit sysUpTime elements wrap while the boot time
/// (IE 160) stays put. Only one reading is not in the future of the export time by 49.7 days, so the times
/// must still come back exactly (protocols.md §4.6).
/// </summary>
public sealed class UptimeWrapTests
{
    private const long SixtyDaysMs = 60L * 86_400_000;

    [Fact]
    public void Ros7NetFlowV9_UpSixtyDays_TimesExact()
    {
        var template = RouterOsTemplates.Ros7NetFlowV9IPv4;
        var records = SampleFlows.Create(8, ipv6: false, template, maxAgeMs: 1_800_000);
        var buffer = new byte[1472];
        var packet = new NetFlowV9Encoder { BootTimeMs = SampleFlows.ExportMs - SixtyDaysMs }.Begin(buffer, SampleFlows.ExportMs);
        packet.TryAddTemplates(template);
        packet.AddDataRecords(template, records);
        using var collector = new Collector();

        collector.FeedOk(buffer.AsSpan(0, packet.Finish()));

        RecordAssert.AllSame(records, collector.Records, ["StartMs", "EndMs"]);
    }

    [Fact]
    public void Ros7Ipfix_UpSixtyDaysWithSystemInitInRecord_TimesExact()
    {
        var template = RouterOsTemplates.Ros7IpfixIPv4;
        var records = SampleFlows.Create(8, ipv6: false, template, maxAgeMs: 1_800_000);
        var buffer = new byte[1472];
        var message = new IpfixEncoder { BootTimeMs = SampleFlows.ExportMs - SixtyDaysMs }.Begin(buffer, SampleFlows.ExportMs);
        message.TryAddTemplates(template);
        message.AddDataRecords(template, records);
        using var collector = new Collector();

        collector.FeedOk(buffer.AsSpan(0, message.Finish()));

        var decoded = collector.Records;
        Assert.All(decoded, r => Assert.Equal(FlowTimeSource.SystemInitInRecord, r.TimeSource));
        RecordAssert.AllSame(records, decoded, ["StartMs", "EndMs"]);
    }

    [Fact]
    public void Ros6IpfixWithSystemInitOptions_UpSixtyDays_TimesExact()
    {
        var template = RouterOsTemplates.Ros6IpfixIPv4;
        var options = OptionsTemplates.IpfixSystemInit(512);
        var boot = SampleFlows.ExportMs - SixtyDaysMs;
        var records = SampleFlows.Create(8, ipv6: false, template, maxAgeMs: 1_800_000);
        var buffer = new byte[1472];
        var message = new IpfixEncoder { BootTimeMs = boot }.Begin(buffer, SampleFlows.ExportMs);
        message.TryAddTemplates(template, options);
        message.AddOptionsRecords(options, OptionsTemplates.SystemInitRecord(boot));
        message.AddDataRecords(template, records);
        using var collector = new Collector();

        collector.FeedOk(buffer.AsSpan(0, message.Finish()));

        var decoded = collector.Records;
        Assert.All(decoded, r => Assert.Equal(FlowTimeSource.SystemInitFromOptions, r.TimeSource));
        RecordAssert.AllSame(records, decoded, ["StartMs", "EndMs"]);
    }
}
