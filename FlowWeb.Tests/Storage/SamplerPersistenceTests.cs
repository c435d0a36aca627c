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

/// <summary>
/// Cisco-style sampler tables (options data: sampler id → interval) survive a restart with the templates, so
/// records that carry only a sampler id are scaled right after the restart.
/// </summary>
public sealed class SamplerPersistenceTests
{
    private static readonly FlowAddress Exporter = FlowAddress.Parse("192.0.2.10");

    private static readonly FlowTemplate SampledV4 = new(320,
        [new(8, 4), new(12, 4), new(1, 4), new(2, 4), new(InformationElements.SamplerId, 2), new(152, 8), new(153, 8)]);

    [Fact]
    public async Task HostedService_RestartWithoutNewOptionsData_RecordsGetTheirSamplersRate()
    {
        var folder = Directory.CreateTempSubdirectory("flowweb-samplers-").FullName;
        try
        {
            var (announce, dataOnly) = Datagrams();
            using (var first = BuildHost(folder))
            {
                await first.StartAsync();
                using var batch = new FlowBatch();
                Assert.Equal(DecodeStatus.Ok, first.Services.GetRequiredService<FlowDecoder>().Decode(Exporter, announce, batch).Status);
                await first.StopAsync();
            }

            using var second = BuildHost(folder);
            await second.StartAsync();
            var decoder = second.Services.GetRequiredService<FlowDecoder>();
            using var decoded = new FlowBatch();
            var result = decoder.Decode(Exporter, dataOnly, decoded);
            var tables = decoder.SamplerTables();
            await second.StopAsync();

            Assert.Equal((DecodeStatus.Ok, 4), (result.Status, result.Records));
            Assert.Equal([100u, 1000u, 100u, 1000u], decoded.Records.ToArray().Select(r => r.SamplingRate));
            var table = Assert.Single(tables);
            Assert.Equal((Exporter, (byte)9, Exchange.Domain), (table.Exporter, table.Version, table.Domain));
            Assert.Equal(new Dictionary<ulong, uint> { [1] = 100, [2] = 1000 }, table.Samplers);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void FreshDecoder_TemplatesButNoSamplerTable_RecordsUnscaled()
    {
        var (announce, dataOnly) = Datagrams();
        var before = new FlowDecoder();
        using (var batch = new FlowBatch())
        {
            before.Decode(Exporter, announce, batch);
        }

        var after = new FlowDecoder();
        after.Templates.Restore(before.Templates.Snapshot());
        using var decoded = new FlowBatch();
        after.Decode(Exporter, dataOnly, decoded);

        Assert.All(decoded.Records.ToArray(), r => Assert.Equal(1u, r.SamplingRate));
    }

    [Fact]
    public async Task SaveLoad_DomainRateSamplersAndTime_Exact_AndTablesOlderThanTheTemplateLifetimeAreNotRestored()
    {
        using var database = await TestDatabase.CreateAsync();
        var persistence = new TemplatePersistence(database.Connections, database.Contexts);
        var v6 = FlowAddress.Parse("2001:db8::9");
        var fresh = new SamplerTable(v6, 10, uint.MaxValue, 512, new Dictionary<ulong, uint> { [ulong.MaxValue] = 64, [7] = 2048 }, TestDatabase.Now);
        var old = new SamplerTable(Exporter, 9, 0, 0, new Dictionary<ulong, uint> { [1] = 10 }, TestDatabase.Now - TimeSpan.FromHours(3));

        Assert.Equal(2, await persistence.SaveSamplersAsync([fresh, old]));
        var loaded = await persistence.LoadSamplersAsync();
        var decoder = new FlowDecoder(new DecoderOptions { TemplateLifetime = TimeSpan.FromMinutes(100) }, new FakeTimeProvider(TestDatabase.Now));
        var restored = decoder.RestoreSamplerTables(loaded);

        Assert.Equal(2, loaded.Count);
        var copy = Assert.Single(loaded, t => t.Exporter == v6);
        Assert.Equal((fresh.Version, fresh.Domain, fresh.DomainRate, fresh.LearnedAt), (copy.Version, copy.Domain, copy.DomainRate, copy.LearnedAt));
        Assert.Equal(fresh.Samplers, copy.Samplers);
        Assert.Equal(1, restored);
        Assert.Equal(v6, Assert.Single(decoder.SamplerTables()).Exporter);
    }

    /// <summary>A v9 datagram with the templates and a two-sampler table, then one with only data records naming samplers 1 and 2.</summary>
    private static (byte[] Announce, byte[] DataOnly) Datagrams()
    {
        var options = OptionsTemplates.NetFlowV9SamplerTable(600);
        var encoder = new NetFlowV9Encoder(Exchange.Domain) { BootTimeMs = SampleFlows.BootMs };
        var buffer = new byte[4000];
        var packet = encoder.Begin(buffer, SampleFlows.ExportMs);
        Assert.True(packet.TryAddTemplates(options, SampledV4));
        Assert.Equal(2, packet.AddOptionsRecords(options, [OptionsTemplates.SamplerRecord(1, 100), OptionsTemplates.SamplerRecord(2, 1000)]));
        var announce = buffer[..packet.Finish()];

        var records = SampleFlows.Create(4, ipv6: false, SampledV4);
        var samplers = records.Select((_, i) => (ElementValues?)new ElementValues().SetUnsigned(InformationElements.SamplerId, (ulong)(1 + (i % 2)))).ToArray();
        packet = encoder.Begin(buffer, SampleFlows.ExportMs + 1000);
        Assert.Equal(4, packet.AddDataRecords(SampledV4, records, samplers));
        return (announce, buffer[..packet.Finish()]);
    }

    private static IHost BuildHost(string dataDirectory)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["Storage:DataDirectory"] = dataDirectory;
        // Only proven exporters' state is persisted: this test's exporter sends once, so it is proven at once.
        builder.Services.AddSingleton(new FlowDecoder(new DecoderOptions { ExporterProtectAfter = TimeSpan.Zero }));
        builder.Services.AddFlowStorage(builder.Configuration);
        return builder.Build();
    }
}
