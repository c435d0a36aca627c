using FlowWeb.Components.Shared;
using FlowWeb.Core.Detection;
using FlowWeb.Core.Sensors;
using Microsoft.AspNetCore.Components;

namespace FlowWeb.Components.Pages;

/// <summary>
/// Ongoing attacks first, live from the detector's copies (rates and a graph each, once a second), then the history
/// from the database, filtered by sensor, type, direction, victim and time and paged on the server by id (a page
/// costs what it shows however many attacks are stored). The history is read again when an attack starts or ends.
/// </summary>
public sealed partial class Attacks
{
    private const int PageSize = 50;
    private const int GraphSeconds = 120;
    private static readonly int[] Ranges = [1, 24, 24 * 7, 24 * 30, 0];

    private IReadOnlyList<AttackReport> _ongoing = [];
    private IReadOnlyList<AttackReport> _page = [];
    private IReadOnlyList<SensorDefinition> _sensors = [];

    // The first id of every newer page, to go back: keyset paging has no offsets.
    private readonly Stack<long?> _pageStarts = new();
    private long? _pageStart;
    private bool _hasOlder;
    private string _ongoingIds = "";
    private long _version;
    private Guid? _sensor;
    private AttackType? _type;
    private AttackDirection? _direction;
    private string _victim = "";
    private int _hours = 24 * 7;

    [Inject]
    private AttackQueryService Query { get; set; } = default!;

    [Inject]
    private SensorService Sensors { get; set; } = default!;

    [SupplyParameterFromQuery(Name = "sensor")]
    public Guid? QuerySensor { get; set; }

    protected override async Task OnInitializedAsync()
    {
        _sensor = QuerySensor;
        _sensors = await Sensors.ListSensorsAsync();
        _ongoing = Detection.Ongoing;
        _ongoingIds = Ids(_ongoing);
        await LoadPageAsync();
    }

    protected override async Task RefreshAsync()
    {
        _ongoing = Detection.Ongoing;
        _version++;
        var ids = Ids(_ongoing);
        if (ids != _ongoingIds)
        {
            // An attack started or ended: the history's first rows and their "ongoing" change.
            _ongoingIds = ids;
            await LoadPageAsync();
        }
    }

    private static string Ids(IReadOnlyList<AttackReport> attacks) => string.Join(',', attacks.Select(a => a.Id));

    private Task FirstPageAsync()
    {
        _pageStarts.Clear();
        _pageStart = null;
        return LoadPageAsync();
    }

    private async Task OlderAsync()
    {
        if (!_hasOlder || _page.Count == 0)
        {
            return;
        }

        _pageStarts.Push(_pageStart);
        _pageStart = _page[^1].Id;
        await LoadPageAsync();
    }

    private async Task NewerAsync()
    {
        if (_pageStarts.Count == 0)
        {
            return;
        }

        _pageStart = _pageStarts.Pop();
        await LoadPageAsync();
    }

    private async Task LoadPageAsync()
    {
        // One more than a page: whether an older page exists, without counting every row.
        var rows = await Query.ListAsync(new AttackQuery
        {
            SensorId = _sensor,
            Type = _type,
            Direction = _direction,
            Victim = string.IsNullOrWhiteSpace(_victim) ? null : _victim.Trim(),
            From = _hours == 0 ? null : Time.GetUtcNow().AddHours(-_hours),
            BeforeId = _pageStart,
            Count = PageSize + 1,
        });
        _hasOlder = rows.Count > PageSize;
        _page = [.. rows.Take(PageSize)];
    }

    /// <summary>The newest points of the attack's graph, in bit/s.</summary>
    private static double[] Graph(AttackReport attack)
    {
        var points = Math.Max(2, GraphSeconds / Math.Max(1, attack.SeriesStepSeconds));
        return [.. attack.Series.Skip(Math.Max(0, attack.Series.Count - points)).Select(p => p.BitsPerSecond)];
    }

    private string Duration(AttackReport attack) => AttackFormat.Duration(attack, Time.GetUtcNow());

    private string SensorName(Guid? id) => id is null ? "All sensors" : _sensors.FirstOrDefault(s => s.Id == id)?.Name ?? "(deleted sensor)";

    private static string RangeName(int hours) => hours switch
    {
        0 => "Everything kept",
        1 => "Last hour",
        24 => "Last 24 hours",
        168 => "Last 7 days",
        _ => $"Last {hours / 24} days",
    };
}
