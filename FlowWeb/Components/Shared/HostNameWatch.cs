using FlowWeb.Core.Dns;
using FlowWeb.Core.Flows;

namespace FlowWeb.Components.Shared;

/// <summary>
/// Host names for the addresses a component shows, without ever waiting for DNS. <see cref="Name"/> answers from
/// the cache and queues a lookup on a miss; once <see cref="Start"/>ed, the end of a lookup for an address asked
/// for since the last <see cref="Reset"/> calls <c>arrived</c>, once per burst of answers (they are gathered for
/// <see cref="Coalesce"/>), so that a table re-renders once for a screenful of names rather than once per name.
/// Addresses asked for are remembered until the next <see cref="Reset"/>, so the set is bounded by what is shown.
/// </summary>
internal sealed class HostNameWatch : IDisposable
{
    private static readonly TimeSpan Coalesce = TimeSpan.FromMilliseconds(200);

    private readonly ReverseDnsResolver _resolver;
    private readonly TimeProvider _time;
    private readonly Func<Task> _arrived;
    private readonly Lock _sync = new();
    private readonly HashSet<FlowAddress> _waiting = [];
    private IDisposable? _subscription;
    private int _scheduled;
    private volatile bool _disposed;

    /// <param name="arrived">Called (on a timer thread) when names asked for have arrived; a component passes its own InvokeAsync of a rebuild and render.</param>
    public HostNameWatch(ReverseDnsResolver resolver, TimeProvider time, Func<Task> arrived)
    {
        _resolver = resolver;
        _time = time;
        _arrived = arrived;
    }

    /// <summary>Starts hearing of answers: call once interactive (a prerendered page is never updated).</summary>
    public void Start()
    {
        if (_subscription is not null || _disposed)
        {
            return;
        }

        _subscription = _resolver.Subscribe(OnResolved);

        // An answer that came between the first render's requests and the subscription was not heard: look again.
        bool answered;
        lock (_sync)
        {
            answered = _waiting.RemoveWhere(a => _resolver.TryGetCached(a, out _)) > 0;
        }

        if (answered)
        {
            Schedule();
        }
    }

    /// <summary>Forgets the addresses asked for; call before asking for the names of a new set of rows.</summary>
    public void Reset()
    {
        lock (_sync)
        {
            _waiting.Clear();
        }
    }

    /// <summary>The cached name of <paramref name="address"/>; null while unknown, after queuing a lookup when none is cached or pending.</summary>
    public string? Name(FlowAddress address)
    {
        if (address.IsNone)
        {
            return null;
        }

        if (_resolver.TryGetCached(address, out var cached))
        {
            return cached.Name;
        }

        // Remembered before the request: an answer that arrives right after it must find the address waiting.
        lock (_sync)
        {
            _waiting.Add(address);
        }

        var result = _resolver.Request(address);
        if (result is ReverseDnsRequestResult.Queued or ReverseDnsRequestResult.AlreadyPending)
        {
            return null;
        }

        lock (_sync)
        {
            _waiting.Remove(address);
        }

        return result == ReverseDnsRequestResult.Cached ? _resolver.NameOrNull(address) : null;
    }

    private void OnResolved(ReverseDnsName name)
    {
        lock (_sync)
        {
            if (!_waiting.Remove(name.Address))
            {
                return;
            }
        }

        Schedule();
    }

    private void Schedule()
    {
        if (Interlocked.Exchange(ref _scheduled, 1) == 0)
        {
            _ = NotifyAsync();
        }
    }

    private async Task NotifyAsync()
    {
        try
        {
            await Task.Delay(Coalesce, _time).ConfigureAwait(false);
            Volatile.Write(ref _scheduled, 0);
            if (!_disposed)
            {
                await _arrived().ConfigureAwait(false);
            }
        }
        catch (ObjectDisposedException)
        {
            // The component's circuit went away while the names were on their way.
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _subscription?.Dispose();
    }
}
