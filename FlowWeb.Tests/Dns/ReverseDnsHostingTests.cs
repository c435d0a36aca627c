using FlowWeb.Core.Dns;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FlowWeb.Tests.Dns;

[Collection(DnsmasqCollection.Name)]
public sealed class ReverseDnsHostingTests(DnsmasqFixture dns)
{
    [Fact]
    public async Task AddReverseDns_HostStarted_WorkerResolvesRequests()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ReverseDns:Servers:0"] = dns.Server.Server });
        builder.Services.AddReverseDns(builder.Configuration);
        using var host = builder.Build();
        await host.StartAsync();
        var resolver = host.Services.GetRequiredService<ReverseDnsResolver>();
        var arrived = new TaskCompletionSource<ReverseDnsName>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = resolver.Subscribe(name => arrived.TrySetResult(name));

        Assert.Equal(ReverseDnsRequestResult.Queued, resolver.Request(DnsmasqFixture.HostA));
        var answer = await arrived.Task.WaitAsync(TimeSpan.FromSeconds(5));
        await host.StopAsync();

        Assert.Equal("host-a.test", answer.Name);
        Assert.Equal("host-a.test", resolver.NameOrNull(DnsmasqFixture.HostA));
        Assert.Equal(ReverseDnsRequestResult.Disabled, resolver.Request(DnsmasqFixture.Unknown));
    }

    [Fact]
    public async Task AddReverseDns_InvalidSection_HostStartReportsEveryErrorNamingItsKey()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ReverseDns:Servers:0"] = "dns.example",
            ["ReverseDns:MaxQueriesPerSecond"] = "0",
        });
        builder.Services.AddReverseDns(builder.Configuration);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal(["ReverseDns:Servers:0 ", "ReverseDns:MaxQueriesPerSecond "], error.Failures.Select(f => f[..(f.IndexOf(' ', StringComparison.Ordinal) + 1)]));
    }
}
