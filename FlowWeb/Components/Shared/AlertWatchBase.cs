using FlowWeb.Core.Alerts;
using Microsoft.AspNetCore.Components;

namespace FlowWeb.Components.Shared;

/// <summary>
/// A component that follows alarms and events without a reload: it subscribes to the <see cref="AlertCenter"/> once
/// interactive, refreshes after a change (at most twice a second: a burst of events is one render) and every
/// <see cref="FallbackInterval"/> (ages move on), and ends its subscription when disposed.
/// </summary>
public abstract class AlertWatchBase : ComponentBase, IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly CancellationTokenSource _closed = new();
    private IDisposable? _subscription;
    private bool _disposed;

    [Inject]
    protected AlertCenter Alerts { get; set; } = default!;

    [Inject]
    protected TimeProvider Time { get; set; } = default!;

    protected virtual TimeSpan FallbackInterval => TimeSpan.FromSeconds(10);

    protected abstract Task RefreshAsync();

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender && !_disposed)
        {
            _subscription = Alerts.Subscribe(Signal);
            _ = RefreshUntilClosedAsync(_closed.Token);
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
            // A refresh is pending already, or the component is gone.
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
                    if (!closed.IsCancellationRequested)
                    {
                        await RefreshAsync();
                        StateHasChanged();
                    }
                });
                await Task.Delay(TimeSpan.FromMilliseconds(500), Time, closed);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
            // Closed between two refreshes.
        }
#pragma warning disable CA1031 // Anything else is a bug: hand it to the circuit, which logs it and shows the error UI.
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

        _disposed = true;
        _subscription?.Dispose();
        _closed.Cancel();
        _closed.Dispose();
        _signal.Dispose();
    }
}
