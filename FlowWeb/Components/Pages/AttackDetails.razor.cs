using System.Globalization;
using FlowWeb.Components.Shared;
using FlowWeb.Core.Detection;
using Microsoft.AspNetCore.Components;

namespace FlowWeb.Components.Pages;

/// <summary>
/// One attack's report: what, on whom, how big, its graph, the RouterOS commands, the bans, and the evidence. An
/// ongoing attack is read from the detector's copy once a second (no database reads while it lasts); an ended one
/// from the database, once, and again after a ban or unban.
/// </summary>
public sealed partial class AttackDetails
{
    private AttackReport? _attack;
    private IReadOnlyList<ChartSeries> _series = [];
    private DateTimeOffset _graphStart;
    private bool _loaded;
    private DateTimeOffset _readAt;

    /// <summary>
    /// After an attack ends, its ban removals reach the database a moment later (the router is asked first): its page
    /// reads it again now and then for this long, then no more.
    /// </summary>
    private static readonly TimeSpan Settling = TimeSpan.FromMinutes(2);

    [Parameter]
    public long Id { get; set; }

    [Inject]
    private AttackQueryService Query { get; set; } = default!;

    protected override Task OnParametersSetAsync() => ReloadAsync();

    protected override async Task RefreshAsync()
    {
        if (Detection.Ongoing.FirstOrDefault(a => a.Id == Id) is { } live)
        {
            Show(live);
        }
        else if (_attack is null || _attack.Ongoing)
        {
            // Ended since the last look (or never seen): its final report is in the database.
            await ReloadAsync();
        }
        else if (Time.GetUtcNow() - (_attack.End ?? _attack.LastUpdate) < Settling && Time.GetUtcNow() - _readAt >= TimeSpan.FromSeconds(3))
        {
            await ReloadAsync();
        }
    }

    private async Task ReloadAsync()
    {
        var attack = await Query.GetAsync(Id);
        _readAt = Time.GetUtcNow();
        _loaded = true;
        if (attack is not null)
        {
            Show(attack);
        }
        else
        {
            _attack = null;
        }
    }

    private void Show(AttackReport attack)
    {
        _attack = attack;
        _graphStart = attack.Series.Count > 0 ? attack.Series[0].Time : attack.Start;
        _series = [new ChartSeries("bit/s", "#e53935", [.. attack.Series.Select(p => p.BitsPerSecond)])];
    }

    private static string TypeText(AttackReport a)
    {
        var type = a.Type == AttackType.CarpetBombing ? $"{a.Type.Title()} ({a.Vector.Title()})" : a.Type.Title();
        return a.ReflectorPort is { } port ? $"{type}, reflector port {port.ToString(CultureInfo.InvariantCulture)}" : type;
    }

    private static string SamplingText(AttackReport a) => a.SamplingRateMin == a.SamplingRateMax
        ? FlowFormat.Count(a.SamplingRateMin)
        : $"{FlowFormat.Count(a.SamplingRateMin)} to {FlowFormat.Count(a.SamplingRateMax)}";

    private string Duration(AttackReport attack) => AttackFormat.Duration(attack, Time.GetUtcNow());
}
