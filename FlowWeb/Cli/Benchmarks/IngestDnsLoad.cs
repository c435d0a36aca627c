using System.Globalization;
using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Dns;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FlowWeb.Cli.Benchmarks;

/// <summary>
/// For <c>bench ingest --dns IP:PORT</c>: reverse DNS as the app registers it (<c>AddReverseDns</c>, its worker
/// started), asked for names the way a live page asks: every <see cref="PageInterval"/> it reads each toplist's top
/// rows and, while <see cref="Resolve"/> is on, requests the names of their addresses (<see cref="ToplistHostNames"/>,
/// what the toplist table uses).
/// Answers are kept for one second only, so the same addresses are looked up again and again and the resolver stays
/// busy for the whole run instead of answering from its cache after the first second. Point it only at a DNS server
/// you run on loopback (dnsmasq with --no-resolv).
/// </summary>
internal sealed class IngestDnsLoad : IAsyncDisposable
{
    private static readonly TimeSpan PageInterval = TimeSpan.FromMilliseconds(250);

    private readonly ServiceProvider _services;
    private readonly List<IHostedService> _workers;
    private readonly CancellationTokenSource _stop = new();
    private readonly SensorAggregator _sensor;
    private Task _page = Task.CompletedTask;

    private IngestDnsLoad(ServiceProvider services, SensorAggregator sensor)
    {
        _services = services;
        _sensor = sensor;
        _workers = [.. services.GetServices<IHostedService>()];
        Resolver = services.GetRequiredService<ReverseDnsResolver>();
    }

    public ReverseDnsResolver Resolver { get; }

    /// <summary>Whether the page asks for names; off, it still reads the toplists as often (the same load without DNS).</summary>
    public bool Resolve { get; set; }

    public static async Task<IngestDnsLoad> StartAsync(string server, SensorAggregator sensor)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ReverseDns:Servers:0"] = server,
            ["ReverseDns:MaxQueriesPerSecond"] = "1000000",
            ["ReverseDns:MaxInFlight"] = "64",
            ["ReverseDns:PositiveTtlMin"] = "00:00:00",
            ["ReverseDns:PositiveTtlMax"] = "00:00:01",
            ["ReverseDns:NegativeTtl"] = "00:00:01",
        }).Build();
        var services = new ServiceCollection()
            .AddLogging(l => l.SetMinimumLevel(LogLevel.Warning))
            .AddReverseDns(configuration)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        var load = new IngestDnsLoad(services, sensor);
        if (!load.Resolver.IsEnabled)
        {
            await services.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"Reverse DNS is off: {load.Resolver.DisabledReason}");
        }

        foreach (var worker in load._workers)
        {
            await worker.StartAsync(CancellationToken.None).ConfigureAwait(false);
        }

        load._page = load.PageAsync(load._stop.Token);
        return load;
    }

    /// <summary>One line of what the resolver did since <paramref name="before"/>.</summary>
    public static string Describe(ReverseDnsStatistics before, ReverseDnsStatistics after, TimeSpan elapsed)
    {
        var lookups = (after.LookupsSucceeded + after.LookupsFailed) - (before.LookupsSucceeded + before.LookupsFailed);
        return string.Create(CultureInfo.InvariantCulture,
            $"{lookups / elapsed.TotalSeconds:N0} lookups/s ({after.LookupsTimedOut - before.LookupsTimedOut:N0} timed out, {after.RequestsDropped - before.RequestsDropped:N0} requests dropped), cache reads {after.CacheHits + after.CacheMisses - before.CacheHits - before.CacheMisses:N0}");
    }

    private async Task PageAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(PageInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                foreach (var toplist in _sensor.Definition.Toplists)
                {
                    if (_sensor.ReadToplist(toplist.Id) is { } periods && Resolve && Resolver.Resolves(toplist))
                    {
                        foreach (var row in periods.Running.Rows)
                        {
                            Resolver.Names(row.Key, request: true);
                        }
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The run is over.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _page.ConfigureAwait(false);
        foreach (var worker in _workers)
        {
            await worker.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }

        await _services.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }
}
