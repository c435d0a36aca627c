using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using FlowWeb.Core.Decoding;
using FlowWeb.Core.Flows;

namespace FlowWeb.Core.Collection;

/// <summary>The receive loop: take datagrams off the socket, decode each into the reused batch, deliver it.</summary>
public sealed partial class PortListener
{
    /// <summary>One receive thread: its own socket on the port, its own batch, and its own <paramref name="shard"/> of every sensor.</summary>
    private void ReceiveLoop(Socket socket, int shard)
    {
        _threadIds[shard] = ReceivePriority.ThreadId();
        if (ReceivePriority.TrySet(_nice) is { } refused)
        {
            PriorityRefused = refused;
            if (Interlocked.Exchange(ref s_priorityRefusalLogged, 1) == 0)
            {
                LogPriorityRefused(_logger, _nice, refused);
            }
        }

        // Records keep no copy of their bytes here: nothing on this path reads raw elements (the decode tool does).
        using var batch = new FlowBatch { KeepRawBytes = false };
        var multi = _batchReceive ? new LinuxMultiReceive() : null;
        var buffer = multi is null ? GC.AllocateArray<byte>(MaxDatagramBytes, pinned: true) : null;
        var from = new SocketAddress(socket.AddressFamily);
        EndPoint anyEndPoint = socket.AddressFamily == AddressFamily.InterNetworkV6 ? new IPEndPoint(IPAddress.IPv6Any, 0) : new IPEndPoint(IPAddress.Any, 0);
        while (!_stopping)
        {
            try
            {
                if (multi is not null && !Routes.NeedsLocalAddress)
                {
                    var count = multi.Receive(socket);
                    if (_stopping)
                    {
                        // Closing the socket wakes the wait with an empty message from no one: not a datagram.
                        return;
                    }

                    for (var i = 0; i < count; i++)
                    {
                        Handle(SocketAddressReader.ExporterOf(multi.Sender(i)), FlowAddress.None, multi.Datagram(i), batch, shard);
                    }

                    continue;
                }

                buffer ??= GC.AllocateArray<byte>(MaxDatagramBytes, pinned: true);
                if (Routes.NeedsLocalAddress)
                {
                    // Only sensors limited to some of this host's addresses need the destination; it costs an allocation.
                    var flags = SocketFlags.None;
                    var remote = anyEndPoint;
                    var length = socket.ReceiveMessageFrom(buffer, ref flags, ref remote, out var info);
                    if (_stopping)
                    {
                        return;
                    }

                    var local = info.Address is null ? FlowAddress.None : FlowAddress.FromIPAddress(info.Address);
                    Handle(FlowAddress.FromIPAddress(((IPEndPoint)remote).Address), local, buffer.AsSpan(0, length), batch, shard);
                }
                else
                {
                    var length = socket.ReceiveFrom(buffer, SocketFlags.None, from);
                    if (_stopping)
                    {
                        return;
                    }

                    Handle(SocketAddressReader.ExporterOf(from), FlowAddress.None, buffer.AsSpan(0, length), batch, shard);
                }
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock or SocketError.Interrupted)
            {
                // The receive timeout only lets the loop notice a stop request.
            }
            catch (Exception) when (_stopping)
            {
                return;
            }
#pragma warning disable CA1031 // A failing receive must not end the loop: count, log (rate-limited), go on.
            catch (Exception e)
#pragma warning restore CA1031
            {
                _status.CountDecoderFault();
                if (_throttle.ShouldLog(FlowAddress.None, LoopFaultProblem))
                {
                    LogLoopFault(_logger, e, Port, FlowAddress.None);
                }
            }
        }
    }

    /// <summary>
    /// Books a receive thread's wait for the decoder's lock (<paramref name="sensor"/> null) or a sensor's, in
    /// <see cref="LockWaits"/>, and says so in the log when it lasted <see cref="LongWait"/> or more: datagrams queued in
    /// the socket meanwhile, and the metric alone does not say which lock or when.
    /// </summary>
    private void BookWait(long stopwatchTicks, Aggregation.SensorAggregator? sensor)
    {
        LockWaits.Record(stopwatchTicks);
        if (stopwatchTicks >= LongWaitTicks)
        {
            LogLongWait(_logger, Port, (long)(stopwatchTicks * 1000.0 / Stopwatch.Frequency),
                sensor is null ? "the decoder" : $"sensor '{sensor.Definition.Name}'");
        }
    }

    /// <summary>A lock wait of the receive thread the log reports (see <see cref="BookWait"/>).</summary>
    public static readonly TimeSpan LongWait = TimeSpan.FromSeconds(1);

    private static readonly long LongWaitTicks = (long)(LongWait.TotalSeconds * Stopwatch.Frequency);

    /// <summary>Decodes one datagram and hands its records to the sensors it is routed to; a failure costs this datagram only.</summary>
    private void Handle(FlowAddress exporter, FlowAddress local, ReadOnlySpan<byte> datagram, FlowBatch batch, int shard)
    {
        try
        {
            Interlocked.Increment(ref _datagrams);
            _status.CountDatagram();
            var now = _time.GetUtcNow();
            batch.Clear();
            DecodeResult result;
            long waited = 0;
            if (!_decoderLock.TryEnter())
            {
                var waitStart = Stopwatch.GetTimestamp();
                _decoderLock.Enter();
                waited = Stopwatch.GetTimestamp() - waitStart;
            }

            try
            {
                result = _decoder.Decode(exporter, datagram, batch, LocalEndPoint.Port);
            }
            finally
            {
                _decoderLock.Exit();
            }

            BookWait(waited, null);
            if (result.Status != DecodeStatus.Ok)
            {
                LogProblem(exporter, result, datagram.Length);
            }

            // Read the table after the receive: it may have changed while the loop waited for this datagram.
            if (Routes.Route(exporter, local, (batch, now, listener: this, shard), static (sensor, state) => state.listener.BookWait(sensor.Ingest(state.batch, state.now, state.shard), sensor)) == 0)
            {
                Interlocked.Increment(ref _unrouted);
            }
        }
        catch (Exception) when (_stopping)
        {
            throw;
        }
#pragma warning disable CA1031 // One bad datagram or one failing sensor must not stop the collector: count, log (rate-limited), go on.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _status.CountDecoderFault();
            if (_throttle.ShouldLog(exporter, LoopFaultProblem))
            {
                LogLoopFault(_logger, e, Port, exporter);
            }
        }
    }
}
