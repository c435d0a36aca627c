using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace FlowWeb.Core.Collection;

/// <summary>
/// Linux <c>recvmmsg(2)</c>: up to <see cref="Slots"/> datagrams per system call instead of one, the cheapest way to
/// take a burst off a UDP socket. The buffers are pinned managed arrays allocated once per receive thread (no
/// <c>unsafe</c> code: the kernel gets their addresses, this code reads them as spans). Only the wire layout of the
/// x86-64/arm64 structures below is relied on; elsewhere <see cref="IsSupported"/> is false and the caller receives one
/// datagram at a time through <see cref="Socket"/>.
/// <code>
/// struct iovec   { void *iov_base; size_t iov_len; }                                           16 bytes
/// struct msghdr  { void *msg_name; socklen_t msg_namelen; (pad 4) struct iovec *msg_iov; size_t msg_iovlen;
///                  void *msg_control; size_t msg_controllen; int msg_flags; (pad 4) }        56 bytes
/// struct mmsghdr { struct msghdr msg_hdr; unsigned int msg_len; (pad 4) }                      64 bytes
/// </code>
/// </summary>
internal sealed partial class LinuxMultiReceive
{
    /// <summary>Datagrams taken per call: enough to empty a burst in a few calls, small enough to stay in cache.</summary>
    public const int Slots = 32;

    /// <summary>Every slot holds the largest UDP payload, so nothing is ever truncated.</summary>
    public const int SlotBytes = 65_536;

    private const int NameBytes = 32; // sockaddr_in6 is 28
    private const int MsgWaitForOne = 0x10000;
    private const int MsgTrunc = 0x20;
    private const int EAgain = 11, EIntr = 4;

    [StructLayout(LayoutKind.Sequential)]
    private struct IoVec
    {
        public nint Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Explicit, Size = 64)]
    private struct MMsgHdr
    {
        [FieldOffset(0)] public nint Name;
        [FieldOffset(8)] public uint NameLength;
        [FieldOffset(16)] public nint Iov;
        [FieldOffset(24)] public nuint IovLength;
        [FieldOffset(32)] public nint Control;
        [FieldOffset(40)] public nuint ControlLength;
        [FieldOffset(48)] public int Flags;
        [FieldOffset(56)] public uint Length;
    }

    private readonly byte[] _data = GC.AllocateUninitializedArray<byte>(Slots * SlotBytes, pinned: true);
    private readonly byte[] _names = GC.AllocateArray<byte>(Slots * NameBytes, pinned: true);
    private readonly IoVec[] _iov = GC.AllocateArray<IoVec>(Slots, pinned: true);
    private readonly MMsgHdr[] _headers = GC.AllocateArray<MMsgHdr>(Slots, pinned: true);
    private readonly nint _headersAddress;

    public LinuxMultiReceive()
    {
        for (var i = 0; i < Slots; i++)
        {
            _iov[i] = new IoVec { Base = Marshal.UnsafeAddrOfPinnedArrayElement(_data, i * SlotBytes), Length = SlotBytes };
        }

        _headersAddress = Marshal.UnsafeAddrOfPinnedArrayElement(_headers, 0);
    }

    /// <summary>Linux on a 64-bit platform, where the layouts above hold.</summary>
    public static bool IsSupported => OperatingSystem.IsLinux() && Environment.Is64BitProcess && (RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64);

    /// <summary>
    /// Waits for at least one datagram (up to the socket's receive timeout) and takes what else is queued, up to
    /// <see cref="Slots"/>. Returns how many; 0 when the timeout passed or a signal interrupted the wait.
    /// </summary>
    public int Receive(Socket socket)
    {
        for (var i = 0; i < Slots; i++)
        {
            _headers[i] = new MMsgHdr
            {
                Name = Marshal.UnsafeAddrOfPinnedArrayElement(_names, i * NameBytes),
                NameLength = NameBytes,
                Iov = Marshal.UnsafeAddrOfPinnedArrayElement(_iov, i),
                IovLength = 1,
            };
        }

        // The reference keeps the descriptor from being closed (and its number reused) while the call runs.
        var handle = socket.SafeHandle;
        var added = false;
        int received;
        try
        {
            handle.DangerousAddRef(ref added);
            received = RecvMMsg(handle.DangerousGetHandle(), _headersAddress, Slots, MsgWaitForOne, 0);
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }

        if (received >= 0)
        {
            return received;
        }

        var errno = Marshal.GetLastPInvokeError();
        return errno is EAgain or EIntr ? 0 : throw new SocketException(errno);
    }

    /// <summary>The payload of datagram <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> Datagram(int index) => _data.AsSpan(index * SlotBytes, (int)Math.Min(_headers[index].Length, SlotBytes));

    /// <summary>Whether the kernel cut datagram <paramref name="index"/> short (it cannot: a slot holds any UDP payload).</summary>
    public bool Truncated(int index) => (_headers[index].Flags & MsgTrunc) != 0;

    /// <summary>The sender's socket address (sockaddr_in or sockaddr_in6) of datagram <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> Sender(int index) => _names.AsSpan(index * NameBytes, (int)Math.Min(_headers[index].NameLength, NameBytes));

    [LibraryImport("libc", EntryPoint = "recvmmsg", SetLastError = true)]
    private static partial int RecvMMsg(nint socket, nint messages, uint count, int flags, nint timeout);
}
