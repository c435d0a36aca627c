using System.Collections;
using System.Reflection;
using FlowWeb.Core.Channels;
using FlowWeb.Core.Sensors;
using FlowWeb.Core.Storage;

namespace FlowWeb.Tests.Storage;

public sealed class EfSensorStoreTests
{
    private static readonly Guid DeviceId = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");

    private static SensorDefinition FullSensor() => new()
    {
        Id = Guid.Parse("7c9e6679-7425-40de-944b-e07fc1f90ae7"),
        Name = "Uplink, ether1",
        Tags = ["wan", "bgp", "Ünïcode"],
        Priority = 5,
        DeviceId = DeviceId,
        Protocol = ExpectedProtocol.Ipfix,
        Port = 4739,
        ReceiveAddresses = ["192.0.2.1", "2001:db8::1"],
        SenderIp = "192.0.2.10",
        ActiveFlowTimeoutMinutes = 10,
        SamplingMode = SamplingMode.Fixed,
        SamplingRate = 512,
        ChannelGroups = new Dictionary<StandardChannelGroup, ChannelGroupMode>
        {
            [StandardChannelGroup.Web] = ChannelGroupMode.Detail,
            [StandardChannelGroup.Mail] = ChannelGroupMode.No,
            [StandardChannelGroup.OtherProtocols] = ChannelGroupMode.Yes,
        },
        CustomChannels = "#1:DNS\nport = 53",
        IncludeFilter = "SourceIP[10.0.0.0/8]",
        ExcludeFilter = "Protocol[ICMP]",
        Toplists =
        [
            new() { Id = 7, Name = "By AS", Type = ToplistType.Custom, Fields = [ToplistField.SourceAs, ToplistField.DestinationAs, ToplistField.Protocol], PeriodMinutes = 5, Count = 25, ReverseDns = false },
            new() { Id = 2, Name = "Top Connections", Type = ToplistType.TopConnections, Fields = [ToplistField.Vlan], PeriodMinutes = 60, Count = 1000, ReverseDns = false },
        ],
        Limits =
        [
            new FlowWeb.Core.Alerts.Limits.ChannelLimit
            {
                ChannelId = FlowWeb.Core.Channels.ChannelIds.Total, Metric = FlowWeb.Core.Alerts.Limits.LimitMetric.BitsPerSecond, UpperError = 950e6, UpperWarning = 800e6,
                LowerWarning = 1e6, LowerError = 1000, UpperErrorMessage = "saturated", UpperWarningMessage = "busy", LowerWarningMessage = "quiet",
                LowerErrorMessage = "dead", HoldSeconds = 30,
            },
        ],
        Detection = new()
        {
            Mode = FlowWeb.Core.Detection.DetectionMode.On,
            ProtectedNetworks = ["192.0.2.0/24", "2001:db8::/32"],
            Incoming = new() { SynPacketsPerSecond = 5000, BitsPerSecond = 0 },
            Outgoing = new() { UdpPacketsPerSecond = 70_000 },
            HostGroups = [new() { Name = "DNS", Prefixes = ["192.0.2.53", "2001:db8::53"], Incoming = new() { UdpPacketsPerSecond = 9000 } }],
        },
        Paused = true,
    };

    [Fact]
    public void FullSensor_EveryProperty_DiffersFromDefault()
    {
        var sample = FullSensor();
        var defaults = new SensorDefinition();

        foreach (var property in typeof(SensorDefinition).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            Assert.False(SameValue(property.GetValue(defaults), property.GetValue(sample)), $"{property.Name} is not populated in the sample");
        }
    }

    [Fact]
    public async Task SaveSensor_FullyPopulated_ReadsBackEveryField()
    {
        using var database = await TestDatabase.CreateAsync();
        var store = new EfSensorStore(database.Contexts);
        var sensor = FullSensor();

        await store.SaveSensorAsync(sensor);
        var read = Assert.Single(await store.GetSensorsAsync());

        AssertSameProperties(sensor, read);
        Assert.Equal(sensor.Toplists.Count, read.Toplists.Count);
        for (var i = 0; i < sensor.Toplists.Count; i++)
        {
            AssertSameProperties(sensor.Toplists[i], read.Toplists[i]);
        }
    }

