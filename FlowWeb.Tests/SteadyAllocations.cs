namespace FlowWeb.Tests;

/// <summary>
/// Bytes a piece of code allocates on this thread once it runs in its steady state. The runtime may allocate on the
/// calling thread while it tiers a method up in the middle of a measured loop (CI once saw 5,696 bytes over 100,000
/// allocation-free calls); the smallest of a few runs is the code's own. An allocation per call still shows in every
/// run, so a test of zero cannot pass by luck.
/// </summary>
internal static class SteadyAllocations
{
    public static long Of(Action run, int attempts = 5)
    {
        ArgumentNullException.ThrowIfNull(run);
        var least = long.MaxValue;
        for (var i = 0; i < attempts && least > 0; i++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            run();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return least;
    }
}
