using Bunit;
using FlowWeb.Components.Shared;
using FlowWeb.Core.Storage.History;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace FlowWeb.Tests.Ui;

/// <summary>The banner every page carries: absent while history is written, naming the problem while it is not, gone when it passes.</summary>
public sealed class HistoryBannerTests : IAsyncDisposable
{
    private static readonly DateTimeOffset Since = new(2026, 12, 2, 10, 0, 3, TimeSpan.Zero);

    private readonly BunitContext _context = new();
    private readonly HistoryStatus _status = new();

    public HistoryBannerTests()
    {
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _context.Services.AddMudServices();
        _context.Services.AddSingleton(_status);
    }

    [Fact]
    public void Banner_WritesFailThenRecover_ShownWithTheReasonThenGoneWithoutReload()
    {
        var banner = _context.Render<HistoryBanner>();
        Assert.Empty(banner.FindAll(".history-banner"));

        _status.Set(new HistoryCondition(false, "the disk is full (SQLite Error 13: 'database or disk is full')", Since, Since.AddSeconds(8), 4, 1234));
        banner.WaitForAssertion(() => Assert.Single(banner.FindAll(".history-banner")));
        var text = banner.Find(".history-banner").TextContent;
        Assert.Contains("History is not being saved: the disk is full (SQLite Error 13", text, StringComparison.Ordinal);
        Assert.Contains("1,234 closed minute(s) and toplist period(s)", text, StringComparison.Ordinal);
        Assert.Contains("attempt 4", text, StringComparison.Ordinal);
        Assert.Equal("alert", banner.Find(".history-banner").GetAttribute("role"));

        _status.Set(HistoryCondition.Ok);
        banner.WaitForAssertion(() => Assert.Empty(banner.FindAll(".history-banner")));
    }

    public ValueTask DisposeAsync() => _context.DisposeAsync();
}
