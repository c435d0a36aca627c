using System.Net;

namespace FlowWeb.Core.Collection;

/// <summary>
/// Live state of the UDP listener, written by its receive loop and read by the health check and the pages.
/// Counters are updated with <see cref="Interlocked"/> so readers on other threads never see torn values.
/// </summary>
public sealed class CollectorStatus
{
    private long _datagrams;
    private long _receiveErrors;
    private long _decoderFaults;
    private volatile IPEndPoint? _listeningOn;
    private volatile string? _bindError;

    /// <summary>The bound local endpoint, or null while the socket is not bound.</summary>
    public IPEndPoint? ListeningOn => _listeningOn;

    /// <summary>Why the last attempt to bind failed; null once bound.</summary>
    public string? BindError => _bindError;

    public bool IsListening => _listeningOn is not null;

    /// <summary>Datagrams received, whatever became of them.</summary>
    public long Datagrams => Interlocked.Read(ref _datagrams);

    /// <summary>Socket errors met while receiving.</summary>
    public long ReceiveErrors => Interlocked.Read(ref _receiveErrors);

    /// <summary>Datagrams on which the decoder threw (a bug: it is meant to report problems, not throw).</summary>
    public long DecoderFaults => Interlocked.Read(ref _decoderFaults);

    internal void Bound(IPEndPoint endpoint)
    {
        _bindError = null;
        _listeningOn = endpoint;
    }

    internal void BindFailed(string error)
    {
        _listeningOn = null;
        _bindError = error;
    }

    internal void Closed() => _listeningOn = null;

    internal void CountDatagram() => Interlocked.Increment(ref _datagrams);

    internal void CountReceiveError() => Interlocked.Increment(ref _receiveErrors);

    internal void CountDecoderFault() => Interlocked.Increment(ref _decoderFaults);
}
