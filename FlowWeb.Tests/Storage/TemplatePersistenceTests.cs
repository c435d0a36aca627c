using FlowWeb.Core.Decoding;
using FlowWeb.Core.Decoding.Templates;
using FlowWeb.Core.Encoding;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Storage;
using FlowWeb.Tests.Encoding;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace FlowWeb.Tests.Storage;

public sealed class TemplatePersistenceTests
{
    private static readonly FlowAddress Exporter = FlowAddress.Parse("192.0.2.10");

    [Fact]
    public async Task Restore_IntoFreshDecoder_DataOnlyV9DatagramDecodes()
    {
        using var database = await TestDatabase.CreateAsync();
        var persistence = new TemplatePersistence(database.Connections, database.Contexts);
        var (withTemplates, dataOnly, expected) = RouterOsDatagrams();
        var before = new FlowDecoder();
        using (var batch = new FlowBatch())
        {
            Assert.Equal(DecodeStatus.Ok, before.Decode(Exporter, withTemplates, batch).Status);
        }

        var saved = await persistence.SaveAsync(before.Templates.Snapshot());
        var after = new FlowDecoder();
        var restored = await persistence.RestoreAsync(after.Templates);
        using var decoded = new FlowBatch();
        var result = after.Decode(Exporter, dataOnly, decoded);

        Assert.Equal(2, saved);
        Assert.Equal(2, restored);
        Assert.Equal((DecodeStatus.Ok, expected.Length), (result.Status, result.Records));
        RecordAssert.RoundTrip(expected, decoded.Records, RouterOsTemplates.Ros7NetFlowV9IPv4, 9, 0);
    }

    [Fact]
    public void FreshDecoder_WithoutRestore_HoldsTheSameDatagram()
    {
        var (_, dataOnly, _) = RouterOsDatagrams();
        using var batch = new FlowBatch();

        var result = new FlowDecoder().Decode(Exporter, dataOnly, batch);

        Assert.Equal(DecodeStatus.TemplateMissing, result.Status);
    }

    [Fact]
    public async Task SaveLoad_OptionsTemplateWithEnterpriseFields_KeyLayoutAndTimesExact()
    {
        using var database = await TestDatabase.CreateAsync();
        var persistence = new TemplatePersistence(database.Connections, database.Contexts);
        var time = new FakeTimeProvider(TestDatabase.Now);
        var cache = new TemplateCache(new DecoderOptions(), time);
        var v6 = FlowAddress.Parse("2001:db8:ffff::1");
        var options = new FlowTemplate(0xFFFF, [new TemplateField(1, 4), new TemplateField(34, 4), new TemplateField(100, TemplateField.VariableLength, 0xFFFF_FFFF)],
            scopeFieldCount: 1, isOptions: true, scopesAreV9Types: true);
        var data = new FlowTemplate(256, [new TemplateField(8, 4), new TemplateField(12, 4), new TemplateField(1, 8)]);
        cache.AddOrUpdate(new TemplateKey(v6, 9, uint.MaxValue, 0xFFFF), options);
        time.Advance(TimeSpan.FromMilliseconds(1234));
        cache.AddOrUpdate(new TemplateKey(Exporter, 10, 3, 256), data);
        time.Advance(TimeSpan.FromSeconds(5));
        cache.AddOrUpdate(new TemplateKey(Exporter, 10, 3, 256), data);
        var snapshot = cache.Snapshot();

        await persistence.SaveAsync(snapshot);
        var loaded = await persistence.LoadAsync();

        Assert.Equal(2, loaded.Count);
        foreach (var original in snapshot)
        {
            var copy = Assert.Single(loaded, e => e.Key == original.Key);
            Assert.True(copy.Template.SameLayoutAs(original.Template));
            Assert.Equal(original.Template.Id, copy.Template.Id);
            Assert.Equal(original.LearnedAt, copy.LearnedAt);
            Assert.Equal(original.RefreshedAt, copy.RefreshedAt);
        }
    }

    [Fact]
    public async Task Save_SmallerSnapshot_ForgottenTemplatesLeaveTheStore()
    {
        using var database = await TestDatabase.CreateAsync();
        var persistence = new TemplatePersistence(database.Connections, database.Contexts);
        var cache = new TemplateCache(new DecoderOptions(), TimeProvider.System);
        cache.AddOrUpdate(new TemplateKey(Exporter, 10, 0, 256), new FlowTemplate(256, [new TemplateField(8, 4)]));
        cache.AddOrUpdate(new TemplateKey(Exporter, 10, 0, 257), new FlowTemplate(257, [new TemplateField(27, 16)]));
        await persistence.SaveAsync(cache.Snapshot());

        cache.Withdraw(Exporter, 10, 0, 257, optionsOnly: false, dataOnly: false);
        await persistence.SaveAsync(cache.Snapshot());

        Assert.Equal(256, Assert.Single(await persistence.LoadAsync()).Key.TemplateId);
    }

    [Fact]
    public async Task HostedService_StopThenStartAgain_TemplatesSavedAtShutdownAndRestoredBeforeCollector()
    {
        var folder = Directory.CreateTempSubdirectory("flowweb-storage-").FullName;
        try
        {
            var (withTemplates, dataOnly, expected) = RouterOsDatagrams();
            using (var first = BuildHost(folder))
            {
                await first.StartAsync();
                using var batch = new FlowBatch();
                first.Services.GetRequiredService<FlowDecoder>().Decode(Exporter, withTemplates, batch);
                await first.StopAsync();
            }

            using var second = BuildHost(folder);
            await second.StartAsync();
            using var decoded = new FlowBatch();
            var result = second.Services.GetRequiredService<FlowDecoder>().Decode(Exporter, dataOnly, decoded);
            await second.StopAsync();

            Assert.Equal((DecodeStatus.Ok, expected.Length), (result.Status, result.Records));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static IHost BuildHost(string dataDirectory)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["Storage:DataDirectory"] = dataDirectory;
        // Only proven exporters' templates are persisted: this test's exporter sends once, so it is proven at once.
        builder.Services.AddSingleton(new FlowDecoder(new DecoderOptions { ExporterProtectAfter = TimeSpan.Zero }));
        builder.Services.AddFlowStorage(builder.Configuration);
        return builder.Build();
    }

    /// <summary>A RouterOS 7 v9 exporter's first datagram (templates and data) and its second (data only).</summary>
    private static (byte[] WithTemplates, byte[] DataOnly, FlowRecord[] Expected) RouterOsDatagrams()
    {
        var exporter = RouterOsExporters.Ros7NetFlowV9(SampleFlows.BootMs);
        var template = RouterOsTemplates.Ros7NetFlowV9IPv4;
        var buffer = new byte[FlowExporterSimulator.DefaultMaxDatagramSize];
        var first = SampleFlows.Create(4, ipv6: false, template, seed: 1);
        var length = exporter.WriteDatagram(first, SampleFlows.ExportMs, buffer, out var consumed);
        Assert.Equal(first.Length, consumed);
        var withTemplates = buffer[..length];

        var later = SampleFlows.Create(6, ipv6: false, template, seed: 2);
        length = exporter.WriteDatagram(later, SampleFlows.ExportMs + 1000, buffer, out consumed);
        Assert.Equal(later.Length, consumed);
        return (withTemplates, buffer[..length], later);
    }
}
