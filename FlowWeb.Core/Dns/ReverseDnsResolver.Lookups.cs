using System.Net.Sockets;
using DnsClient;
using FlowWeb.Core.Flows;
using Microsoft.Extensions.Logging;

namespace FlowWeb.Core.Dns;

// The lookup worker: takes queued addresses, waits for a free query slot and a token of the rate gate, and runs
// each query with its own timeout. The answer goes to the cache first, then the address leaves the pending set,
// then subscribers hear of it, so that whoever hears or asks again finds it cached.
public sealed partial class ReverseDnsResolver
{
    /// <summary>A name longer than any valid DNS name (253 characters) is a broken or hostile answer.</summary>
    private const int MaxNameLength = 253;

    private static readonly TimeSpan ProblemLogInterval = TimeSpan.FromMinutes(1);

    private readonly long[] _problemLoggedAt = new long[Enum.GetValues<ReverseDnsOutcome>().Length];
    private int _running;

    /// <summary>
    /// Runs the queued lookups until <paramref name="stoppingToken"/> is cancelled, then waits (briefly: their
    /// queries are cancelled too) for those in flight. Never throws; one run per resolver.
    /// </summary>
    internal async Task RunAsync(CancellationToken stoppingToken)
    {
        if (Interlocked.Exchange(ref _running, 1) != 0)
        {
            throw new InvalidOperationException("The reverse DNS worker is already running.");
        }

        if (_client is null)
        {
            LogDisabled(_logger, DisabledReason);
            _queue.Writer.TryComplete();
            return;
        }

        LogStarted(_logger, _client.NameServers, _options.MaxInFlight, _options.MaxQueriesPerSecond);
        var gate = new QueryRateGate(_options.MaxQueriesPerSecond, _time);
        var slots = new SemaphoreSlim(_options.MaxInFlight, _options.MaxInFlight);
        try
        {
            await foreach (var address in _queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                // A lookup that ended after this address was queued again has already answered it.
                if (_cache.TryGet(address, out _))
                {
                    _pending.TryRemove(address, out _);
                    continue;
                }

                await slots.WaitAsync(stoppingToken).ConfigureAwait(false);
                try
                {
                    await gate.TakeAsync(stoppingToken).ConfigureAwait(false);
                }
                catch
                {
                    slots.Release();
                    throw;
                }

                _ = LookupAsync(_client, address, slots, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
#pragma warning disable CA1031 // The worker never throws out; nothing in the loop is expected to fail.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogWorkerFailed(_logger, ex);
        }
        finally
        {
            _queue.Writer.TryComplete();

            // A lookup that outlives the wait still releases its slot, so the semaphore stays undisposed then.
            if (await WaitForLookupsAsync(slots).ConfigureAwait(false))
            {
                slots.Dispose();
            }
        }
    }

    /// <summary>True once every slot is back, that is no lookup runs any more; false after a bounded wait.</summary>
    private async Task<bool> WaitForLookupsAsync(SemaphoreSlim slots)
    {
        var deadline = _options.QueryTimeout + TimeSpan.FromSeconds(1);
        for (var i = 0; i < _options.MaxInFlight; i++)
        {
            if (!await slots.WaitAsync(deadline).ConfigureAwait(false))
            {
                return false;
            }
        }

        return true;
    }

    private async Task LookupAsync(ILookupClient client, FlowAddress address, SemaphoreSlim slots, CancellationToken stoppingToken)
    {
        _counters.LookupStarted();
        ReverseDnsName? result = null;
        try
        {
            result = await QueryAsync(client, address, stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            if (result is { } answer)
            {
                _cache.Set(answer);
            }

            _pending.TryRemove(address, out _);
            _counters.LookupEnded(result?.Outcome);
            slots.Release();
        }

        if (result is { } resolved)
        {
            Notify(resolved);
        }
    }

    /// <summary>The answer for <paramref name="address"/>; null only when shutdown cancelled the query.</summary>
    private async Task<ReverseDnsName?> QueryAsync(ILookupClient client, FlowAddress address, CancellationToken stoppingToken)
    {
        using var timeout = new CancellationTokenSource(_options.QueryTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, stoppingToken);
        try
        {
            var response = await client.QueryReverseAsync(address.ToIPAddress(), linked.Token).ConfigureAwait(false);
            return Classify(address, response);
        }
        catch (Exception) when (stoppingToken.IsCancellationRequested)
        {
            return null;
        }
        catch (DnsResponseException ex) when (ex.Code == DnsResponseCode.ConnectionTimeout)
        {
            // DnsClient reports its own timeout and a cancelled query alike, as ConnectionTimeout.
            return Negative(address, ReverseDnsOutcome.Timeout, ex);
        }
        catch (OperationCanceledException ex)
        {
            return Negative(address, ReverseDnsOutcome.Timeout, ex);
        }
        catch (Exception ex) when (ex is DnsResponseException or DnsResponseParseException or SocketException or IOException)
        {
            return Negative(address, ReverseDnsOutcome.Failed, ex);
        }
#pragma warning disable CA1031 // One bad answer must not kill the worker; it is counted and logged (throttled) instead.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return Negative(address, ReverseDnsOutcome.Failed, ex);
        }
    }

    private ReverseDnsName Classify(FlowAddress address, IDnsQueryResponse response)
    {
        if (response.HasError)
        {
            var outcome = response.Header.ResponseCode switch
            {
                DnsHeaderResponseCode.NotExistentDomain => ReverseDnsOutcome.NxDomain,
                DnsHeaderResponseCode.ServerFailure or DnsHeaderResponseCode.Refused => ReverseDnsOutcome.ServerFailure,
                _ => ReverseDnsOutcome.Failed,
            };
            return Negative(address, outcome, null);
        }

        foreach (var record in response.Answers.PtrRecords())
        {
            var name = record.PtrDomainName.Value.TrimEnd('.');
            if (name.Length is > 0 and <= MaxNameLength)
            {
                var ttl = TimeSpan.FromSeconds(Math.Max(0, record.TimeToLive));
                ttl = ttl < _options.PositiveTtlMin ? _options.PositiveTtlMin : ttl > _options.PositiveTtlMax ? _options.PositiveTtlMax : ttl;
                return new ReverseDnsName(address, name, ReverseDnsOutcome.Name, _time.GetUtcNow() + ttl);
            }
        }

        return Negative(address, ReverseDnsOutcome.NoPtr, null);
    }

    private ReverseDnsName Negative(FlowAddress address, ReverseDnsOutcome outcome, Exception? exception)
    {
        if ((outcome is ReverseDnsOutcome.Timeout or ReverseDnsOutcome.ServerFailure or ReverseDnsOutcome.Failed) && ShouldLog(outcome))
        {
            LogLookupProblem(_logger, outcome, address, exception?.Message);
        }

        return new ReverseDnsName(address, null, outcome, _time.GetUtcNow() + _options.NegativeTtl);
    }

    /// <summary>At most one log line per kind of failure a minute: an unreachable server fails every lookup.</summary>
    private bool ShouldLog(ReverseDnsOutcome outcome)
    {
        ref var last = ref _problemLoggedAt[(int)outcome];
        var seen = Volatile.Read(ref last);
        var now = _time.GetTimestamp();
        if (seen != 0 && _time.GetElapsedTime(seen, now) < ProblemLogInterval)
        {
            return false;
        }

        return Interlocked.CompareExchange(ref last, now, seen) == seen;
    }

    private static LookupClient? CreateClient(ReverseDnsOptions options, out string? problem)
    {
        var servers = new List<NameServer>();
        foreach (var server in options.Servers)
        {
            if (ReverseDnsOptions.TryParseServer(server, out var endpoint))
            {
                servers.Add(new NameServer(endpoint));
            }
        }

        try
        {
            // No servers given: the system's, from /etc/resolv.conf (DnsClient re-reads it when the network changes).
            var clientOptions = servers.Count > 0 ? new LookupClientOptions(servers.ToArray()) : new LookupClientOptions();
            clientOptions.UseCache = false; // The resolver's own cache clamps TTLs and holds negative answers.
            clientOptions.Retries = 0; // One attempt within QueryTimeout; a timeout is cached like any negative answer.
            clientOptions.Timeout = options.QueryTimeout;
            clientOptions.ThrowDnsErrors = false;
            clientOptions.EnableAuditTrail = false;
            problem = null;
            return new LookupClient(clientOptions);
        }
#pragma warning disable CA1031 // No DNS server known (no resolv.conf in a container): reverse DNS is off, the app runs on.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            problem = $"No DNS server to ask: {ex.Message} Set {ReverseDnsOptions.SectionName}:{nameof(ReverseDnsOptions.Servers)}.";
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reverse DNS asks {Servers}, at most {MaxInFlight} queries in flight and {MaxQueriesPerSecond} a second")]
    private static partial void LogStarted(ILogger logger, IReadOnlyCollection<NameServer> servers, int maxInFlight, int maxQueriesPerSecond);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reverse DNS is off: {Reason}")]
    private static partial void LogDisabled(ILogger logger, string? reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reverse lookup ended with {Outcome} for {Address}: {Detail} (logged at most once a minute per kind; see the counters)")]
    private static partial void LogLookupProblem(ILogger logger, ReverseDnsOutcome outcome, FlowAddress address, string? detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "The reverse DNS worker failed and stopped")]
    private static partial void LogWorkerFailed(ILogger logger, Exception exception);
}
