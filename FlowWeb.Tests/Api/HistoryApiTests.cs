using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using FlowWeb.Api;
using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Channels;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Storage.History;
using FlowWeb.Tests.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace FlowWeb.Tests.Api;

/// <summary>
/// The history endpoints of the real app over history written through its own history writer into its SQLite file:
/// exact values in JSON and CSV, and problem details naming the parameter for every bad input.
/// </summary>
public sealed class HistoryApiTests : IDisposable
{
    private readonly FlowWebFactory _factory = new();
    private readonly HttpClient _client;

    // Whole minutes an hour ago, so every bucket and five-minute sample of the ranges below is complete.
    private readonly DateTimeOffset _start = DateTimeOffset.FromUnixTimeSeconds(HistoryBuckets.AlignDown(DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeSeconds(), 300));

    public HistoryApiTests() => _client = _factory.CreateClient();

    [Fact]
    public async Task ChannelHistory_TenStoredMinutes_BucketsAndBillingStatisticsInBitsPerSecond()
    {
        var sensor = await CreateSensorAsync("Office uplink");
        await WriteMinutesAsync(sensor.Id, minutes: 10, bytesPerMinute: m => m < 5 ? 750_000 : 1_500_000);

        var history = await _client.GetAsync<ChannelHistoryResponse>($"/api/sensors/{sensor.Id}/history/channels?from={Iso(_start)}&to={Iso(_start.AddMinutes(10))}");

        Assert.Equal((HistoryResolution.Minute, 60, _start, _start.AddMinutes(10)), (history.Resolution, history.BucketSeconds, history.From, history.To));
        Assert.Equal([ChannelIds.Total, 100], history.Channels.Select(c => c.Id));
        var web = history.Channels.Single(c => c.Id == 100);
        Assert.Equal("Web", web.Name);
        Assert.Equal(10, web.Buckets.Count);
        Assert.Equal((_start, 750_000.0, 100_000.0), (web.Buckets[0].Start, web.Buckets[0].Bytes, web.Buckets[0].BitsPerSecond));
        Assert.Equal(200_000, web.Buckets[9].BitsPerSecond, 9);
        Assert.Equal((2, 300), (web.Samples, web.SampleSeconds));
        Assert.Equal((150_000.0, 200_000.0, 200_000.0), (web.AverageBitsPerSecond, web.MaximumBitsPerSecond, web.Percentile95BitsPerSecond));
        Assert.Equal(11_250_000, web.TotalBytes, 9);
        Assert.Equal("Total", history.Channels[0].Name);
    }

