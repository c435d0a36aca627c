using FlowWeb.Core.Flows;

namespace FlowWeb.Tests.Dns;

/// <summary>One dnsmasq for every test in the <see cref="DnsmasqCollection"/>, with the records below.</summary>
public sealed class DnsmasqFixture : IAsyncLifetime
{
    public static readonly FlowAddress HostA = FlowAddress.Parse("192.0.2.10");
    public static readonly FlowAddress PtrOnly = FlowAddress.Parse("192.0.2.20");
    public static readonly FlowAddress NoPtr = FlowAddress.Parse("192.0.2.30");
    public static readonly FlowAddress Unknown = FlowAddress.Parse("192.0.2.99");
    public static readonly FlowAddress PrivateHost = FlowAddress.Parse("10.1.2.3");
    public static readonly FlowAddress UlaHost = FlowAddress.Parse("fd00::5");
    public static readonly FlowAddress V6Host = FlowAddress.Parse("2001:db8::10");
    public static readonly FlowAddress V6PtrOnly = FlowAddress.Parse("2001:db8::20");

    private DnsmasqServer? _server;

    internal DnsmasqServer Server => _server ?? throw new InvalidOperationException("dnsmasq has not started.");

    public async Task InitializeAsync()
    {
        _server = await DnsmasqServer.StartAsync(
            hosts: ["192.0.2.10 host-a.test", "10.1.2.3 private-host.test", "fd00::5 ula-host.test", "2001:db8::10 v6host.test"],
            ptrRecords: [("192.0.2.20", "ptr-only.test"), ("2001:db8::20", "v6-ptr-only.test")],
            txtOnly: ["192.0.2.30"]);
    }

    public Task DisposeAsync()
    {
        _server?.Dispose();
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class DnsmasqCollection : ICollectionFixture<DnsmasqFixture>
{
    public const string Name = "dnsmasq";
}
