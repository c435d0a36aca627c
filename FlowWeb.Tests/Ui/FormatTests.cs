using FlowWeb.Components.Shared;
using FlowWeb.Core.Storage.History;
using FlowWeb.Tests.Storage;
using Microsoft.Extensions.Time.Testing;

namespace FlowWeb.Tests.Ui;

/// <summary>The one place numbers and times are formatted for reading: units scaled per value or per axis, and times in the reader's zone.</summary>
public sealed class FormatTests
{
    private static readonly double[] AxisValues = [2e7, 5e8, 2.5e9];

    [Theory]
    [InlineData(0, "0 bit/s")]
    [InlineData(900, "900 bit/s")]
    [InlineData(999.7, "1.00 kbit/s")]
    [InlineData(54_800_000, "54.8 Mbit/s")]
    [InlineData(224_000_000, "224 Mbit/s")]
    [InlineData(6_219_000_000, "6.22 Gbit/s")]
    [InlineData(25_000_000_000, "25.0 Gbit/s")]
    [InlineData(12e12, "12.0 Tbit/s")]
    [InlineData(4.5e15, "4,500 Tbit/s")]
    public void BitRate_Value_ScaledToItsOwnUnitWithThreeSignificantDigits(double bitsPerSecond, string expected) =>
        Assert.Equal(expected, FlowFormat.BitRate(bitsPerSecond));

    [Fact]
    public void OrDash_MissingValue_DashElseTheFormattedValue() =>
        Assert.Equal(("–", "54.8 Mbit/s", "–", "12.5 %"),
            (FlowFormat.BitRateOrDash(null), FlowFormat.BitRateOrDash(54_800_000), FlowFormat.PercentOrDash(null), FlowFormat.PercentOrDash(12.5)));

    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(512, "512 B")]
    [InlineData(1_500, "1.50 KB")]
    [InlineData(123_750_000, "124 MB")]
    [InlineData(4_000_000_000, "4.00 GB")]
    [InlineData(2.5e12, "2.50 TB")]
    public void Bytes_Value_DecimalUnits(double bytes, string expected) => Assert.Equal(expected, FlowFormat.Bytes(bytes));

    [Fact]
    public void In_AxisUnit_EveryValueInTheUnitOfTheLargest()
    {
        var unit = FlowFormat.BitRateUnit(2.5e9);

        Assert.Equal("Gbit/s", unit.Name);
        Assert.Equal(["0.02 Gbit/s", "0.50 Gbit/s", "2.50 Gbit/s"], AxisValues.Select(v => FlowFormat.In(v, unit)));
    }

    [Fact]
    public void Zone_Berlin_WinterAndSummerOffsetsInEveryFormat()
    {
        var zone = DisplayZone.Browser("Europe/Berlin", 60);
        var winter = new DateTimeOffset(2025, 3, 10, 12, 0, 5, TimeSpan.Zero);
        var summer = new DateTimeOffset(2025, 7, 1, 12, 0, 5, TimeSpan.Zero);

        Assert.False(zone.IsUtc || zone.IsFixedOffset);
        Assert.Equal(("13:00:05", "13:00", "UTC+01:00"), (zone.Clock(winter), zone.ClockMinutes(winter), zone.Suffix(winter)));
        Assert.Equal("2025-07-01 14:00:05 UTC+02:00", zone.DateTime(summer));
        Assert.Equal("Europe/Berlin (UTC+02:00)", zone.Label(summer));
        Assert.Equal("2025-03-10 12:00:05 UTC", DisplayZone.Utc.DateTime(winter));
    }

    [Fact]
    public void Zone_FromLocal_GapReadAfterItAndRepeatedHourAsItsFirstOccurrence()
    {
        var zone = DisplayZone.Browser("Europe/Berlin", 60);

        // 2025-03-30 02:30 does not exist in Berlin (02:00 -> 03:00); 2025-10-26 02:30 happens twice.
        Assert.Equal(new DateTimeOffset(2025, 3, 30, 1, 30, 0, TimeSpan.Zero), zone.FromLocal(new DateTime(2025, 3, 30, 2, 30, 0)));
        Assert.Equal(new DateTimeOffset(2025, 10, 26, 0, 30, 0, TimeSpan.Zero), zone.FromLocal(new DateTime(2025, 10, 26, 2, 30, 0)));
        Assert.Equal(new DateTimeOffset(2025, 3, 9, 23, 0, 0, TimeSpan.Zero), zone.StartOfDay(new DateTimeOffset(2025, 3, 10, 12, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void Zone_UnknownName_FixedOffsetTheBrowserReported()
    {
        var zone = DisplayZone.Browser("Mars/Olympus_Mons", 90);

        Assert.True(zone.IsFixedOffset);
        Assert.Equal(("UTC+01:30", "13:30"), (zone.Name, zone.ClockMinutes(new DateTimeOffset(2025, 3, 10, 12, 0, 0, TimeSpan.Zero))));
        Assert.Same(DisplayZone.Utc, DisplayZone.Browser("Etc/UTC", 0));
    }

    [Fact]
    public async Task Ranges_TodayYesterdayAndCustom_PickedInTheReadersZone()
    {
        using var database = await TestDatabase.CreateAsync(migrate: false);
        var history = database.CreateQuery(new FakeTimeProvider(TestDatabase.Now));
        var zone = DisplayZone.Browser("America/New_York", -240);
        var now = TestDatabase.Now; // 2025-03-10 12:00 UTC = 08:00 in New York (EDT since 2025-03-09)

        var today = HistoryRanges.Preset(HistoryRange.Today, now, history, zone);
        var yesterday = HistoryRanges.Preset(HistoryRange.Yesterday, now, history, zone);
        var custom = HistoryRanges.Custom("2025-03-09 06:00", "2025-03-09 18:00", now, history, out var errors, zone);

        Assert.Equal((new DateTimeOffset(2025, 3, 10, 4, 0, 0, TimeSpan.Zero), now), (today.From, today.To));
        // The day the clocks changed is 23 hours long.
        Assert.Equal((new DateTimeOffset(2025, 3, 9, 5, 0, 0, TimeSpan.Zero), today.From), (yesterday.From, yesterday.To));
        Assert.Empty(errors);
        Assert.Equal((new DateTimeOffset(2025, 3, 9, 10, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 3, 9, 22, 0, 0, TimeSpan.Zero), HistoryResolution.Minute),
            (custom!.From, custom.To, custom.Resolution));
        Assert.Equal("2025-03-10 08:00", HistoryRanges.Format(now, zone));
    }
}
