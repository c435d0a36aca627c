using Microsoft.AspNetCore.Components.Server.Circuits;

namespace FlowWeb.Components.Shared;

/// <summary>
/// Whether this circuit's browser is connected. A tab that is closed without telling the server (a browser that was
/// killed, a laptop that went to sleep, a lost network) leaves a disconnected circuit that Blazor keeps for a while
/// for a reconnection; live pages stop their refreshes and subscriptions while it is down, so a closed page costs
/// nothing from the moment its connection goes, not from the moment its circuit is finally discarded.
/// </summary>
public sealed class CircuitConnection : CircuitHandler
{
    public bool IsUp { get; private set; } = true;

    /// <summary>Raised with the new state (on the circuit's handler thread).</summary>
    public event Action<bool>? Changed;

    public override Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        IsUp = true;
        Changed?.Invoke(true);
        return Task.CompletedTask;
    }

    public override Task OnConnectionDownAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        IsUp = false;
        Changed?.Invoke(false);
        return Task.CompletedTask;
    }
}
