using FlowWeb.Components.Shared;
using FlowWeb.Core.Channels;
using FlowWeb.Core.Detection;
using FlowWeb.Core.Interfaces;
using FlowWeb.Core.Live;
using FlowWeb.Core.Sensors;
using Microsoft.AspNetCore.Components;

namespace FlowWeb.Components.Pages.Sections;

/// <summary>
/// Reads the sensor's per-second series each time the page hands it a new snapshot and turns it into graph series
/// in bit/s: averaged into at most <see cref="MaxPoints"/> points, the newest (still filling) second left out.
/// </summary>
public sealed partial class TrafficCard
{
    private const int MaxPoints = 240;

    private IReadOnlyList<ChartSeries> _series = [];
    private DateTimeOffset _start;
    private int _secondsPerPoint = 1;
    private int? _provisionalFrom;
    private int _minutes = 10;
    private bool _stacked = true;
    private bool _running;
    private bool _showQuiet;

    // Channels without a byte in the graph's window and none now: folded under one line, so toplists stay in reach.
    private HashSet<int> _quiet = [];

    [Parameter, EditorRequired]
    public SensorLiveSnapshot Snapshot { get; set; } = default!;

    [Inject]
    private SensorLiveState Live { get; set; } = default!;

    [Inject]
    private InterfaceCatalog Interfaces { get; set; } = default!;

    [Inject]
    private AttackDetection Detection { get; set; } = default!;

    [Inject]
    private AttackQueryService Attacks { get; set; } = default!;

    private IReadOnlyList<ChartMark> _marks = [];

    // The sensor's attacks in the window are read from the database only when its ongoing attacks or the window change
    // (an attack always starts as an ongoing one), not on every refresh.
    private string _marksKey = "";

    /// <summary>The one interface the sensor counts, with a known speed, and Total now as a share of it.</summary>
    private (DeviceInterface Interface, InterfaceDirection Direction, double Percent)? _utilisation;

    protected override async Task OnParametersSetAsync()
    {
        _utilisation = null;
        if (InterfaceUtilisation.PinnedBy(Snapshot.Definition.IncludeFilter) is { } pinned
            && (await Interfaces.ForSensorAsync(Snapshot.Definition)).Find(pinned.IfIndex) is { SpeedBitsPerSecond: > 0 } x)
        {
            var total = Snapshot.Channels.FirstOrDefault(c => c.ChannelId == ChannelIds.Total)?.BitsPerSecond ?? 0;
            _utilisation = (x, pinned.Direction, x.Utilisation(total) ?? 0);
        }

        await LoadMarksAsync();
        Build();
    }

    private async Task LoadMarksAsync()
    {
        var ongoing = Detection.Ongoing.Where(a => a.SensorId == Snapshot.Definition.Id).Select(a => a.Id);
        var key = $"{Snapshot.Definition.Id}|{_minutes}|{string.Join(',', ongoing)}";
        if (key == _marksKey)
        {
            return;
        }

        _marksKey = key;
        var now = DateTimeOffset.UtcNow;
        _marks = AttackMarks.Of(await AttackMarks.ListAsync(Attacks, [Snapshot.Definition.Id], now.AddMinutes(-_minutes), now.AddMinutes(1)));
    }

    private string UtilisationText => _utilisation is not { } u ? "" :
        $"{FlowFormat.Percent(u.Percent)} of {u.Interface.Name}'s {FlowFormat.BitRate(u.Interface.SpeedBitsPerSecond)}"
        + u.Direction switch { InterfaceDirection.Inbound => " in", InterfaceDirection.Outbound => " out", _ => " (in and out together)" };

    private async Task SetMinutes(int minutes)
    {
        _minutes = minutes;
        await LoadMarksAsync();
        Build();
    }

    private void SetStacked(bool stacked)
    {
        _stacked = stacked;
        Build();
    }

    private void ToggleQuiet() => _showQuiet = !_showQuiet;

    private bool IsQuiet(ChannelValue channel) => _quiet.Contains(channel.ChannelId);

    private void Build()
    {
        var seconds = _minutes * 60;
        var snapshot = Live.Series(Snapshot.Definition.Id, seconds + 1);
        _running = snapshot is not null;
        if (snapshot is null)
        {
            _series = [];
            _quiet = [];
            return;
        }

        _secondsPerPoint = Math.Max(1, (int)Math.Ceiling(seconds / (double)MaxPoints));
        _start = snapshot.FirstSecond;
        var series = new List<ChartSeries>();
        var quiet = new HashSet<int>();
        var count = Math.Min(snapshot.BytesPerSecond.Length, Snapshot.Channels.Count);
        for (var c = 0; c < count; c++)
        {
            var channel = Snapshot.Channels[c];
            var isTotal = channel.ChannelId == ChannelIds.Total;
            var values = Points(snapshot.BytesPerSecond[c].AsSpan(0, snapshot.BytesPerSecond[c].Length - 1), _secondsPerPoint);

            if (!isTotal && values.All(v => v == 0) && channel.BitsPerSecond == 0)
            {
                quiet.Add(channel.ChannelId);
            }

            // Stacked, the channels add up to Total, so Total is not drawn; channels without traffic only crowd the legend.
            if ((_stacked && isTotal) || (!isTotal && values.All(v => v == 0)))
            {
                continue;
            }

            series.Add(new ChartSeries(channel.Name, ChannelColors.Of(channel.ChannelId, c), values));
        }

        _series = series;
        _quiet = quiet;
        _provisionalFrom = ProvisionalFrom(snapshot.BytesPerSecond.Length > 0 ? snapshot.BytesPerSecond[0].Length - 1 : 0);
    }

    /// <summary>
    /// A sensor that spreads records over their span books a long flow only when the router reports it, at its active
    /// timeout: the newest that many seconds are still filling and drawn as provisional, not as a drop. A sensor that
    /// books at arrival has nothing still to come.
    /// </summary>
    private int? ProvisionalFrom(int seconds)
    {
        var unsettled = Snapshot.Definition.ActiveFlowTimeoutMinutes * 60;
        return unsettled <= 0 || seconds <= 0 ? null : Math.Max(0, seconds - unsettled) / _secondsPerPoint;
    }

    private string ProvisionalText =>
        $"Still filling: the router reports a long flow only at its active timeout ({Snapshot.Definition.ActiveFlowTimeoutMinutes} min), so the newest {Snapshot.Definition.ActiveFlowTimeoutMinutes} min fill in as reports arrive.";

    /// <summary>Bytes per second to bit/s, averaged over buckets of <paramref name="bucket"/> seconds.</summary>
    private static double[] Points(ReadOnlySpan<double> bytesPerSecond, int bucket)
    {
        var points = new double[(bytesPerSecond.Length + bucket - 1) / bucket];
        for (var p = 0; p < points.Length; p++)
        {
            var slice = bytesPerSecond.Slice(p * bucket, Math.Min(bucket, bytesPerSecond.Length - (p * bucket)));
            var sum = 0.0;
            foreach (var v in slice)
            {
                sum += v;
            }

            points[p] = sum / slice.Length * 8;
        }

        return points;
    }
}
