using System.Collections.Concurrent;
using FlowWeb.Core.Dns;
using FlowWeb.Core.Flows;
using Microsoft.Extensions.Logging.Abstractions;

namespace FlowWeb.Tests.Dns;

/// <summary>A resolver with its worker running, and a way to wait (bounded) for the answers it announces.</summary>
internal sealed class ResolverHarness : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _worker;
    private readonly IDisposable _subscription;
    private readonly ConcurrentDictionary<FlowAddress, TaskCompletionSource<ReverseDnsName>> _answers = new();

    public ResolverHarness(ReverseDnsOptions options, TimeProvider? time = null)
    {
        Resolver = new ReverseDnsResolver(options, time ?? TimeProvider.System, NullLogger.Instance);
        _subscription = Resolver.Subscribe(name => Answer(name.Address).TrySetResult(name));
        _worker = Resolver.RunAsync(_stop.Token);
    }

    public ReverseDnsResolver Resolver { get; }

    public ReverseDnsStatistics Statistics => Resolver.GetStatistics();

    public static ReverseDnsOptions Options(string server) => new() { Servers = { server }, QueryTimeout = TimeSpan.FromSeconds(2) };

    /// <summary>The next announced answer for <paramref name="address"/> (or the one already announced).</summary>
    public async Task<ReverseDnsName> AnswerAsync(FlowAddress address, TimeSpan? timeout = null) =>
        await Answer(address).Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(5));

    /// <summary>Requests <paramref name="address"/> and waits for its answer.</summary>
    public async Task<ReverseDnsName> ResolveAsync(FlowAddress address)
    {
        Forget(address);
        Assert.Equal(ReverseDnsRequestResult.Queued, Resolver.Request(address));
        return await AnswerAsync(address);
    }

    public void Forget(FlowAddress address) => _answers.TryRemove(address, out _);

    /// <summary>Waits (at most <paramref name="timeout"/>) until <paramref name="condition"/> holds.</summary>
    public async Task<bool> EventuallyAsync(Func<ReverseDnsStatistics, bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (!condition(Statistics))
        {
            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            await Task.Delay(10);
        }

        return true;
    }

    private TaskCompletionSource<ReverseDnsName> Answer(FlowAddress address) =>
        _answers.GetOrAdd(address, _ => new TaskCompletionSource<ReverseDnsName>(TaskCreationOptions.RunContinuationsAsynchronously));

    public async ValueTask DisposeAsync()
    {
        _subscription.Dispose();
        await _stop.CancelAsync();
        await _worker.WaitAsync(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }
}
