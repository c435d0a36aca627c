using FlowWeb.Core.Dns;
using Microsoft.Extensions.Time.Testing;

namespace FlowWeb.Tests.Dns;

public sealed class QueryRateGateTests
{
    [Fact]
    public void TryTake_FullBucket_OneSecondsWorthThenWaitsOneInterval()
    {
        var clock = new FakeTimeProvider();
        var gate = new QueryRateGate(10, clock);

        var taken = Enumerable.Range(0, 10).Count(_ => gate.TryTake() == TimeSpan.Zero);
        var wait = gate.TryTake();

        Assert.Equal(10, taken);
        Assert.Equal(TimeSpan.FromMilliseconds(100), wait);
    }

    [Fact]
    public void TryTake_OverTenSeconds_NeverMoreThanRatePerSecondPlusTheInitialBurst()
    {
        var clock = new FakeTimeProvider();
        var gate = new QueryRateGate(50, clock);
        var taken = 0;

        // Ten seconds in 1 ms steps, taking whatever is there at each step.
        for (var step = 0; step < 10_000; step++)
        {
            while (gate.TryTake() == TimeSpan.Zero)
            {
                taken++;
            }

            clock.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.Equal(50 + (50 * 10) - 1, taken);
    }

    [Fact]
    public async Task TakeAsync_EmptyBucket_WaitsForTheClock()
    {
        var clock = new FakeTimeProvider();
        var gate = new QueryRateGate(1, clock);
        Assert.Equal(TimeSpan.Zero, gate.TryTake());

        var waiting = gate.TakeAsync(CancellationToken.None).AsTask();
        await Task.Delay(50);
        var doneBefore = waiting.IsCompleted;
        clock.Advance(TimeSpan.FromSeconds(1));
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.False(doneBefore);
    }
}
