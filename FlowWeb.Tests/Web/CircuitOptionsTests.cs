using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FlowWeb.Tests.Web;

/// <summary>How the app's Blazor circuits treat a browser that falls behind.</summary>
public sealed class CircuitOptionsTests
{
    [Fact]
    public void Circuits_SlowBrowser_BufferAtMostTwoUnacknowledgedRenderBatches()
    {
        using var factory = new FlowWebFactory();

        var options = factory.Services.GetRequiredService<IOptions<CircuitOptions>>().Value;

        // Measured by .ci/bench-ui: with Blazor's default of 10, live pages in a busy browser showed data a minute old.
        Assert.Equal(2, options.MaxBufferedUnacknowledgedRenderBatches);
    }
}
