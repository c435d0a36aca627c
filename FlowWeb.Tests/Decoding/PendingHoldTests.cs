using FlowWeb.Core.Decoding;
using FlowWeb.Core.Flows;
using FlowWeb.Tests.Decoding.TestData;
using Microsoft.Extensions.Time.Testing;
using static FlowWeb.Tests.Decoding.TestData.PacketBuilder;

namespace FlowWeb.Tests.Decoding;

/// <summary>Data that arrives before its template is held, released when the template arrives, expired or dropped when the hold is full.</summary>
public sealed class PendingHoldTests
{
    private static readonly FlowAddress Exporter = FlowAddress.Parse("192.0.2.77");

    private static byte[] TemplatePacket(uint seq, uint uptime, uint secs) =>
        V9(seq, uptime, secs, 0, Set(0, Template(300, (8, 4), (12, 4), (2, 4), (1, 4), (22, 4), (21, 4))));

    private static byte[] DataPacket(uint seq, uint uptime, uint secs, uint first, uint last, int records = 1) =>
        V9(seq, uptime, secs, 0, Set(300, [.. Enumerable.Range(0, records).Select(i =>
            Cat(Ip("10.0.0.1"), Ip($"10.0.0.{2 + i}"), U32(3), U32(180), U32(first), U32(last)))]));

    [Fact]
    public void DataBeforeTemplate_IsReleasedWithItsOwnPacketsTimeContext()
    {
        var clock = new FakeTimeProvider(Captures.Now);
        var decoder = new FlowDecoder(null, clock);
        using var batch = new FlowBatch();

        // Data exported at 1700000000 with sysUptime 100000; its flow ran from uptime 90000 to 95000.
        var held = decoder.Decode(Exporter, DataPacket(1, 100_000, 1_700_000_000, 90_000, 95_000, 2), batch);
        Assert.Equal(new DecodeResult(DecodeStatus.TemplateMissing, 9, 0, 0, 0, 1), held);
        Assert.Equal((1, 1), (decoder.PendingSets, decoder.StatisticsOf(Exporter)!.PendingSets));

        // The template comes a minute later from a clock 60 s on: the held records keep their own packet's times.
        clock.Advance(TimeSpan.FromMinutes(1));
        var released = decoder.Decode(Exporter, TemplatePacket(2, 160_000, 1_700_000_060), batch);
        Assert.Equal(new DecodeResult(DecodeStatus.Ok, 9, 2, 0, 1, 0, 2), released);
        Assert.All(batch.Records.ToArray(), r =>
        {
            Assert.True(r.Flags.HasFlag(FlowRecordFlags.WasPending));
            Assert.Equal((3ul, 180ul), (r.Packets, r.Bytes));
            Assert.Equal(1_700_000_000_000 - 10_000, r.StartMs);
            Assert.Equal(1_700_000_000_000 - 5_000, r.EndMs);
        });
        var stats = decoder.StatisticsOf(Exporter)!;
        Assert.Equal((0, 2L, 2L), (decoder.PendingSets, stats.RecordsDecodedFromPending, stats.Flows));
    }

    [Fact]
    public void HeldData_OlderThanPendingLifetime_IsCountedAsPendingExpired()
    {
        var clock = new FakeTimeProvider(Captures.Now);
        var decoder = new FlowDecoder(new DecoderOptions { PendingLifetime = TimeSpan.FromMinutes(5) }, clock);
        using var batch = new FlowBatch();
        decoder.Decode(Exporter, DataPacket(1, 100_000, 1_700_000_000, 90_000, 95_000), batch);

        clock.Advance(TimeSpan.FromMinutes(4));
        decoder.Decode(Exporter, [0, 9], batch); // any datagram runs the housekeeping
        Assert.Equal(1, decoder.PendingSets);

        clock.Advance(TimeSpan.FromMinutes(2));
        batch.Clear();
        var result = decoder.Decode(Exporter, TemplatePacket(2, 460_000, 1_700_000_360), batch);
        Assert.Equal(0, result.RecordsFromPending);
        Assert.Equal(0, batch.Count);
        Assert.Equal(0, decoder.PendingSets);
        Assert.Equal(1, decoder.StatisticsOf(Exporter)!.ErrorCount(DecodeStatus.PendingExpired));
        Assert.Equal("pending_expired", DecodeStatus.PendingExpired.ToLabel());
    }

    [Fact]
    public void HoldPerTemplateFull_DropsTheOldestAndCountsOverflow()
    {
        var decoder = new FlowDecoder(new DecoderOptions { MaxPendingSetsPerTemplate = 2 }, new FakeTimeProvider(Captures.Now));
        using var batch = new FlowBatch();
        for (uint i = 1; i <= 3; i++)
        {
            decoder.Decode(Exporter, DataPacket(i, 100_000 + i, 1_700_000_000, 90_000 + i, 95_000), batch);
        }

        Assert.Equal(2, decoder.PendingSets);
        Assert.Equal(1, decoder.StatisticsOf(Exporter)!.ErrorCount(DecodeStatus.PendingOverflow));

        // The two newest sets are released; the first one (flow start uptime 90001) was dropped.
        var released = decoder.Decode(Exporter, TemplatePacket(4, 100_010, 1_700_000_000), batch);
        Assert.Equal(2, released.RecordsFromPending);
    }

    [Fact]
    public void HoldFull_RefusesNewSetsAndCountsOverflow()
    {
        var decoder = new FlowDecoder(new DecoderOptions { MaxPendingSets = 2 }, new FakeTimeProvider(Captures.Now));
        using var batch = new FlowBatch();
        for (var id = 300; id < 305; id++)
        {
            decoder.Decode(Exporter, V9((uint)id, 1000, 1_700_000_000, 0, Set(id, new byte[24])), batch);
        }

        Assert.Equal(2, decoder.PendingSets);
        Assert.Equal(3, decoder.StatisticsOf(Exporter)!.ErrorCount(DecodeStatus.PendingOverflow));
    }

    [Fact]
    public void HoldDisabled_CountsEverySetAsOverflow()
    {
        var decoder = new FlowDecoder(new DecoderOptions { MaxPendingSets = 0 }, new FakeTimeProvider(Captures.Now));
        using var batch = new FlowBatch();
        var result = decoder.Decode(Exporter, Captures.Read("python-netflow-v9-softflowd/PACKET_V9_WITH_ZEROS.bin"), batch);
        Assert.Equal(DecodeStatus.TemplateMissing, result.Status);
        Assert.Equal(0, decoder.PendingSets);
        Assert.Equal(5, decoder.StatisticsOf(Exporter)!.ErrorCount(DecodeStatus.PendingOverflow));
    }
}
