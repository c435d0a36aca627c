using FlowWeb.Core.Detection;
using Microsoft.AspNetCore.Components;

namespace FlowWeb.Components.Shared;

/// <summary>
/// A component that follows attacks without a reload: it subscribes to <see cref="AttackDetection"/> once
/// interactive (the detector pulses once a second while an attack is on, and when one starts or ends), refreshes at
/// most once a second and at least every <see cref="FallbackInterval"/>, and ends its subscription when disposed.
/// It reads the detector's published copies only: a page costs the receive path nothing.
/// </summary>
public abstract class AttackWatchBase : ComponentBase, IDisposable
{
    private static readonly TimeSpan MinimumInterval = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly CancellationTokenSource _closed = new();
    private IDisposable? _subscription;
    private bool _disposed;

    [Inject]
    protected AttackDetection Detection { get; set; } = default!;

    [Inject]
    protected TimeProvider Time { get; set; } = default!;

    /// <summary>The reader's time zone, cascaded by the layout; UTC without it.</summary>
    [CascadingParameter]
    public DisplayZone? CascadedZone { get; set; }

    protected DisplayZone Zone => CascadedZone ?? DisplayZone.Utc;

    protected virtual TimeSpan FallbackInterval => TimeSpan.FromSeconds(10);

    protected abstract Task RefreshAsync();

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender && !_disposed)
        {
            _subscription = Detection.Subscribe(Signal);
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
                await Task.Delay(MinimumInterval, Time, closed);
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
