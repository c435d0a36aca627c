using FlowWeb.Core.Decoding;
using FlowWeb.Core.Decoding.Templates;
using FlowWeb.Core.Flows;
using FlowWeb.Tests.Decoding.TestData;
using Microsoft.Extensions.Time.Testing;
using static FlowWeb.Tests.Decoding.TestData.PacketBuilder;

namespace FlowWeb.Tests.Decoding;

/// <summary>Templates are bounded per exporter and in total, expire, can be withdrawn and survive a restart.</summary>
public sealed class TemplateCacheTests
{
    private static readonly FlowAddress A = FlowAddress.Parse("192.0.2.1");
    private static readonly FlowAddress B = FlowAddress.Parse("192.0.2.2");
    private static readonly FlowTemplate V4 = new(256, [new(8, 4), new(12, 4), new(1, 4)]);
    private static readonly FlowTemplate V4Longer = new(256, [new(8, 4), new(12, 4), new(1, 8)]);

    private static (TemplateCache Cache, FakeTimeProvider Clock) NewCache(DecoderOptions? options = null)
    {
        var clock = new FakeTimeProvider(Captures.Now);
        return (new TemplateCache(options ?? new DecoderOptions(), clock), clock);
    }

    [Fact]
    public void AddOrUpdate_SameLayoutRefreshes_DifferentLayoutReplacesAtOnce()
    {
        var (cache, _) = NewCache();
        var key = new TemplateKey(A, 9, 0, 256);
        Assert.Equal(TemplateCache.AddOutcome.Added, cache.AddOrUpdate(key, V4));
        Assert.Equal(TemplateCache.AddOutcome.Refreshed, cache.AddOrUpdate(key, new FlowTemplate(256, [new(8, 4), new(12, 4), new(1, 4)])));
        Assert.Equal(TemplateCache.AddOutcome.Replaced, cache.AddOrUpdate(key, V4Longer));
        Assert.True(cache.TryGet(key, out var t));
        Assert.Same(V4Longer, t);
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void AddOrUpdate_KeyIncludesExporterVersionDomainAndId()
    {
        var (cache, _) = NewCache();
        cache.AddOrUpdate(new(A, 9, 0, 256), V4);
        Assert.False(cache.TryGet(new(B, 9, 0, 256), out _));
        Assert.False(cache.TryGet(new(A, 10, 0, 256), out _));
        Assert.False(cache.TryGet(new(A, 9, 1, 256), out _));
        Assert.False(cache.TryGet(new(A, 9, 0, 257), out _));
    }

    [Fact]
    public void AddOrUpdate_PerExporterCap_RefusesOnlyThatExporter()
    {
        var (cache, _) = NewCache(new DecoderOptions { MaxTemplatesPerExporter = 3, MaxTemplates = 100 });
        for (ushort id = 256; id < 259; id++)
        {
            Assert.Equal(TemplateCache.AddOutcome.Added, cache.AddOrUpdate(new(A, 9, 0, id), V4));
        }

        Assert.Equal(TemplateCache.AddOutcome.Refused, cache.AddOrUpdate(new(A, 9, 0, 300), V4));
        Assert.Equal(TemplateCache.AddOutcome.Refreshed, cache.AddOrUpdate(new(A, 9, 0, 256), V4));
        Assert.Equal(TemplateCache.AddOutcome.Added, cache.AddOrUpdate(new(B, 9, 0, 300), V4));
        Assert.Equal((1L, 3, 1), (cache.Refused, cache.CountFor(A), cache.CountFor(B)));
    }

    [Fact]
    public void AddOrUpdate_TotalCap_Refuses()
    {
        var (cache, _) = NewCache(new DecoderOptions { MaxTemplatesPerExporter = 2, MaxTemplates = 3 });
        cache.AddOrUpdate(new(A, 9, 0, 256), V4);
        cache.AddOrUpdate(new(A, 9, 0, 257), V4);
        cache.AddOrUpdate(new(B, 9, 0, 256), V4);
        Assert.Equal(TemplateCache.AddOutcome.RefusedTotal, cache.AddOrUpdate(new(B, 9, 0, 257), V4));
        Assert.Equal((3, 1L), (cache.Count, cache.Refused));
    }

    [Fact]
    public void Decoder_TemplateBeyondCap_ReportsTemplateLimit()
    {
        var decoder = new FlowDecoder(new DecoderOptions { MaxTemplatesPerExporter = 1, MaxTemplates = 10 }, new FakeTimeProvider(Captures.Now));
        using var batch = new FlowBatch();
        var packet = V9(1, 1000, 1_700_000_000, 0, Set(0, Template(256, (8, 4)), Template(257, (12, 4))));
        var result = decoder.Decode(A, packet, batch);
        Assert.Equal(DecodeStatus.TemplateLimit, result.Status);
        Assert.Equal(1, decoder.Templates.CountFor(A));
        Assert.Equal(1, decoder.StatisticsOf(A)!.ErrorCount(DecodeStatus.TemplateLimit));
    }

    [Fact]
    public void Sweep_TemplateNotRefreshedWithinLifetime_IsForgotten()
    {
        var (cache, clock) = NewCache(new DecoderOptions { TemplateLifetime = TimeSpan.FromMinutes(30) });
        var stale = new TemplateKey(A, 9, 0, 256);
        var fresh = new TemplateKey(A, 9, 0, 257);
        cache.AddOrUpdate(stale, V4);
        cache.AddOrUpdate(fresh, V4);

        clock.Advance(TimeSpan.FromMinutes(20));
        cache.AddOrUpdate(fresh, V4);
        clock.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal(1, cache.Sweep());

        Assert.False(cache.TryGet(stale, out _));
        Assert.True(cache.TryGet(fresh, out _));
        Assert.Equal((1L, 1), (cache.Expired, cache.CountFor(A)));
    }

    [Fact]
    public void Decoder_IpfixWithdrawal_RemovesOneTemplateOrAllDataTemplates()
    {
        var decoder = Captures.NewDecoder();
        using var batch = new FlowBatch();
        var learn = Ipfix(1_700_000_000, 0, 7,
            Set(2, Template(256, (8, 4)), Template(257, (12, 4)), Template(258, (1, 4))),
            Set(3, Cat(U16(300), U16(2), U16(1), U16(149), U16(4), U16(34), U16(4))));
        decoder.Decode(A, learn, batch);
        Assert.Equal(4, decoder.Templates.CountFor(A));

        // RFC 7011 §8.1: field count 0 withdraws template 256; template id 2 with count 0 withdraws all data templates.
        decoder.Decode(A, Ipfix(1_700_000_001, 0, 7, Set(2, Cat(U16(256), U16(0)))), batch);
        Assert.False(decoder.Templates.TryGet(new(A, 10, 7, 256), out _));
        Assert.True(decoder.Templates.TryGet(new(A, 10, 7, 257), out _));

        decoder.Decode(A, Ipfix(1_700_000_002, 0, 7, Set(2, Cat(U16(2), U16(0)))), batch);
        Assert.False(decoder.Templates.TryGet(new(A, 10, 7, 257), out _));
        Assert.True(decoder.Templates.TryGet(new(A, 10, 7, 300), out _));
        Assert.Equal(1, decoder.Templates.CountFor(A));
    }

    [Fact]
    public void SnapshotRestore_CarriesTemplatesAcrossARestart_SkippingStaleOnes()
    {
        var (before, clock) = NewCache(new DecoderOptions { TemplateLifetime = TimeSpan.FromMinutes(30) });
        before.AddOrUpdate(new(A, 9, 0, 256), V4);
        clock.Advance(TimeSpan.FromMinutes(25));
        before.AddOrUpdate(new(A, 9, 0, 257), V4Longer);
        var snapshot = before.Snapshot();
        Assert.Equal(2, snapshot.Count);

        // The collector restarts ten minutes later: 256 (35 min old) has expired, 257 (10 min) has not.
        clock.Advance(TimeSpan.FromMinutes(10));
        var after = new TemplateCache(new DecoderOptions { TemplateLifetime = TimeSpan.FromMinutes(30) }, clock);
        Assert.Equal(1, after.Restore(snapshot));
        Assert.False(after.TryGet(new(A, 9, 0, 256), out _));
        Assert.True(after.TryGet(new(A, 9, 0, 257), out var t));
        Assert.True(t.SameLayoutAs(V4Longer));
    }

    [Fact]
    public void Restore_IntoADecoder_DecodesDataWithoutWaitingForTheTemplate()
    {
        var first = Captures.NewDecoder();
        using var batch = new FlowBatch();
        var template = Captures.Read("python-netflow-v9-softflowd/PACKET_V9_TEMPLATE.bin");
        var data = Captures.Read("python-netflow-v9-softflowd/PACKETS_V9_0.bin");
        first.Decode(A, template, batch);

        var second = Captures.NewDecoder();
        Assert.Equal(2, second.Templates.Restore(first.Templates.Snapshot()));
        batch.Clear();
        var result = second.Decode(A, data, batch);
        Assert.Equal(new DecodeResult(DecodeStatus.Ok, 9, 12), result);
    }

    [Fact]
    public void Restore_BeyondCaps_IsRefused()
    {
        var (source, clock) = NewCache();
        for (ushort id = 256; id < 261; id++)
        {
            source.AddOrUpdate(new(A, 9, 0, id), V4);
        }

        var target = new TemplateCache(new DecoderOptions { MaxTemplatesPerExporter = 3, MaxTemplates = 10 }, clock);
        Assert.Equal(3, target.Restore(source.Snapshot()));
        Assert.Equal(2, target.Refused);
    }
}
