namespace FlowWeb.Core.Collection;

/// <summary>
/// Runs blocking work on a background thread of its own, not the thread pool's, and hands its end (result or
/// exception) to an awaitable task: for loops that own a thread for their whole life (the collector's tick, a
/// benchmark's sender), which must neither hold a pool thread nor be queued behind the pool's other work.
/// </summary>
internal static class DedicatedThread
{
    public static Task<T> Run<T>(string name, Func<T> work)
    {
        var ended = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                ended.SetResult(work());
            }
#pragma warning disable CA1031 // Handed to whoever awaits the task, which fails with it.
            catch (Exception e)
#pragma warning restore CA1031
            {
                ended.SetException(e);
            }
        })
        { IsBackground = true, Name = name };
        thread.Start();
        return ended.Task;
    }

    public static Task Run(string name, Action work) => Run(name, () =>
    {
        work();
        return true;
    });
}
