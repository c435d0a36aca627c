using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FlowWeb.Core.Enrichment;

/// <summary>Loads the enrichment databases at start and again whenever a file changes (polled, see <see cref="EnrichmentOptions.CheckSeconds"/>).</summary>
internal sealed class EnrichmentWatcher(IpEnrichment enrichment, IOptions<EnrichmentOptions> options, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (string.IsNullOrWhiteSpace(settings.AsnDatabase) && string.IsNullOrWhiteSpace(settings.CountryDatabase))
        {
            return;
        }

        // Off the start-up path: a large database takes a second or two to flatten.
        await Task.Yield();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(settings.CheckSeconds), time);
        do
        {
            enrichment.Refresh();
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
