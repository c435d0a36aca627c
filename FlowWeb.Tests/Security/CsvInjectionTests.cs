using System.Globalization;
using System.Net;
using FlowWeb.Api;
using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Channels;
using FlowWeb.Core.Dns;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Storage.History;
using FlowWeb.Tests.Api;
using FlowWeb.Tests.Web;
using Microsoft.Extensions.DependencyInjection;

namespace FlowWeb.Tests.Security;

/// <summary>
/// OWASP CSV injection through the real exports: PTR names are written by whoever owns the remote address space and
/// channel names by whoever edits sensors; a spreadsheet must see them as text, never as formulas.
/// </summary>
public sealed class CsvInjectionTests : IDisposable
{
    private static readonly string[] HostileNames = ["=1+2*3", "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd", "-2+3", "\tx", "\r=1"];

    private readonly FlowWebFactory _factory = new();
    private readonly HttpClient _client;
    private readonly DateTimeOffset _start = DateTimeOffset.FromUnixTimeSeconds(HistoryBuckets.AlignDown(DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeSeconds(), 900));

    public CsvInjectionTests() => _client = _factory.CreateClient();

    [Fact]
    public async Task ToplistCsv_HostilePtrNames_EveryCellStartsWithAnApostrophe()
    {
        using var created = await _client.PostJsonAsync("/api/sensors", new SensorRequest { Name = "uplink", Port = LoopbackPorts.FreeUdp() });
        var sensor = await created.ReadAsync<SensorResponse>(HttpStatusCode.Created);
        var rows = HostileNames.Select((n, i) => new ToplistRow(new ToplistKey(FlowAddress.Parse($"192.0.2.{i + 1}")), 1000 - i, 1, 1, 0)).ToArray();
        var period = new ToplistPeriodResult(_start, _start.AddMinutes(15), rows, rows.Sum(r => r.Bytes), rows.Length, rows.Length, false, 0, rows.Length);
        var writer = _factory.Services.GetRequiredService<HistoryWriter>();
        Assert.True(writer.TryWriteToplist(sensor.Id, 1, period, [.. HostileNames.Select(n => new HostNamePair(n, null))]));
        await writer.FlushAsync();
        var range = $"from={Iso(_start)}&to={Iso(_start.AddMinutes(15))}";

        foreach (var export in new[] { "periods.csv", "merged.csv" })
        {
            var csv = await _client.GetStringAsync(ApiJson.Url($"/api/sensors/{sensor.Id}/history/toplists/1/{export}?{range}"));

            var cells = HostNameCells(csv);
            Assert.Equal(HostileNames.Length, cells.Count);
            Assert.All(cells, c => Assert.StartsWith("'", c, StringComparison.Ordinal));
            Assert.Contains("'=1+2*3", cells);
            Assert.Contains("'@SUM(1+1)*cmd", cells);
        }
    }

    [Fact]
    public async Task ChannelCsv_HostileChannelName_NeutralisedAndQuoted()
    {
        using var created = await _client.PostJsonAsync("/api/sensors", new SensorRequest
        {
            Name = "uplink", Port = LoopbackPorts.FreeUdp(), CustomChannels = "#1:=HYPERLINK(\"http://x\",\"y\")\nPort[53]",
        });
        var sensor = await created.ReadAsync<SensorResponse>(HttpStatusCode.Created);
        var writer = _factory.Services.GetRequiredService<HistoryWriter>();
        Assert.True(writer.TryWriteMinutes([new ChannelMinute(sensor.Id, 1, _start, 1000, 1, 1, 100)]));
        await writer.FlushAsync();

        var csv = await _client.GetStringAsync(ApiJson.Url($"/api/sensors/{sensor.Id}/history/channels.csv?from={Iso(_start)}&to={Iso(_start.AddMinutes(1))}"));

        var line = Assert.Single(csv.Split("\r\n"), l => l.Contains("HYPERLINK", StringComparison.Ordinal));
        Assert.Contains(",1,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",1000,", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("plain.example", "plain.example")]
    [InlineData("-1", "'-1")]
    [InlineData("=a,b", "\"'=a,b\"")]
    [InlineData("", "")]
    public void Escape_Cell_NeutralisedThenQuoted(string cell, string expected) => Assert.Equal(expected, HistoryCsv.Escape(cell));

    /// <summary>The host_name_a cells (column 15) of the data lines; a cell may be quoted and hold CR.</summary>
    private static List<string> HostNameCells(string csv)
    {
        var cells = new List<string>();
        foreach (var line in ParseCsv(csv).Skip(1))
        {
            cells.Add(line[14]);
        }

        return cells;
    }

    private static List<List<string>> ParseCsv(string csv)
    {
        var lines = new List<List<string>>();
        var line = new List<string>();
        var cell = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < csv.Length; i++)
        {
            var c = csv[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < csv.Length && csv[i + 1] == '"') { cell.Append('"'); i++; }
                else if (c == '"') { quoted = false; }
                else { cell.Append(c); }
            }
            else if (c == '"') { quoted = true; }
            else if (c == ',') { line.Add(cell.ToString()); cell.Clear(); }
            else if (c == '\r' && i + 1 < csv.Length && csv[i + 1] == '\n')
            {
                line.Add(cell.ToString());
                cell.Clear();
                lines.Add(line);
                line = [];
                i++;
            }
            else { cell.Append(c); }
        }

        return lines;
    }

    private static string Iso(DateTimeOffset time) => Uri.EscapeDataString(time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));

    public void Dispose()
    {
        _client.Dispose();
        _factory.Dispose();
    }
}
