using System.Runtime.InteropServices;

namespace FlowWeb.Core.Collection;

/// <summary>
/// Sets the calling thread's scheduling priority (its Linux nice value; <c>setpriority</c> on the thread id). A
/// receive thread that falls behind loses datagrams in the kernel for good; everything else in the process can wait.
/// </summary>
internal static partial class ReceivePriority
{
    private const int PrioProcess = 0;

    /// <summary>
    /// Asks for <paramref name="nice"/> for the calling thread; null when it took effect (or 0 was asked: nothing to
    /// do), otherwise why not (not Linux, or the errno, EACCES/EPERM without root or CAP_SYS_NICE).
    /// </summary>
    public static string? TrySet(int nice)
    {
        if (nice == 0)
        {
            return null;
        }

        if (!OperatingSystem.IsLinux())
        {
            return "thread priorities are only set on Linux";
        }

        return SetPriority(PrioProcess, GetTid(), nice) == 0
            ? null
            : $"errno {Marshal.GetLastPInvokeError()}: raising a priority needs root or CAP_SYS_NICE";
    }

    /// <summary>The calling thread's id (Linux; 0 elsewhere).</summary>
    public static int ThreadId() => OperatingSystem.IsLinux() ? GetTid() : 0;

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetTid();

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static partial int SetPriority(int which, int who, int priority);
}
