using FlowWeb.Tests.Dns;

namespace FlowWeb.Tests.EndToEnd;

/// <summary>
/// The app in Chromium as <see cref="BrowserAppFixture"/> has it, with reverse DNS on and asking dnsmasq on loopback
/// through a relay that holds each query for <see cref="AnswerDelay"/>: long enough for a test to see a row with its
/// address only before the name arrives. dnsmasq knows one name, <see cref="Name"/> for <see cref="Address"/>.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xunit 2 ends fixtures through IAsyncLifetime.DisposeAsync, which disposes the relay.")]
public sealed class HostNameAppFixture : IAsyncLifetime
{
    public const string Address = "203.0.113.7";
    public const string Name = "files.e2e.test";
    public static readonly TimeSpan AnswerDelay = TimeSpan.FromSeconds(2.5);

    private DnsmasqServer? _dns;
    private DelayedDnsRelay? _relay;

    public BrowserAppFixture Browser { get; } = new();

    /// <summary>Queries the app has sent so far.</summary>
    public int Queries => _relay?.Queries ?? 0;

    public async Task InitializeAsync()
    {
        _dns = await DnsmasqServer.StartAsync(hosts: [], ptrRecords: [(Address, Name)], txtOnly: []);
        _relay = new DelayedDnsRelay(_dns.EndPoint, AnswerDelay);
        Browser.App.Settings["ReverseDns:Enabled"] = "true";
        Browser.App.Settings["ReverseDns:Servers:0"] = _relay.EndPoint.ToString();
        Browser.App.Settings["ReverseDns:QueryTimeout"] = "00:00:06";
        await Browser.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        if (_relay is not null)
        {
            await _relay.DisposeAsync();
        }

        _dns?.Dispose();
    }
}

/// <summary>Runs alone like the other browser tests, after the parallel ones.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HostNameBrowserCollection : ICollectionFixture<HostNameAppFixture>
{
    public const string Name = "browser with reverse DNS";
}
