using System.Buffers;
using System.Net;
using System.Net.Sockets;
using FlowWeb.Core.Decoding;
using FlowWeb.Core.Flows;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FlowWeb.Core.Collection;

/// <summary>
/// The receive loop: one UDP socket, one pooled buffer, one reused <see cref="FlowBatch"/>, every datagram
/// handed to the <see cref="FlowDecoder"/>. Bad data is counted (by the decoder, per exporter and reason) and
/// logged at most once per exporter and problem a minute; nothing a sender does stops the loop. When the port
/// cannot be bound the loop keeps retrying, and the health check reports why.
/// </summary>
public sealed partial class UdpFlowListener(
    IServiceProvider services,
    CollectorStatus status,
    TimeProvider time,
    ILogger<UdpFlowListener> logger) : BackgroundService
{
    /// <summary>Covers the largest UDP payload (65,507 bytes over IPv4, 65,527 over IPv6 without jumbograms).</summary>
    private const int MaxDatagramBytes = 65_536;

    private static readonly TimeSpan BindRetry = TimeSpan.FromSeconds(10);

    /// <summary>A socket error that repeats at once (none is expected on Linux) must not spin a core.</summary>
    private static readonly TimeSpan ReceiveErrorPause = TimeSpan.FromMilliseconds(100);

    // Problem keys beside the decode statuses (a byte enum) in the log throttle.
    private const int DecoderFaultProblem = 256;
    private const int ReceiveProblem = 257;
    private const int BindProblem = 258;

    private readonly ProblemLogThrottle _throttle = new(time);
    private CollectorOptions _options = new();
    private FlowDecoder _decoder = null!;
    private Socket? _firstSocket;

    /// <summary>Binds before the host goes on, so that the port is listening (or the reason it is not is known) once start-up is over.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Resolved here rather than injected: the host builds hosted services before it validates options, and
        // an options error thrown from a constructor would hide the report of every other invalid setting.
        _options = services.GetRequiredService<IOptions<CollectorOptions>>().Value;
        _decoder = services.GetRequiredService<FlowDecoder>();
        _firstSocket = TryOpen();
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                using var socket = Interlocked.Exchange(ref _firstSocket, null) ?? TryOpen();
                if (socket is null)
                {
                    await Task.Delay(BindRetry, time, stoppingToken).ConfigureAwait(false);
                    continue;
                }

                await ReceiveAsync(socket, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            _firstSocket?.Dispose();
            status.Closed();
        }
    }

    private Socket? TryOpen()
    {
        try
        {
            var socket = CollectorSocket.Open(_options, out var fellBack);
            var endpoint = (IPEndPoint)socket.LocalEndPoint!;
            if (fellBack)
            {
                LogIPv6Unavailable(logger, endpoint);
            }

            // Linux grants at most net.core.rmem_max and then reports twice what it granted (room for its own bookkeeping).
            var granted = OperatingSystem.IsLinux() ? socket.ReceiveBufferSize / 2 : socket.ReceiveBufferSize;
            LogListening(logger, endpoint, granted, _options.ReceiveBufferBytes);
            if (granted < _options.ReceiveBufferBytes)
            {
                LogReceiveBufferCapped(logger, granted, _options.ReceiveBufferBytes);
            }

            status.Bound(endpoint);
            return socket;
        }
        catch (SocketException e)
        {
            var where = $"UDP {_options.BindAddress} port {_options.DefaultPort}";
            status.BindFailed($"Cannot listen on {where}: {e.Message}");
            if (_throttle.ShouldLog(FlowAddress.None, BindProblem))
            {
                LogBindFailed(logger, e, where, BindRetry.TotalSeconds);
            }

            return null;
        }
    }

    private async Task ReceiveAsync(Socket socket, CancellationToken stoppingToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(MaxDatagramBytes);
        var sender = new SocketAddress(socket.AddressFamily);
        using var batch = new FlowBatch();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                int length;
                try
                {
                    length = await socket.ReceiveFromAsync(buffer.AsMemory(0, MaxDatagramBytes), SocketFlags.None, sender, stoppingToken).ConfigureAwait(false);
                }
                catch (SocketException e)
                {
                    status.CountReceiveError();
                    if (_throttle.ShouldLog(FlowAddress.None, ReceiveProblem))
                    {
                        LogReceiveFailed(logger, e, e.SocketErrorCode);
                    }

                    await Task.Delay(ReceiveErrorPause, time, stoppingToken).ConfigureAwait(false);
                    continue;
                }

                status.CountDatagram();
                Decode(SocketAddressReader.ExporterOf(sender), buffer.AsSpan(0, length), batch);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Decode(FlowAddress exporter, ReadOnlySpan<byte> datagram, FlowBatch batch)
    {
        batch.Clear();
        try
        {
            var result = _decoder.Decode(exporter, datagram, batch);
            if (result.Status != DecodeStatus.Ok)
            {
                var level = LevelOf(result.Status);
                if (logger.IsEnabled(level) && _throttle.ShouldLog(exporter, (int)result.Status))
                {
                    LogDecodeProblem(logger, level, exporter, result.Status, result.Version, datagram.Length);
                }
            }
        }
#pragma warning disable CA1031 // The decoder is meant never to throw; if a bug makes it, one datagram is lost, not the collector.
        catch (Exception e)
#pragma warning restore CA1031
        {
            status.CountDecoderFault();
            if (_throttle.ShouldLog(exporter, DecoderFaultProblem))
            {
                LogDecoderFault(logger, e, exporter, datagram.Length);
            }
        }
    }

    private static LogLevel LevelOf(DecodeStatus problem) => problem switch
    {
        // Data ahead of its template is normal for a few minutes after either side restarts.
        DecodeStatus.TemplateMissing => LogLevel.Information,

        // Some exporters always pad their datagrams; the records were decoded.
        DecodeStatus.TrailingBytes => LogLevel.Debug,
        _ => LogLevel.Warning,
    };

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Listening for flows on UDP {Endpoint} (receive buffer {GrantedBytes} bytes, {RequestedBytes} requested)")]
    private static partial void LogListening(ILogger logger, IPEndPoint endpoint, int grantedBytes, int requestedBytes);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "The kernel granted a receive buffer of {GrantedBytes} bytes of the {RequestedBytes} requested (Collector:ReceiveBufferBytes); bursts may be dropped. Raise net.core.rmem_max (sysctl) to at least the requested size")]
    private static partial void LogReceiveBufferCapped(ILogger logger, int grantedBytes, int requestedBytes);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "IPv6 is not available on this host; listening on IPv4 only ({Endpoint})")]
    private static partial void LogIPv6Unavailable(ILogger logger, IPEndPoint endpoint);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "Cannot listen on {Where}; retrying every {RetrySeconds} s")]
    private static partial void LogBindFailed(ILogger logger, Exception exception, string where, double retrySeconds);

    [LoggerMessage(EventId = 5, Message = "Datagram from {Exporter}: {Problem} (version {Version}, {Length} bytes); more like it from this exporter are counted, not logged, for a minute")]
    private static partial void LogDecodeProblem(ILogger logger, LogLevel level, FlowAddress exporter, DecodeStatus problem, byte version, int length);

    [LoggerMessage(EventId = 6, Level = LogLevel.Error, Message = "The decoder failed on a datagram from {Exporter} ({Length} bytes); the datagram is dropped")]
    private static partial void LogDecoderFault(ILogger logger, Exception exception, FlowAddress exporter, int length);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "Receiving failed ({SocketError}); the loop goes on")]
    private static partial void LogReceiveFailed(ILogger logger, Exception exception, SocketError socketError);
}