    [Fact]
    public async Task ChannelHistoryCsv_StoredMinutes_HeaderAndOneLinePerBucketAndChannelWithExactValues()
    {
        var sensor = await CreateSensorAsync("Office uplink");
        await WriteMinutesAsync(sensor.Id, minutes: 3, bytesPerMinute: m => 60_000 * (m + 1));

        using var response = await _client.GetAsync(ApiJson.Url($"/api/sensors/{sensor.Id}/history/channels.csv?from={Iso(_start)}&to={Iso(_start.AddMinutes(3))}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"office-uplink-channels-{_start.UtcDateTime:yyyyMMdd-HHmm}-{_start.AddMinutes(3).UtcDateTime:yyyyMMdd-HHmm}.csv", response.Content.Headers.ContentDisposition?.FileName);
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(HistoryCsv.ChannelHeader, lines[0]);
        Assert.Equal(7, lines.Length);
        var unix = _start.ToUnixTimeSeconds();
        Assert.Equal($"{_start.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ},{unix},-1,Total,60000,60,6,8000,16000,60", lines[1]);
        Assert.Equal($"{_start.AddMinutes(2).UtcDateTime:yyyy-MM-ddTHH:mm:ssZ},{unix + 120},100,Web,180000,180,6,24000,48000,60", lines[6]);
    }

    [Fact]
    public async Task DeviceChannelHistory_TwoSensors_SummedPerChannelAndBucket_CsvToo()
    {
        using var deviceResponse = await _client.PostJsonAsync("/api/devices", new DeviceRequest { Name = "core-router", Address = "192.0.2.1" });
        var device = await deviceResponse.ReadAsync<DeviceResponse>(HttpStatusCode.Created);
        var a = await CreateSensorAsync("wan", device.Id);
        var b = await CreateSensorAsync("lan", device.Id);
        var other = await CreateSensorAsync("elsewhere");
        await WriteMinutesAsync(a.Id, 2, _ => 100_000);
        await WriteMinutesAsync(b.Id, 2, _ => 25_000);
        await WriteMinutesAsync(other.Id, 2, _ => 1_000_000);

        var history = await _client.GetAsync<ChannelHistoryResponse>($"/api/devices/{device.Id}/history/channels?from={Iso(_start)}&to={Iso(_start.AddMinutes(2))}");

        Assert.Equal(new HashSet<Guid> { a.Id, b.Id }, history.SensorIds.ToHashSet());
        Assert.Equal([125_000.0, 125_000.0], history.Channels.Single(c => c.Id == ChannelIds.Total).Buckets.Select(x => x.Bytes));
        var csv = await _client.GetStringAsync(ApiJson.Url($"/api/devices/{device.Id}/history/channels.csv?from={Iso(_start)}&to={Iso(_start.AddMinutes(2))}"));
        Assert.Contains($",{_start.ToUnixTimeSeconds()},-1,Total,125000,", csv, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ToplistHistory_TwoStoredPeriods_ListedReadOneByOneMergedAndExported()
    {
        var sensor = await CreateSensorAsync("Office uplink");
        var download = new ToplistKey(FlowAddress.Parse("192.168.88.10"), FlowAddress.Parse("203.0.113.7"), 50_000, 443, 6);
        var dns = new ToplistKey(FlowAddress.Parse("192.168.88.11"), FlowAddress.Parse("198.51.100.53"), 40_000, 53, 17);
        var writer = _factory.Services.GetRequiredService<HistoryWriter>();
        Assert.True(writer.TryWriteToplist(sensor.Id, 2, Period(_start, (download, 500_000), (dns, 600))));
        Assert.True(writer.TryWriteToplist(sensor.Id, 2, Period(_start.AddMinutes(15), (download, 250_000))));
        await writer.FlushAsync();
        var range = $"from={Iso(_start)}&to={Iso(_start.AddMinutes(30))}";

        var periods = await _client.GetAsync<ToplistPeriodResponse[]>($"/api/sensors/{sensor.Id}/history/toplists/2/periods?{range}");
        Assert.Equal([_start, _start.AddMinutes(15)], periods.Select(p => p.Start));
        Assert.Equal((500_600L, 2, 2), (periods[0].TotalBytes, periods[0].DistinctKeys, periods[0].StoredRows));

        var first = await _client.GetAsync<StoredToplistResponse>($"/api/sensors/{sensor.Id}/history/toplists/2/periods/{periods[0].Id}");
        Assert.Equal(("Top Connections", 1), (first.Name, first.Periods));
        Assert.Equal(["192.168.88.10:50000 -> 203.0.113.7:443 TCP", "192.168.88.11:40000 -> 198.51.100.53:53 UDP"], first.Rows.Select(r => r.Label));
        Assert.Equal((500_000L, "203.0.113.7", 443), (first.Rows[0].Bytes, first.Rows[0].DestinationAddress, first.Rows[0].DestinationPort));

        var merged = await _client.GetAsync<StoredToplistResponse>($"/api/sensors/{sensor.Id}/history/toplists/2/merged?{range}");
        Assert.Equal((2, 750_600L, false), (merged.Periods, merged.TotalBytes, merged.Approximate));
        Assert.Equal([750_000L, 600L], merged.Rows.Select(r => r.Bytes));
        Assert.Equal((double)750_000 / 750_600, merged.Rows[0].Share, 9);

        var csv = (await _client.GetStringAsync(ApiJson.Url($"/api/sensors/{sensor.Id}/history/toplists/2/periods.csv?{range}"))).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(HistoryCsv.ToplistHeader, csv[0]);
        Assert.Equal($"{_start.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ},{_start.AddMinutes(15).UtcDateTime:yyyy-MM-ddTHH:mm:ssZ},1,192.168.88.10,203.0.113.7,50000,443,6,0,0,500000,500,5,0,,,,,,,,", csv[1]);
        Assert.Equal(4, csv.Length);
        var mergedCsv = (await _client.GetStringAsync(ApiJson.Url($"/api/sensors/{sensor.Id}/history/toplists/2/merged.csv?{range}"))).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, mergedCsv.Length);
        Assert.Contains(",1,192.168.88.10,203.0.113.7,50000,443,6,0,0,750000,750,7,0,", mergedCsv[1], StringComparison.Ordinal);
    }

    /// <summary>
    /// Item 2 of issue 12, through the API: a range ending now, at hour and at minute resolution, with the hour still
    /// filling: every channel's totalBytes is the sum of its buckets (the running one included), its maximum is the
    /// highest bucket, the running bucket says how many seconds it covers and its rate is over those seconds, the
    /// average is the total over the covered time, and the CSV carries the same bytes as whole numbers. A device of
    /// two sensors: exact sums, and only its busiest second is flagged as an upper bound.
    /// </summary>
    [Theory]
    [InlineData("hour", 5 * 60)]
    [InlineData("minute", 2 * 60)]
    public async Task ChannelHistory_RangeEndingNowWithRunningHour_TotalsAreBucketSumsAndMaximumIsHighestBucket(string resolution, int minutes)
    {
        using var deviceResponse = await _client.PostJsonAsync("/api/devices", new DeviceRequest { Name = "edge", Address = "192.0.2.2" });
        var device = await deviceResponse.ReadAsync<DeviceResponse>(HttpStatusCode.Created);
        var a = await CreateSensorAsync("uplink a", device.Id);
        var b = await CreateSensorAsync("uplink b", device.Id);
        var now = DateTimeOffset.UtcNow;
        var current = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds() / 60 * 60);
        var random = new Random(minutes);

        // Minutes up to the current one (as a graceful stop writes the running minute), so the hour holding now has data.
        var rows = new List<ChannelMinute>();
        foreach (var sensor in new[] { a.Id, b.Id })
        {
            for (var m = current.AddMinutes(-minutes); m <= current; m = m.AddMinutes(1))
            {
                var web = Math.Round(random.NextDouble() * 3e8, 2);
                rows.Add(new ChannelMinute(sensor, ChannelIds.Total, m, web + 1000.4, 7.3, 2, (web + 1000) / 20));
                rows.Add(new ChannelMinute(sensor, 100, m, web, 5.6, 1, web / 20));
            }
        }

        var writer = _factory.Services.GetRequiredService<HistoryWriter>();
        Assert.True(writer.TryWriteMinutes(rows));
        await writer.FlushAsync();
        var range = $"from={Iso(current.AddMinutes(-minutes))}&to={Iso(now)}&resolution={resolution}";

        foreach (var (path, summed) in new[] { ($"sensors/{a.Id}", false), ($"devices/{device.Id}", true) })
        {
            var history = await _client.GetAsync<ChannelHistoryResponse>($"/api/{path}/history/channels?{range}");
            var csv = (await _client.GetStringAsync(ApiJson.Url($"/api/{path}/history/channels.csv?{range}"))).Split("\r\n", StringSplitOptions.RemoveEmptyEntries)[1..]
                .Select(l => l.Split(',')).ToList();
            Assert.Equal(2, history.Channels.Count);
            foreach (var channel in history.Channels)
            {
                var buckets = channel.Buckets;
                Assert.Equal(buckets.Sum(x => x.Bytes), channel.TotalBytes, 1e-6);
                Assert.Equal(buckets.Max(x => x.BitsPerSecond), channel.MaximumBitsPerSecond, 1e-6);
                Assert.All(buckets, x => Assert.True(x.BitsPerSecond <= channel.MaximumBitsPerSecond));
                Assert.All(buckets, x => Assert.Equal(x.Bytes * 8 / x.Seconds, x.BitsPerSecond, 1e-6));
                Assert.Equal(channel.TotalBytes * 8 / (channel.CoveredTo - channel.CoveredFrom).TotalSeconds, channel.AverageBitsPerSecond, 1e-6);
                Assert.Equal(summed, channel.PeakIsUpperBound);
                Assert.Equal(resolution == "hour" ? 3600 : 60, history.BucketSeconds);
                if (resolution == "hour")
                {
                    Assert.False(buckets[^1].Complete);
                    Assert.True(buckets[^1].Seconds is >= 60 and < 3600, $"the running hour covers {buckets[^1].Seconds} s");
                    Assert.All(buckets.SkipLast(1), x => Assert.True(x.Complete));
                }

                var lines = csv.Where(c => c[2] == channel.Id.ToString(CultureInfo.InvariantCulture)).ToList();
                Assert.Equal(buckets.Count, lines.Count);
                Assert.All(lines, c => Assert.Matches("^[0-9]+$", c[4]));
                Assert.Equal(channel.TotalBytes, lines.Sum(c => long.Parse(c[4], CultureInfo.InvariantCulture)), lines.Count * 0.5);
                Assert.Equal(buckets.Select(x => x.Seconds.ToString(CultureInfo.InvariantCulture)), lines.Select(c => c[9]));
            }

            if (summed)
            {
                var total = history.Channels.Single(c => c.Id == ChannelIds.Total);
                var single = await _client.GetAsync<ChannelHistoryResponse>($"/api/sensors/{b.Id}/history/channels?{range}");
                var first = await _client.GetAsync<ChannelHistoryResponse>($"/api/sensors/{a.Id}/history/channels?{range}");
                Assert.Equal(first.Channels[0].TotalBytes + single.Channels[0].TotalBytes, total.TotalBytes, 1e-3);
            }
        }
    }

    [Theory]
    [InlineData("from=2025-03-02T00:00:00Z&to=2025-03-01T00:00:00Z", "from", "must be earlier than to (2025-03-02T00:00:00Z is not before 2025-03-01T00:00:00Z)")]
    [InlineData("from=yesterday", "from", "\"yesterday\" is not a time: use an ISO 8601 time (e.g. 2025-03-01T10:00:00Z; without an offset it is UTC) or Unix seconds")]
    [InlineData("to=2025-13-01", "to", "\"2025-13-01\" is not a time: use an ISO 8601 time (e.g. 2025-03-01T10:00:00Z; without an offset it is UTC) or Unix seconds")]
    [InlineData("resolution=second", "resolution", "\"second\" is not a resolution: use auto, minute, hour or day")]
    [InlineData("from=2024-01-01T00:00:00Z&to=2025-01-01T00:00:00Z&resolution=minute", "resolution", "minute resolution gives 527,040 buckets for this range, more than 100,000: choose a coarser resolution, a shorter range, or auto")]
    [InlineData("from=2000-01-01T00:00:00Z&to=2025-01-01T00:00:00Z", "from", "the range may span at most 3,660 days (day history is kept 10 years)")]
    public async Task ChannelHistory_BadQuery_ValidationProblemNamingTheParameter(string query, string field, string message)
    {
        var sensor = await CreateSensorAsync("Office uplink");

        foreach (var path in new[] { "channels", "channels.csv" })
        {
            using var response = await _client.GetAsync(ApiJson.Url($"/api/sensors/{sensor.Id}/history/{path}?{query}"));

            var problem = await response.ValidationProblemAsync();
            Assert.Equal([message], problem.Errors[field]);
            Assert.Single(problem.Errors);
        }
    }

    [Fact]
    public async Task ToplistHistory_BadCountAndRange_EveryErrorByParameter()
    {
        var sensor = await CreateSensorAsync("Office uplink");

        using var response = await _client.GetAsync(ApiJson.Url($"/api/sensors/{sensor.Id}/history/toplists/2/merged?from=soon&count=0"));

        var problem = await response.ValidationProblemAsync();
        Assert.Equal(["count", "from"], problem.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["must be 1 to 10,000"], problem.Errors["count"]);
    }

    [Fact]
    public async Task History_UnknownSensorDeviceToplistOrPeriod_NotFoundProblem()
    {
        var sensor = await CreateSensorAsync("Office uplink");
        var stranger = await CreateSensorAsync("Branch");
        var writer = _factory.Services.GetRequiredService<HistoryWriter>();
        Assert.True(writer.TryWriteToplist(stranger.Id, 2, Period(_start, (new ToplistKey(FlowAddress.Parse("192.0.2.1")), 10))));
        await writer.FlushAsync();
        var strangersPeriod = Assert.Single(await _client.GetAsync<ToplistPeriodResponse[]>($"/api/sensors/{stranger.Id}/history/toplists/2/periods?from={Iso(_start)}&to={Iso(_start.AddMinutes(15))}"));
        var unknown = Guid.NewGuid();

        (string Path, string Detail)[] cases =
        [
            ($"/api/sensors/{unknown}/history/channels", $"There is no sensor with id {unknown}."),
            ($"/api/sensors/{unknown}/history/channels.csv", $"There is no sensor with id {unknown}."),
            ($"/api/devices/{unknown}/history/channels", $"There is no device with id {unknown}."),
            ($"/api/sensors/{sensor.Id}/history/toplists/99/periods", "Sensor Office uplink has no toplist with id 99."),
            ($"/api/sensors/{sensor.Id}/history/toplists/2/periods/{strangersPeriod.Id}", $"Toplist Top Connections of sensor Office uplink has no stored period with id {strangersPeriod.Id}."),
        ];
        foreach (var (path, detail) in cases)
        {
            using var response = await _client.GetAsync(ApiJson.Url(path));
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path}: {(int)response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(detail, (await response.Content.ReadFromJsonAsync<ProblemDetails>(ApiJson.Options))!.Detail);
        }
    }

    private async Task<SensorResponse> CreateSensorAsync(string name, Guid? device = null)
    {
        using var response = await _client.PostJsonAsync("/api/sensors", new SensorRequest { Name = name, Port = LoopbackPorts.FreeUdp(), DeviceId = device });
        return await response.ReadAsync<SensorResponse>(HttpStatusCode.Created);
    }

    /// <summary>Minutes from <see cref="_start"/> on Total and Web (the same bytes), through the app's own history writer.</summary>
    private async Task WriteMinutesAsync(Guid sensor, int minutes, Func<int, double> bytesPerMinute)
    {
        var rows = Enumerable.Range(0, minutes).SelectMany(m => new[] { ChannelIds.Total, 100 }.Select(c =>
            new ChannelMinute(sensor, c, _start.AddMinutes(m), bytesPerMinute(m), bytesPerMinute(m) / 1000, 6, bytesPerMinute(m) / 30))).ToList();
        var writer = _factory.Services.GetRequiredService<HistoryWriter>();
        Assert.True(writer.TryWriteMinutes(rows));
        await writer.FlushAsync();
    }

    private static ToplistPeriodResult Period(DateTimeOffset start, params (ToplistKey Key, long Bytes)[] rows) =>
        new(start, start.AddMinutes(15), [.. rows.Select(r => new ToplistRow(r.Key, r.Bytes, r.Bytes / 1000, Math.Max(1, r.Bytes / 100_000), 0))],
            rows.Sum(r => r.Bytes), rows.Sum(r => r.Bytes / 1000), rows.Sum(r => Math.Max(1, r.Bytes / 100_000)), false, 0, rows.Length);

    private static string Iso(DateTimeOffset time) => Uri.EscapeDataString(time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));

    public void Dispose()
    {
        _client.Dispose();
        _factory.Dispose();
    }
}
