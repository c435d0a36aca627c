using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace FlowWeb.Tests.Dns;

/// <summary>
/// A DNS server on 127.0.0.1 that answers every query with one response code and nothing else (dnsmasq has no
/// switch to answer SERVFAIL or REFUSED on purpose). It echoes the header and question (RFC 1035 4.1) with QR set.
/// </summary>
internal sealed class ErrorDnsServer : IAsyncDisposable
{
    private const int HeaderLength = 12;

    private readonly UdpClient _socket = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly byte _responseCode;

    public ErrorDnsServer(byte responseCode)
    {
        _responseCode = responseCode;
        _loop = AnswerAsync();
    }

    public IPEndPoint EndPoint => (IPEndPoint)_socket.Client.LocalEndPoint!;

    private async Task AnswerAsync()
    {
        // Bounded like every loop in the tests: a test sends a handful of queries.
        for (var i = 0; i < 1_000; i++)
        {
            UdpReceiveResult query;
            try
            {
                query = await _socket.ReceiveAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var length = QuestionEnd(query.Buffer);
            if (length < 0)
            {
                continue;
            }

            var response = query.Buffer.AsSpan(0, length).ToArray();
            response[2] = (byte)(0x80 | (query.Buffer[2] & 0x01)); // QR, opcode QUERY, RD copied
            response[3] = (byte)(0x80 | _responseCode); // RA and the response code
            BinaryPrimitives.WriteUInt16BigEndian(response.AsSpan(6), 0); // no answers,
            BinaryPrimitives.WriteUInt32BigEndian(response.AsSpan(8), 0); // authorities or additional records
            await _socket.SendAsync(response, query.RemoteEndPoint, _stop.Token);
        }
    }

    /// <summary>The length of the header and the first question, or -1 when the query is shorter than they say.</summary>
    private static int QuestionEnd(byte[] query)
    {
        var offset = HeaderLength;
        while (offset < query.Length && query[offset] != 0)
        {
            offset += query[offset] + 1;
        }

        offset += 1 + 4; // the root label, then type and class
        return offset <= query.Length ? offset : -1;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
            // Cancelled while sending.
        }

        _socket.Dispose();
        _stop.Dispose();
    }
}
