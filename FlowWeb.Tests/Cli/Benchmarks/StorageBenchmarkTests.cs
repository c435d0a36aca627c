using FlowWeb.Cli.Benchmarks;
using FlowWeb.Core.Storage.History;

namespace FlowWeb.Tests.Cli.Benchmarks;

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
            Assert.Equal(["2 h", "2 d", "30 d", "365 d"], result.DeviceQueries.Select(q => q.Range));
            Assert.Equal(120 * 2, result.DeviceQueries[0].Buckets);
            Assert.Equal((600, 100), (result.Toplists.Periods, result.Toplists.RowsPerPeriod));
            Assert.True(result.Toplists.RowsPerSecond > 0 && result.FillTime > TimeSpan.Zero);

            // 100 sensors x 12 channels: 1,200 minute rows a minute; 6 toplists of 100 rows (+ the period row) every 15 minutes.
            Assert.Equal((20.0, 600, 60_600), (result.Need.MinuteRowsPerSecond, result.Need.ToplistBurstPeriods, result.Need.ToplistBurstRows));
            Assert.Equal(60_600 / 900.0, result.Need.ToplistRowsPerSecond, 9);
            Assert.Contains("need of 100 sensors x 12 channels", output.ToString(), StringComparison.Ordinal);
            Assert.Contains("database size:", output.ToString(), StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(folder, StorageBenchmark.FileName)));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
