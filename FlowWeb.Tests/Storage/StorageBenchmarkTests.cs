using FlowWeb.Core.Storage;
using FlowWeb.Core.Storage.History;

namespace FlowWeb.Tests.Storage;

public sealed class StorageBenchmarkTests
{
    [Fact]
    public async Task Run_SmallStore_ReportsEveryRangeAndDeletesItsFile()
    {
        var folder = Directory.CreateTempSubdirectory("flowweb-bench-").FullName;
        try
        {
            var output = new StringWriter();

            var result = await StorageBenchmark.RunAsync(output, folder, sensors: 3, channels: 2, hourDays: 4, minuteDays: 1);

            Assert.Equal(["2 h", "2 d", "30 d", "365 d"], result.Queries.Select(q => q.Range));
            Assert.Equal([HistoryResolution.Minute, HistoryResolution.Minute, HistoryResolution.Hour, HistoryResolution.Day], result.Queries.Select(q => q.Resolution));
            Assert.Equal(120 * 2, result.Queries[0].Buckets);
            Assert.Equal(3 * 2 * 1440, result.MinuteRows);
            Assert.True(result.DatabaseBytes > 0 && result.WriterRowsPerSecond > 0 && result.WriterLateRowsPerSecond > 0);
            Assert.Contains("database size:", output.ToString(), StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(folder, StorageBenchmark.FileName)));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
