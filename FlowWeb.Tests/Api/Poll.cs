namespace FlowWeb.Tests.Api;

/// <summary>Reads through the API until an answer satisfies a condition, within a bound (the collector works on its own threads).</summary>
internal static class Poll
{
    /// <summary>The first answer that satisfies <paramref name="done"/>, or fails the test with the last answer after <paramref name="timeout"/>.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan timeout, Func<T, string> describe)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var answer = await read();
            if (done(answer))
            {
                return answer;
            }

            if (DateTime.UtcNow >= deadline)
            {
                Assert.Fail($"not within {timeout.TotalSeconds} s: {describe(answer)}");
            }

            await Task.Delay(50);
        }
    }
}
