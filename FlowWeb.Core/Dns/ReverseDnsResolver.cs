using System.Collections.Concurrent;
using System.Threading.Channels;
using DnsClient;
using FlowWeb.Core.Flows;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FlowWeb.Core.Dns;

/// <summary>
/// Names for addresses, for pages that show them. Nothing here waits for the network: <see cref="TryGetCached"/>
/// and <see cref="NameOrNull"/> read the cache, <see cref="Request"/> queues a lookup and returns, and subscribers
/// (<see cref="Subscribe"/>) hear when one ends, so a row can show the address first and its name as soon as it
/// arrives. Lookups run on the worker (<see cref="RunAsync"/>, hosted by <see cref="ReverseDnsWorker"/>) with at
/// most <c>MaxInFlight</c> queries at once and <c>MaxQueriesPerSecond</c> started a second; requests for an address
/// already queued or being looked up join that lookup. Everything is bounded: the cache (<c>MaxEntries</c>), the
/// queue (<c>MaxQueuedRequests</c>, oldest dropped and counted) and so the set of pending addresses.
/// </summary>
public sealed partial class ReverseDnsResolver
{
    private readonly ReverseDnsOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly LookupClient? _client;
    private readonly ReverseDnsCache _cache;
    private readonly ReverseDnsCounters _counters = new();
    private readonly Channel<FlowAddress> _queue;

    // Queued or being looked up; bounded by the queue plus the lookups in flight, since a dropped request leaves it.
    private readonly ConcurrentDictionary<FlowAddress, byte> _pending = new();
    private readonly Lock _subscribersLock = new();
    private Action<ReverseDnsName>[] _subscribers = [];

    public ReverseDnsResolver(IOptions<ReverseDnsOptions> options, TimeProvider time, ILogger<ReverseDnsResolver> logger)
        : this(options?.Value ?? throw new ArgumentNullException(nameof(options)), time, (ILogger)logger)
    {
    }

    internal ReverseDnsResolver(ReverseDnsOptions options, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        var errors = options.Validate().ToList();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        _options = options;
        _time = time;
        _logger = logger;
        _cache = new ReverseDnsCache(options.MaxEntries, time);

        // Drop-oldest: the newest requests are for what is on screen now; the oldest may have scrolled away.
        _queue = Channel.CreateBounded<FlowAddress>(
            new BoundedChannelOptions(options.MaxQueuedRequests)
            {
                FullMode = BoundedChannelFullMode.DropOldest,
                SingleReader = true,
            },
            OnRequestDropped);

        if (options.Enabled)
        {
            _client = CreateClient(options, out var problem);
            DisabledReason = problem;
        }
        else
        {
            DisabledReason = $"{ReverseDnsOptions.SectionName}:{nameof(ReverseDnsOptions.Enabled)} is false.";
        }
    }

    /// <summary>Whether lookups are made: enabled in the configuration and a DNS server is known.</summary>
    public bool IsEnabled => _client is not null;

    /// <summary>Why <see cref="IsEnabled"/> is false; null while it is true.</summary>
    public string? DisabledReason { get; }

    /// <summary>
    /// The cached answer for <paramref name="address"/> (a name, or a negative answer with a null name), never
    /// waiting. False when nothing unexpired is cached; this does not queue a lookup (see <see cref="Request"/>).
    /// </summary>
    public bool TryGetCached(FlowAddress address, out ReverseDnsName name)
    {
        if (_client is null)
        {
            name = default;
            return false;
        }

        var hit = _cache.TryGet(address, out name);
        _counters.CacheRead(hit);
        return hit;
    }

    /// <summary>The cached name of <paramref name="address"/>, or null when none is cached (yet); never waits.</summary>
    public string? NameOrNull(FlowAddress address) => TryGetCached(address, out var name) ? name.Name : null;

    /// <summary>
    /// The cached name of <paramref name="address"/>, or null while none is known; on a cache miss a lookup is
    /// queued as by <see cref="Request"/>. What a table row calls when it renders an address. Never waits.
    /// </summary>
    public string? NameOrRequest(FlowAddress address)
    {
        if (TryGetCached(address, out var name))
        {
            return name.Name;
        }

        Request(address);
        return null;
    }

    /// <summary>Queues a lookup for <paramref name="address"/> unless its answer is cached or one is already pending; never waits.</summary>
    public ReverseDnsRequestResult Request(FlowAddress address)
    {
        if (_client is null)
        {
            return ReverseDnsRequestResult.Disabled;
        }

        if (address.IsNone || (!_options.ResolvePrivateAddresses && PrivateAddressRanges.Contains(address)))
        {
            _counters.Skipped();
            return ReverseDnsRequestResult.Skipped;
        }

        if (_cache.TryGet(address, out _))
        {
            return ReverseDnsRequestResult.Cached;
        }

        if (!_pending.TryAdd(address, 0))
        {
            _counters.Coalesced();
            return ReverseDnsRequestResult.AlreadyPending;
        }

        // With drop-oldest a write fails only once the worker has stopped and completed the queue.
        if (!_queue.Writer.TryWrite(address))
        {
            _pending.TryRemove(address, out _);
            return ReverseDnsRequestResult.Disabled;
        }

        return ReverseDnsRequestResult.Queued;
    }

    /// <summary>
    /// Calls <paramref name="onResolved"/> each time a lookup ends (with a name or a negative answer) until the
    /// returned handle is disposed. It runs on the lookup worker's threads and must be quick: a page should hand it
    /// to its own throttled render (<c>InvokeAsync</c>). An exception from it is logged and does not stop others.
    /// </summary>
    public IDisposable Subscribe(Action<ReverseDnsName> onResolved)
    {
        ArgumentNullException.ThrowIfNull(onResolved);
        lock (_subscribersLock)
        {
            _subscribers = [.. _subscribers, onResolved];
        }

        return new Subscription(this, onResolved);
    }

    public ReverseDnsStatistics GetStatistics() =>
        _counters.Snapshot(_queue.Reader.Count, _cache.Count, _cache.Evictions);

    private void Unsubscribe(Action<ReverseDnsName> onResolved)
    {
        lock (_subscribersLock)
        {
            var index = Array.IndexOf(_subscribers, onResolved);
            if (index >= 0)
            {
                _subscribers = [.. _subscribers.AsSpan(0, index), .. _subscribers.AsSpan(index + 1)];
            }
        }
    }

    private void Notify(ReverseDnsName name)
    {
        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            try
            {
                subscriber(name);
            }
#pragma warning disable CA1031 // A page's callback must not stop the lookups or the other pages' callbacks.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogSubscriberFailed(_logger, ex);
            }
        }
    }

    private void OnRequestDropped(FlowAddress address)
    {
        _pending.TryRemove(address, out _);
        _counters.Dropped();
    }

    private sealed class Subscription(ReverseDnsResolver owner, Action<ReverseDnsName> onResolved) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Unsubscribe(onResolved);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A reverse DNS subscriber threw")]
    private static partial void LogSubscriberFailed(ILogger logger, Exception exception);
}
