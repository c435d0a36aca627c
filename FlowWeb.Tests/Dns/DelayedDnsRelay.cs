using System.Net;
using System.Net.Sockets;

namespace FlowWeb.Tests.Dns;

/// <summary>
/// A UDP relay on 127.0.0.1 that holds each query for <c>delay</c> before passing it to a real DNS server (dnsmasq)
/// and the answer back: a slow resolver, so that a test can see what a page shows while a lookup is under way.
/// Only ever talks to loopback.
/// </summary>
internal sealed class DelayedDnsRelay : IAsyncDisposable
{
    private readonly UdpClient _socket = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly CancellationTokenSource _stop = new();
    private readonly IPEndPoint _server;
    private readonly TimeSpan _delay;
    private readonly Task _loop;
    private int _queries;

    public DelayedDnsRelay(IPEndPoint server, TimeSpan delay)
    {
        if (!IPAddress.IsLoopback(server.Address))
        {
            throw new ArgumentException("The relay only passes queries to a server on loopback.", nameof(server));
        }

        _server = server;
        _delay = delay;
        _loop = RelayAsync();
    }

    public IPEndPoint EndPoint => (IPEndPoint)_socket.Client.LocalEndPoint!;

    /// <summary>Queries received so far.</summary>
    public int Queries => Volatile.Read(ref _queries);

    private async Task RelayAsync()
    {
        var pending = new List<Task>();

        // Bounded like every loop in the tests: a test sends a handful of queries.
        for (var i = 0; i < 1_000 && !_stop.IsCancellationRequested; i++)
        {
            UdpReceiveResult query;
            try
            {
                query = await _socket.ReceiveAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            Interlocked.Increment(ref _queries);
            pending.Add(AnswerAsync(query));
        }

        await Task.WhenAll(pending);
    }

    private async Task AnswerAsync(UdpReceiveResult query)
    {
        try
        {
            await Task.Delay(_delay, _stop.Token);
            using var upstream = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            await upstream.SendAsync(query.Buffer, _server, _stop.Token);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            var answer = await upstream.ReceiveAsync(timeout.Token);
            await _socket.SendAsync(answer.Buffer, query.RemoteEndPoint, _stop.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped, or the server did not answer: the resolver sees a timeout, as it would from a real one.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _socket.Dispose();
        _stop.Dispose();
    }
}
