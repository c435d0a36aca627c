using FlowWeb.Core.Live;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace FlowWeb.Components.Shared;

/// <summary>
/// A component that stays current without a reload: it refreshes when the live state reports a change (at most
/// once a second), at least every <see cref="FallbackInterval"/> (ages, graphs and states move on without data),
/// and never more often than <see cref="MinimumInterval"/>. It subscribes only once interactive (prerendering
/// shows one snapshot) and ends its subscription when disposed.
/// </summary>
public abstract class LiveComponentBase : ComponentBase, IDisposable
{
    private static readonly TimeSpan MinimumInterval = TimeSpan.FromMilliseconds(500);

    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly CancellationTokenSource _closed = new();
    private readonly Lock _sync = new();
    private IDisposable? _subscription;
    private CircuitConnection? _connection;
    private bool _disposed;

    [Inject]
    protected SensorLiveState Live { get; set; } = default!;

    [Inject]
    protected TimeProvider Time { get; set; } = default!;

    /// <summary>The reader's time zone, cascaded by the layout; UTC without it.</summary>
    [CascadingParameter]
    public DisplayZone? CascadedZone { get; set; }

    protected DisplayZone Zone => CascadedZone ?? DisplayZone.Utc;

    [Inject]
    private IServiceProvider Services { get; set; } = default!;

    /// <summary>The longest a page goes without a refresh.</summary>
    protected virtual TimeSpan FallbackInterval => TimeSpan.FromSeconds(2);

    /// <summary>Reads what the component shows; runs on the component's dispatcher, followed by a render.</summary>
    protected abstract Task RefreshAsync();

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender && !_disposed)
        {
            // Absent outside a real circuit (component tests): the page then counts as always connected.
            _connection = Services.GetService<CircuitConnection>();
            if (_connection is not null)
            {
                _connection.Changed += OnConnectionChanged;
            }

            _subscription = Live.Subscribe(Signal);
            _ = RefreshUntilClosedAsync(_closed.Token);
        }
    }

    /// <summary>A browser that went away gets no refreshes and holds no subscription until it is back.</summary>
    private void OnConnectionChanged(bool up)
    {
        lock (_sync)
        {
            if (_disposed)
            {
                return;
            }

            if (!up)
            {
                _subscription?.Dispose();
                _subscription = null;
            }
            else
            {
                _subscription ??= Live.Subscribe(Signal);
                Signal();
            }
        }
    }

    private void Signal()
    {
        try
        {
            if (_signal.CurrentCount == 0)
            {
                _signal.Release();
            }
        }
        catch (Exception e) when (e is SemaphoreFullException or ObjectDisposedException)
        {
            // A refresh is already pending, or the component is gone.
        }
    }

    private async Task RefreshUntilClosedAsync(CancellationToken closed)
    {
        try
        {
            while (!closed.IsCancellationRequested)
            {
                await _signal.WaitAsync(FallbackInterval, closed);
                await InvokeAsync(async () =>
                {
                    if (!closed.IsCancellationRequested && _connection?.IsUp != false)
                    {
                        await RefreshAsync();
                        StateHasChanged();
                    }
                });
                await Task.Delay(MinimumInterval, Time, closed);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
            // The page was closed, or its circuit went away, between two refreshes.
        }
#pragma warning disable CA1031 // Anything else is a bug: hand it to the circuit like an error in a render, which logs it and shows the error UI.
        catch (Exception e)
#pragma warning restore CA1031
        {
            await DispatchExceptionAsync(e);
        }
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (_disposed || !disposing)
        {
            return;
        }

        lock (_sync)
        {
            _disposed = true;
            _subscription?.Dispose();
            _subscription = null;
        }

        if (_connection is not null)
        {
            _connection.Changed -= OnConnectionChanged;
        }

        _closed.Cancel();
        _closed.Dispose();
        _signal.Dispose();
    }
}
