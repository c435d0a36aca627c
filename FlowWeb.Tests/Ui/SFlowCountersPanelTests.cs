using Bunit;
using FlowWeb.Components.Pages.Sections;
using FlowWeb.Core.Collection;
using FlowWeb.Core.Encoding;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Live;
using Microsoft.Extensions.DependencyInjection;

namespace FlowWeb.Tests.Ui;

/// <summary>
/// The device page's sFlow counters panel over the real decoder and live publisher: datagrams decoded by the
/// collector's decoder, one collector tick, and the panel reads the published frame.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xunit 2 disposes test classes through IAsyncLifetime; MudBlazor's services can only be disposed asynchronously.")]
public sealed class SFlowCountersPanelTests : IAsyncLifetime
{
    private static readonly FlowAddress Exporter = FlowAddress.Parse("192.0.2.40");

    private readonly UiContext _ui = new();

    public Task InitializeAsync() => _ui.Context.Services.GetRequiredService<LivePublisher>().StartAsync(CancellationToken.None);

    public async Task DisposeAsync() => await _ui.DisposeAsync();

    [Fact]
    public void AgentDropsAndHeaderCutShort_ShownInPlainWordsAndOtherDropsNot()
    {
        var encoder = new SFlowEncoder(Exporter);
        Decode(encoder.Encode([new SFlowSampleSpec { Drops = 40 }]));
        Decode(encoder.Encode([new SFlowSampleSpec { Drops = 46, Packet = new SFlowSampledPacket { HeaderBytes = 20 } }]));
        _ui.Context.Services.GetRequiredService<FlowCollector>().Tick();

        var panel = _ui.Context.Render<SFlowCountersPanel>(p => p.Add(c => c.Exporters, [Exporter]));

        var lines = panel.FindAll(".sflow-drop").Select(l => l.TextContent.Trim()).ToList();
        Assert.Equal(2, lines.Count);
        Assert.StartsWith("6 sample(s) dropped by the agents themselves for lack of resources", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("1 flow sample(s) with a packet header cut short", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void NoDrops_NoDropLine()
    {
        Decode(new SFlowEncoder(Exporter).Encode([new SFlowSampleSpec()]));
        _ui.Context.Services.GetRequiredService<FlowCollector>().Tick();

        var panel = _ui.Context.Render<SFlowCountersPanel>(p => p.Add(c => c.Exporters, [Exporter]));

        Assert.Empty(panel.FindAll(".sflow-drop"));
        Assert.NotNull(panel.Find(".sflow-counters-empty"));
    }

    [Fact]
    public void DropLines_EveryKind_OneLineEachWithItsCountAndWhatItCost()
    {
        var lines = SFlowCountersPanel.DropLines(new Core.Decoding.SFlow.SFlowDrops(1_500, 2, 3, 4)).ToList();

        Assert.Collection(lines,
            l => Assert.StartsWith("1,500 sample(s) dropped by the agents themselves", l, StringComparison.Ordinal),
            l => Assert.StartsWith("2 flow sample(s) with a packet header cut short", l, StringComparison.Ordinal),
            l => Assert.Equal("3 flow sample(s) from data sources beyond the 1,024 followed per agent: counted, but their lost samples and the agent's drops for them are not.", l),
            l => Assert.Equal("4 counters sample(s) for interfaces beyond the 1,024 kept per agent: not shown here and not stored in history.", l));
    }

    private void Decode(byte[] datagram)
    {
        using var batch = new FlowBatch();
        _ui.Context.Services.GetRequiredService<FlowCollector>().ReadDecoder(d => d.Decode(Exporter, datagram, batch));
    }
}