    [Fact]
    public async Task SaveSensor_AgainWithFewerGroupsAndToplists_ReplacesChildren()
    {
        using var database = await TestDatabase.CreateAsync();
        var store = new EfSensorStore(database.Contexts);
        var sensor = FullSensor();
        await store.SaveSensorAsync(sensor);
        var changed = sensor with
        {
            Name = "Renamed",
            Tags = [],
            ChannelGroups = new Dictionary<StandardChannelGroup, ChannelGroupMode> { [StandardChannelGroup.Chat] = ChannelGroupMode.Detail },
            Toplists = [sensor.Toplists[1]],
        };

        await store.SaveSensorAsync(changed);
        var read = Assert.Single(await store.GetSensorsAsync());

        Assert.Equal("Renamed", read.Name);
        Assert.Empty(read.Tags);
        Assert.Equal(ChannelGroupMode.Detail, Assert.Single(read.ChannelGroups, g => g.Key == StandardChannelGroup.Chat).Value);
        Assert.Single(read.ChannelGroups);
        Assert.Equal(2, Assert.Single(read.Toplists).Id);
    }

    [Fact]
    public async Task DeleteSensor_Saved_RemovesItWithItsChildRows()
    {
        using var database = await TestDatabase.CreateAsync();
        var store = new EfSensorStore(database.Contexts);
        var sensor = FullSensor();
        await store.SaveSensorAsync(sensor);

        var deleted = await store.DeleteSensorAsync(sensor.Id);
        var again = await store.DeleteSensorAsync(sensor.Id);

        Assert.True(deleted);
        Assert.False(again);
        Assert.Empty(await store.GetSensorsAsync());
        Assert.Equal(0, await database.ScalarAsync("SELECT count(*) FROM SensorToplists") + await database.ScalarAsync("SELECT count(*) FROM SensorChannelGroups"));
    }

    [Fact]
    public async Task GetSensors_Several_OrderedByNameIgnoringCase()
    {
        using var database = await TestDatabase.CreateAsync();
        var store = new EfSensorStore(database.Contexts);
        foreach (var name in new[] { "beta", "Alpha", "gamma" })
        {
            await store.SaveSensorAsync(new SensorDefinition { Name = name });
        }

        var names = (await store.GetSensorsAsync()).Select(s => s.Name);

        Assert.Equal(["Alpha", "beta", "gamma"], names);
    }

    [Fact]
    public async Task SaveDevice_FullyPopulated_ReadsBackEveryFieldAndUpdates()
    {
        using var database = await TestDatabase.CreateAsync();
        var store = new EfSensorStore(database.Contexts);
        var device = new DeviceDefinition { Id = DeviceId, Name = "hEX S", Address = "2001:db8::10", Notes = "rack 2, \"top\"" };

        await store.SaveDeviceAsync(device);
        var read = Assert.Single(await store.GetDevicesAsync());
        await store.SaveDeviceAsync(device with { Name = "hEX S (core)" });
        var updated = Assert.Single(await store.GetDevicesAsync());

        Assert.Equal(device, read);
        Assert.Equal("hEX S (core)", updated.Name);
    }

    [Fact]
    public async Task DeleteDevice_WithSensor_SensorStaysWithoutDevice()
    {
        using var database = await TestDatabase.CreateAsync();
        var store = new EfSensorStore(database.Contexts);
        await store.SaveDeviceAsync(new DeviceDefinition { Id = DeviceId, Name = "router" });
        await store.SaveSensorAsync(FullSensor());

        var deleted = await store.DeleteDeviceAsync(DeviceId);

        Assert.True(deleted);
        Assert.Empty(await store.GetDevicesAsync());
        Assert.Null(Assert.Single(await store.GetSensorsAsync()).DeviceId);
    }

    private static void AssertSameProperties<T>(T expected, T actual)
    {
        foreach (var property in typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.Name == nameof(SensorDefinition.Toplists))
            {
                continue;
            }

            Assert.True(SameValue(property.GetValue(expected), property.GetValue(actual)), $"{typeof(T).Name}.{property.Name} differs after the round trip");
        }
    }

    /// <summary>Values, sequences in order, dictionaries as sets of pairs.</summary>
    private static bool SameValue(object? a, object? b) => (a, b) switch
    {
        (IDictionary x, IDictionary y) => x.Count == y.Count && x.Keys.Cast<object>().All(k => y.Contains(k) && Equals(x[k], y[k])),
        (IEnumerable x, IEnumerable y) when a is not string => x.Cast<object>().Select(Describe).SequenceEqual(y.Cast<object>().Select(Describe)),
        _ => Equals(a, b),
    };

    private static string Describe(object item) => item is ToplistDefinition t
        ? $"{t.Id}|{t.Name}|{t.Type}|{string.Join(',', t.Fields)}|{t.PeriodMinutes}|{t.Count}|{t.ReverseDns}"
        : item.ToString() ?? "";
}
