using Bunit;
using FlowWeb.Components.Pages.Sections;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Storage.History;
using FlowWeb.Tests.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FlowWeb.Tests.Ui;

/// <summary>
/// The device page's sFlow history panel over a real SQLite file: it reads the store when its exporters change, not
/// on every re-render of the page around it, and a storage error is shown in the panel instead of ending the circuit.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xunit 2 disposes test classes through IAsyncLifetime; MudBlazor's services can only be disposed asynchronously.")]
public sealed class SFlowCounterHistoryPanelTests : IAsyncLifetime
{
    private static readonly long Minute = TestDatabase.Now.ToUnixTimeSeconds() / 60 * 60;

    private TestDatabase _database = default!;
    private UiContext _ui = default!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        var history = _database.CreateQuery(new FakeTimeProvider(TestDatabase.Now));
        _ui = new UiContext(services =>
        {
            services.AddSingleton(history);
            services.AddSingleton(new SFlowCounterStore(_database.Connections));
            services.AddSingleton<TimeProvider>(new FakeTimeProvider(TestDatabase.Now));
        });
        var delta = new SFlowCounterStore.MinuteDelta(new(1_000, 2_000, 0, 0, 0, 0, 30_000, 1, 0), 1_000_000_000);
        await new SFlowCounterStore(_database.Connections).AddAsync([
            (new("192.0.2.30", 0, 1, Minute - 120), delta), (new("192.0.2.30", 0, 1, Minute - 60), delta), (new("192.0.2.31", 0, 1, Minute - 60), delta)]);
    }

    public async Task DisposeAsync()
    {
        await _ui.DisposeAsync();
        _database.Dispose();
    }

    [Fact]
    public async Task ParentRerender_SameExporters_NoNewReadAndNewExportersRead()
    {
        var panel = _ui.Context.Render<SFlowCounterHistoryPanel>(p => p.Add(c => c.Exporters, [FlowAddress.Parse("192.0.2.30")]));
        panel.WaitForAssertion(() => Assert.Equal(2, panel.FindAll(".sflow-history-row").Count));

        // The rows go from the file; a re-render with an equal new list still shows what was read (no query ran).
        await _database.ScalarAsync("DELETE FROM SFlowCounterMinutes WHERE Agent = '192.0.2.30'");
        panel.Render(p => p.Add(c => c.Exporters, [FlowAddress.Parse("192.0.2.30")]));
        Assert.Equal(2, panel.FindAll(".sflow-history-row").Count);

        panel.Render(p => p.Add(c => c.Exporters, [FlowAddress.Parse("192.0.2.31")]));
        panel.WaitForAssertion(() => Assert.Single(panel.FindAll(".sflow-history-row")));
    }

    [Fact]
    public async Task StorageError_ShownInThePanel()
    {
        var panel = _ui.Context.Render<SFlowCounterHistoryPanel>(p => p.Add(c => c.Exporters, [FlowAddress.Parse("192.0.2.30")]));
        panel.WaitForAssertion(() => Assert.Equal(2, panel.FindAll(".sflow-history-row").Count));

        await _database.ScalarAsync("DROP TABLE SFlowCounterMinutes");
        panel.Render(p => p.Add(c => c.Exporters, [FlowAddress.Parse("192.0.2.31")]));

        panel.WaitForAssertion(() => Assert.Contains("could not be read", panel.Find(".sflow-history-error").TextContent, StringComparison.Ordinal));
        Assert.Empty(panel.FindAll(".sflow-history-row"));
    }
}
