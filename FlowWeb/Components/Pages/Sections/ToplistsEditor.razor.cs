using System.Globalization;
using FlowWeb.Components.Shared;
using FlowWeb.Core.Aggregation;
using FlowWeb.Core.Channels;
using FlowWeb.Core.Flows;
using FlowWeb.Core.Rules;
using FlowWeb.Core.Sensors;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FlowWeb.Components.Pages.Sections;

/// <summary>Edits the form model's toplists in place and reports each change.</summary>
public sealed partial class ToplistsEditor
{
    [Parameter, EditorRequired]
    public SensorFormModel Model { get; set; } = default!;

    [Parameter]
    public EventCallback<string> OnChanged { get; set; }

    public static string TypeName(ToplistType type) => type switch
    {
        ToplistType.TopTalkers => "Top Talkers",
        ToplistType.TopConnections => "Top Connections",
        ToplistType.TopProtocols => "Top Protocols",
        ToplistType.TopSourceIp => "Top Source IP",
        ToplistType.TopDestinationIp => "Top Destination IP",
        ToplistType.TopIp => "Top IP",
        ToplistType.TopSourceAs => "Top Source AS",
        ToplistType.TopDestinationAs => "Top Destination AS",
        ToplistType.TopCountries => "Top Countries",
        _ => "Custom",
    };

    private Task ChangedAsync() => OnChanged.InvokeAsync("Toplists");

    private Task AddAsync()
    {
        Model.AddToplist();
        return ChangedAsync();
    }

    private Task RemoveAsync(ToplistFormModel toplist)
    {
        Model.Toplists.Remove(toplist);
        return ChangedAsync();
    }

    private Task SetFieldsAsync(ToplistFormModel toplist, IEnumerable<ToplistField> fields)
    {
        toplist.SelectFields(fields);
        return ChangedAsync();
    }

    private Task RestoreDefaultsAsync()
    {
        Model.Toplists.Clear();
        Model.Toplists.AddRange(ToplistDefinition.Defaults().Select(ToplistFormModel.From));
        return ChangedAsync();
    }
}
