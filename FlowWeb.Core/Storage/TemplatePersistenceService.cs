using FlowWeb.Core.Decoding;
using FlowWeb.Core.Decoding.Templates;
using FlowWeb.Core.Flows;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FlowWeb.Core.Storage;

/// <summary>
/// Restores the decoder's templates and sampler tables before the collector starts (within the decoder's caps), saves
/// what changed (and the exporters seen) every <see cref="StorageOptions.TemplateSaveInterval"/> as upserts and deletes
/// by key within a byte budget, and once more at shutdown, after the collector has stopped. Does nothing when no <see cref="FlowDecoder"/> is registered. Its dependencies are resolved
/// at start, not injected, as for <see cref="DatabaseMigrator"/>.
/// </summary>
internal sealed partial class TemplatePersistenceService(
    IServiceProvider services,
    IOptions<StorageOptions> options,
    TimeProvider time,
    ILogger<TemplatePersistenceService> logger) : BackgroundService
{
    private readonly Lock _stopSync = new();
    private readonly Dictionary<TemplateKey, (DateTimeOffset LearnedAt, DateTimeOffset RefreshedAt)> _savedTemplates = [];
    private readonly Dictionary<(FlowAddress, byte, uint), SamplerTable> _savedSamplers = [];
    private readonly Dictionary<FlowAddress, (long Datagrams, DateTimeOffset LastSeen)> _savedExporters = [];
    private FlowDecoder? _decoder;
    private Task? _stopping;
    private TemplatePersistence _persistence = null!;

    /// <summary>Payload bytes written by the last saves (templates and samplers), for the hostile-traffic benchmark and tests.</summary>
    public long BytesWritten { get; private set; }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        _decoder = services.GetService<FlowDecoder>();
        _persistence = services.GetRequiredService<TemplatePersistence>();
        if (_decoder is not null)
        {
            try
            {
                var stored = await _persistence.LoadAsync(cancellationToken).ConfigureAwait(false);
                foreach (var e in stored)
                {
                    _savedTemplates[e.Key] = (e.LearnedAt, e.RefreshedAt);
                }

                var restored = _decoder.Templates.Restore(stored);
                var tables = await _persistence.LoadSamplersAsync(cancellationToken).ConfigureAwait(false);
                foreach (var t in tables)
                {
                    _savedSamplers[(t.Exporter, t.Version, t.Domain)] = t;
                }

                var samplers = _decoder.RestoreSamplerTables(tables);
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

    /// <summary>
    /// Writes what changed since the last save, by key: templates and sampler tables of proven exporters (an unproven,
    /// possibly forged source's are never written), new and replaced templates first, refresh times at most every
    /// <see cref="StorageOptions.TemplateRefreshWriteInterval"/>, within <see cref="StorageOptions.TemplateWriteBytesPerMinute"/>.
    /// </summary>
    private async Task SaveIfChangedAsync(CancellationToken cancellationToken)
    {
        if (_decoder is null)
        {
            return;
        }

        try
        {
            var settings = options.Value;
            var allowance = (long)(settings.TemplateWriteBytesPerMinute * settings.TemplateSaveInterval.TotalMinutes);
            allowance -= await SaveTemplatesAsync(allowance, settings.TemplateRefreshWriteInterval, cancellationToken).ConfigureAwait(false);
            await SaveSamplersAsync(allowance, cancellationToken).ConfigureAwait(false);
            await SaveExportersAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(logger, "save", e);
        }
    }

    private async Task<long> SaveTemplatesAsync(long allowance, TimeSpan refreshWrite, CancellationToken cancellationToken)
    {
        var snapshot = _decoder!.PersistableTemplates();
        var current = new HashSet<TemplateKey>(snapshot.Count);
        var fresh = new List<TemplateEntry>();
        var refreshed = new List<TemplateEntry>();
        foreach (var e in snapshot)
        {
            current.Add(e.Key);
            if (!_savedTemplates.TryGetValue(e.Key, out var saved) || saved.LearnedAt != e.LearnedAt)
            {
                fresh.Add(e);
            }
            else if (e.RefreshedAt - saved.RefreshedAt >= refreshWrite)
            {
                refreshed.Add(e);
            }
        }

        var deletes = _savedTemplates.Keys.Where(k => !current.Contains(k)).ToList();
        var upserts = new List<TemplateEntry>();
        var budget = allowance;
        foreach (var e in fresh.Concat(refreshed.OrderBy(e => _savedTemplates[e.Key].RefreshedAt)))
        {
            var bytes = TemplatePersistence.RowBytes(e);
            if (bytes > budget)
            {
                break;
            }

            budget -= bytes;
            upserts.Add(e);
        }

        var written = await _persistence.ApplyTemplateChangesAsync(upserts, deletes, cancellationToken).ConfigureAwait(false);
        foreach (var key in deletes)
        {
            _savedTemplates.Remove(key);
        }

        foreach (var e in upserts)
        {
            _savedTemplates[e.Key] = (e.LearnedAt, e.RefreshedAt);
        }

        BytesWritten += written;
        return written;
    }

    private async Task SaveSamplersAsync(long allowance, CancellationToken cancellationToken)
    {
        var tables = _decoder!.SamplerTables();
        var current = new HashSet<(FlowAddress, byte, uint)>();
        var upserts = new List<SamplerTable>();
        foreach (var t in tables)
        {
            var key = (t.Exporter, t.Version, t.Domain);
            current.Add(key);

            // Options data repeats every few packets and moves LearnedAt each time: only a change of rates is a change.
            if ((!_savedSamplers.TryGetValue(key, out var saved) || saved.DomainRate != t.DomainRate || !SameRates(saved, t)) && allowance > 0)
            {
                upserts.Add(t);
                allowance -= 40 + (12L * t.Samplers.Count);
            }
        }

        var deletes = _savedSamplers.Keys.Where(k => !current.Contains(k)).ToList();
        BytesWritten += await _persistence.ApplySamplerChangesAsync(upserts, deletes, cancellationToken).ConfigureAwait(false);
        foreach (var key in deletes)
        {
            _savedSamplers.Remove(key);
        }

        foreach (var t in upserts)
        {
            _savedSamplers[(t.Exporter, t.Version, t.Domain)] = t;
        }
    }

    /// <summary>Exporters seen, proven ones only (forged sources never reach the store), and only those heard since their last save.</summary>
    private async Task SaveExportersAsync(CancellationToken cancellationToken)
    {
        var changed = _decoder!.Exporters
            .Where(e => _decoder.IsProtected(e.Address) &&
                        (!_savedExporters.TryGetValue(e.Address, out var saved) || saved.Datagrams != e.Datagrams || saved.LastSeen != e.LastSeen))
            .ToList();
        if (changed.Count == 0)
        {
            return;
        }

        await _persistence.SaveExportersAsync(changed, cancellationToken).ConfigureAwait(false);
        foreach (var e in changed)
        {
            _savedExporters[e.Address] = (e.Datagrams, e.LastSeen);
        }

        // Bounded like the decoder's table: forget what the decoder forgot.
        if (_savedExporters.Count > 2 * _decoder.Options.MaxExporters)
        {
            var known = _decoder.Exporters.Select(e => e.Address).ToHashSet();
            foreach (var address in _savedExporters.Keys.Where(a => !known.Contains(a)).ToList())
            {
                _savedExporters.Remove(address);
            }
        }
    }

    private static bool SameRates(SamplerTable a, SamplerTable b) =>
        a.Samplers.Count == b.Samplers.Count && a.Samplers.All(p => b.Samplers.TryGetValue(p.Key, out var rate) && rate == p.Value);

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Restored {Count} decoding template(s) and {Samplers} sampler table(s) from the database")]
    private static partial void LogRestored(ILogger logger, int count, int samplers);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "Could not {Operation} decoding templates")]
    private static partial void LogFailed(ILogger logger, string operation, Exception exception);
}
