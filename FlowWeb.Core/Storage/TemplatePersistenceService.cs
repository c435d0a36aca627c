using FlowWeb.Core.Decoding;
using FlowWeb.Core.Decoding.Templates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FlowWeb.Core.Storage;

/// <summary>
/// Restores the decoder's templates and sampler tables before the collector starts, saves them (and the exporters seen) every
/// <see cref="StorageOptions.TemplateSaveInterval"/> when something changed, and once more at shutdown, after the
/// collector has stopped. Does nothing when no <see cref="FlowDecoder"/> is registered. Its dependencies are resolved
/// at start, not injected, as for <see cref="DatabaseMigrator"/>.
/// </summary>
internal sealed partial class TemplatePersistenceService(
    IServiceProvider services,
    IOptions<StorageOptions> options,
    TimeProvider time,
    ILogger<TemplatePersistenceService> logger) : BackgroundService
{
    private readonly Lock _stopSync = new();
    private FlowDecoder? _decoder;
    private Task? _stopping;
    private TemplatePersistence _persistence = null!;
    private long _savedTemplates;
    private long _savedExporters;
    private long _savedSamplers;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        _decoder = services.GetService<FlowDecoder>();
        _persistence = services.GetRequiredService<TemplatePersistence>();
        if (_decoder is not null)
        {
            try
            {
                var restored = await _persistence.RestoreAsync(_decoder.Templates, cancellationToken).ConfigureAwait(false);
                _savedTemplates = Fingerprint(_decoder.Templates.Snapshot());
                var samplers = await _persistence.RestoreSamplersAsync(_decoder, cancellationToken).ConfigureAwait(false);
                _savedSamplers = Fingerprint(_decoder.SamplerTables());
                LogRestored(logger, restored, samplers);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Templates come back with the exporters' next refresh; a bad store must not stop the collector.
                LogFailed(logger, "restore", e);
            }
        }

        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Saves once more; concurrent calls (a host may stop twice at once) share that one save.</summary>
    public override Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_stopSync)
        {
            return _stopping ??= StopOnceAsync(cancellationToken);
        }
    }

    private async Task StopOnceAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await SaveIfChangedAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_decoder is null)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.TemplateSaveInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await SaveIfChangedAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task SaveIfChangedAsync(CancellationToken cancellationToken)
    {
        if (_decoder is null)
        {
            return;
        }

        try
        {
            var snapshot = _decoder.Templates.Snapshot();
            var templates = Fingerprint(snapshot);
            if (templates != _savedTemplates)
            {
                await _persistence.SaveAsync(snapshot, cancellationToken).ConfigureAwait(false);
                _savedTemplates = templates;
            }

            var tables = _decoder.SamplerTables();
            var samplers = Fingerprint(tables);
            if (samplers != _savedSamplers)
            {
                await _persistence.SaveSamplersAsync(tables, cancellationToken).ConfigureAwait(false);
                _savedSamplers = samplers;
            }

            var exporters = _decoder.Exporters;
            var seen = exporters.Aggregate(exporters.Count * 31L, (h, e) => h ^ (e.LastSeen.UtcTicks * 16777619L) ^ e.Datagrams);
            if (seen != _savedExporters)
            {
                await _persistence.SaveExportersAsync(exporters, cancellationToken).ConfigureAwait(false);
                _savedExporters = seen;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(logger, "save", e);
        }
    }

    /// <summary>Changes when a template is learned, replaced, refreshed or forgotten.</summary>
    private static long Fingerprint(IReadOnlyList<TemplateEntry> snapshot)
    {
        var hash = snapshot.Count * 1_000_003L;
        foreach (var e in snapshot)
        {
            hash ^= ((long)e.Key.GetHashCode() * 31) + e.RefreshedAt.UtcTicks + e.LearnedAt.UtcTicks;
        }

        return hash;
    }

    /// <summary>Changes when options data changes a sampling rate or a table appears or goes.</summary>
    private static long Fingerprint(IReadOnlyList<SamplerTable> tables)
    {
        var hash = tables.Count * 1_000_003L;
        foreach (var t in tables)
        {
            hash ^= ((long)HashCode.Combine(t.Exporter, t.Version, t.Domain, t.DomainRate) * 31) + t.Samplers.Count + t.LearnedAt.UtcTicks;
            foreach (var (id, rate) in t.Samplers)
            {
                hash ^= HashCode.Combine(id, rate) * 7919L;
            }
        }

        return hash;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Restored {Count} decoding template(s) and {Samplers} sampler table(s) from the database")]
    private static partial void LogRestored(ILogger logger, int count, int samplers);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "Could not {Operation} decoding templates")]
    private static partial void LogFailed(ILogger logger, string operation, Exception exception);
}
